using Sightline.Collections;
using Sightline.Faces;
using Sightline.Imaging;
using Sightline.Rekognition;
using Sightline.Video;

namespace Sightline.StoredVideo.Analysis;

/// <summary>Face detection (every face of every sampled frame) or face search (faces matching a collection, followed within this one video only).</summary>
internal sealed class FaceAnalysis(FaceEngine engine, CollectionService collections, VideoJobSpec spec, double sampleFps)
    : VideoAnalysis<(IReadOnlyList<AnalyzedFace> Found, List<FaceDetail> Details)>
{
    private readonly List<FaceDetection> _faces = [];
    private readonly List<PersonMatch> _persons = [];
    // A face takes the index of the face it best follows on (IoU ≥ 0.3) among those seen in the last second.
    private readonly BoxTracks _tracks = new(minIou: 0.3f, maxUnseenMillis: 1000, minDetections: 1);
    private readonly bool _search = spec.Kind == VideoJobs.FaceSearch;

    public override FrameSampling Sampling { get; } = new(sampleFps, null);

    protected override ValueTask<(IReadOnlyList<AnalyzedFace> Found, List<FaceDetail> Details)> LookAsync(long timestampMillis, DecodedImage frame, CancellationToken ct)
    {
        var found = engine.Analyze(frame, new FaceRequest { AllAttributes = spec.AllAttributes, Embeddings = _search }, ct);
        return ValueTask.FromResult((found, found.Select(f => RekognitionMapper.ToFaceDetail(f, frame.Width, frame.Height)).ToList()));
    }

    protected override async ValueTask AddAsync(long timestampMillis, (IReadOnlyList<AnalyzedFace> Found, List<FaceDetail> Details) seen, CancellationToken ct)
    {
        var (found, details) = seen;
        var indexes = _tracks.Add(timestampMillis, [.. details.Select(d => d.BoundingBox)]);
        for (int i = 0; i < found.Count; i++)
        {
            if (!_search)
            {
                _faces.Add(new FaceDetection(timestampMillis, details[i]));
                continue;
            }
            var matches = await collections.SearchByEmbeddingAsync(spec.CollectionId!, found[i].Embedding!, 10,
                spec.FaceMatchThreshold ?? CollectionService.DefaultFaceMatchThreshold, ct).ConfigureAwait(false);
            if (matches.Count > 0)
                _persons.Add(new PersonMatch(timestampMillis, new PersonDetail(indexes[i], details[i].BoundingBox, details[i]), matches));
        }
    }

    public override ValueTask<VideoJobResults> FinishAsync(VideoMetadata metadata, VideoInfo info, CancellationToken ct) => ValueTask.FromResult(new VideoJobResults(metadata, _search ? null : _faces, _search ? _persons : null));
}

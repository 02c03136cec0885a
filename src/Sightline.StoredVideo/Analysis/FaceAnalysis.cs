using Sightline.Collections;
using Sightline.Faces;
using Sightline.Imaging;
using Sightline.Rekognition;
using Sightline.Video;

namespace Sightline.StoredVideo.Analysis;

/// <summary>Face detection (every face of every sampled frame) or face search (faces matching a collection, followed within the video).</summary>
internal sealed class FaceAnalysis(FaceEngine engine, CollectionService collections, VideoJobSpec spec, double sampleFps) : IVideoAnalysis
{
    private readonly List<FaceDetection> _faces = [];
    private readonly List<PersonMatch> _persons = [];
    private readonly FaceTracker _tracker = new();
    private readonly bool _search = spec.Kind == VideoJobs.FaceSearch;

    public FrameSampling Sampling { get; } = new(sampleFps, null);

    public async ValueTask AddAsync(long timestampMillis, DecodedImage frame, CancellationToken ct)
    {
        var found = engine.Analyze(frame, new FaceRequest { AllAttributes = spec.AllAttributes, Embeddings = _search }, ct);
        var details = found.Select(f => RekognitionMapper.ToFaceDetail(f, frame.Width, frame.Height)).ToList();
        var indexes = _tracker.Assign(details.Select(d => d.BoundingBox).ToList());
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

    public ValueTask<VideoJobResults> FinishAsync(VideoMetadata metadata, VideoInfo info, CancellationToken ct) => ValueTask.FromResult(new VideoJobResults(metadata, _search ? null : _faces, _search ? _persons : null));
}

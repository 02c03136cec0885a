using Sightline.Imaging;
using Sightline.Objects;
using Sightline.Rekognition;
using Sightline.Video;

namespace Sightline.StoredVideo.Analysis;

/// <summary>
/// Person tracking: people found by the object detector on each sampled frame, followed from frame to frame within
/// this one video (<see cref="BoxTracks"/>), each with an index. Never linked across videos or cameras.
/// </summary>
internal sealed class PersonAnalysis(LabelEngine engine, double sampleFps) : VideoAnalysis<List<BoundingBox>>
{
    /// <summary>A person's box at or above this confidence is followed (StartLabelDetection's default).</summary>
    public const float MinConfidence = 50;

    private static readonly LabelQuery s_people = new LabelQuery { MinConfidence = MinConfidence, LabelInclusionFilters = ["Person"] }.Validate();
    private readonly BoxTracks _tracks = new(minIou: 0.25f, maxUnseenMillis: 1000, minDetections: 3);

    /// <summary>At most 1280 px wide: the detector sees less than that, so larger frames would only cost decoding.</summary>
    public override FrameSampling Sampling { get; } = new(sampleFps, 1280);

    protected override ValueTask<List<BoundingBox>> LookAsync(long timestampMillis, DecodedImage frame, CancellationToken ct) =>
        ValueTask.FromResult<List<BoundingBox>>([.. (engine.DetectLabels(frame, s_people, ct).Labels.FirstOrDefault(l => l.Name == "Person")?.Instances ?? []).Select(p => p.BoundingBox)]);

    protected override ValueTask AddAsync(long timestampMillis, List<BoundingBox> seen, CancellationToken ct)
    {
        _tracks.Add(timestampMillis, seen);
        return ValueTask.CompletedTask;
    }

    public override ValueTask<VideoJobResults> FinishAsync(VideoMetadata metadata, VideoInfo info, CancellationToken ct) => ValueTask.FromResult(new VideoJobResults(metadata, null, null)
    {
        PersonTracks = [.. _tracks.Finish().SelectMany(t => t.Boxes.Select(b => new PersonDetection(b.Timestamp, new PersonDetail(t.Index, b.Box, null))))
            .OrderBy(p => p.Timestamp).ThenBy(p => p.Person.Index)],
    });
}

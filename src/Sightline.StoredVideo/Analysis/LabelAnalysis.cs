using Sightline.Imaging;
using Sightline.Objects;
using Sightline.Rekognition;
using Sightline.Video;

namespace Sightline.StoredVideo.Analysis;

/// <summary>Label detection: the labels of each sampled frame (with instances and parents), as DetectLabels finds them.</summary>
internal sealed class LabelAnalysis(LabelEngine engine, LabelQuery query, double sampleFps) : VideoAnalysis<IReadOnlyList<Label>>
{
    private readonly List<LabelDetection> _labels = [];

    /// <summary>At most 1280 px wide: the detector sees less than that, so larger frames would only cost decoding.</summary>
    public override FrameSampling Sampling { get; } = new(sampleFps, 1280);

    protected override ValueTask<IReadOnlyList<Label>> LookAsync(long timestampMillis, DecodedImage frame, CancellationToken ct) =>
        ValueTask.FromResult<IReadOnlyList<Label>>(engine.DetectLabels(frame, query, ct).Labels);

    protected override ValueTask AddAsync(long timestampMillis, IReadOnlyList<Label> seen, CancellationToken ct)
    {
        foreach (var label in seen)
            _labels.Add(new LabelDetection(timestampMillis, label));
        return ValueTask.CompletedTask;
    }

    public override ValueTask<VideoJobResults> FinishAsync(VideoMetadata metadata, VideoInfo info, CancellationToken ct) => ValueTask.FromResult(new VideoJobResults(metadata, null, null) { Labels = _labels, ModelVersion = engine.ModelVersion });
}

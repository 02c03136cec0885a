using Sightline.Imaging;
using Sightline.Objects;
using Sightline.Rekognition;
using Sightline.Video;

namespace Sightline.StoredVideo.Analysis;

/// <summary>Label detection: the labels of each sampled frame (with instances and parents), as DetectLabels finds them.</summary>
internal sealed class LabelAnalysis(LabelEngine engine, LabelQuery query, double sampleFps) : IVideoAnalysis
{
    private readonly List<LabelDetection> _labels = [];

    public FrameSampling Sampling { get; } = new(sampleFps, null);

    public ValueTask AddAsync(long timestampMillis, DecodedImage frame, CancellationToken ct)
    {
        foreach (var label in engine.DetectLabels(frame, query, ct).Labels)
            _labels.Add(new LabelDetection(timestampMillis, label));
        return ValueTask.CompletedTask;
    }

    public ValueTask<VideoJobResults> FinishAsync(VideoMetadata metadata, VideoInfo info, CancellationToken ct) => ValueTask.FromResult(new VideoJobResults(metadata, null, null) { Labels = _labels, ModelVersion = engine.ModelVersion });
}

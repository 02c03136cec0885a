namespace Sightline.Video;

/// <summary>What a stored video may be (Rekognition's limits for stored video) and how densely it is sampled.</summary>
public sealed record VideoLimits
{
    /// <summary>10 GiB, as Rekognition.</summary>
    public long MaxBytes { get; init; } = 10L * 1024 * 1024 * 1024;

    /// <summary>Six hours, as Rekognition.</summary>
    public TimeSpan MaxDuration { get; init; } = TimeSpan.FromHours(6);

    /// <summary>Frames analysed per second of video (one every 200 ms).</summary>
    public double SampleFps { get; init; } = 5;

    /// <summary>Frames of one job looked at (by the models) at once: one per core by default.</summary>
    public int Parallelism { get; init; } = Environment.ProcessorCount;

    /// <summary>Frames larger than this are refused (8K).</summary>
    public int MaxSide { get; init; } = 7680;
}

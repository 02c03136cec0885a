using System.Diagnostics;

namespace Sightline.Faces;

public enum Stage
{
    Decode,
    Detect,
    Landmarks,
    PoseQuality,
    Attributes,
    AlignEmbed,
}

/// <summary>Accumulated wall time per pipeline stage (summed over faces), for the benchmark. Thread-safe.</summary>
public sealed class StageTimings
{
    private readonly long[] _ticks = new long[Enum.GetValues<Stage>().Length];

    /// <summary>Adds the time since <paramref name="start"/> to <paramref name="stage"/> and returns the new timestamp.</summary>
    public long Add(Stage stage, long start)
    {
        long now = Stopwatch.GetTimestamp();
        Interlocked.Add(ref _ticks[(int)stage], now - start);
        return now;
    }

    public double Milliseconds(Stage stage) => Interlocked.Read(ref _ticks[(int)stage]) * 1000.0 / Stopwatch.Frequency;
}

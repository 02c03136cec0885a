namespace Sightline.Benchmarks;

/// <summary>How a host shows a benchmark's long steps (a progress bar on a terminal, lines in a log, or nothing).</summary>
public interface IBenchProgress
{
    /// <param name="linesWhenRedirected">Report even when no terminal watches (long runs), as plain lines.</param>
    T Run<T>(string label, Func<IProgress<(int Done, int Total)>?, T> work, bool linesWhenRedirected = false);

    /// <summary>A one-line note (e.g. that a build resumes from a checkpoint).</summary>
    void Note(string message);
}

/// <summary>Medians and quantiles of timings.</summary>
public static class Stats
{
    public static double Median(IReadOnlyList<double> values)
    {
        if (values.Count == 0)
            return 0;
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }
}

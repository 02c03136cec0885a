using System.Diagnostics;

namespace Sightline.Fuzz;

/// <summary>What replaying one input found: an exception the target does not document, or an input that took too long.</summary>
public sealed record ReplayFinding(string File, string What);

/// <summary>Runs files through a target in-process, without AFL: for tests and to reproduce a crash.</summary>
public static class Replay
{
    /// <summary>An input slower than this is reported as a hang.</summary>
    public static readonly TimeSpan SlowInput = TimeSpan.FromSeconds(2);

    public static IReadOnlyList<ReplayFinding> Run(IFuzzTarget target, string directory)
    {
        var findings = new List<ReplayFinding>();
        if (!Directory.Exists(directory))
            return findings;
        foreach (string file in Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            if (RunOne(target, file) is { } finding)
                findings.Add(finding);
        }
        return findings;
    }

    public static ReplayFinding? RunOne(IFuzzTarget target, string file)
    {
        byte[] input = File.ReadAllBytes(file);
        FuzzTargets.Trace?.Invoke(Path.GetFileName(file));
        var clock = Stopwatch.StartNew();
        try
        {
            target.Run(input);
        }
        catch (Exception ex)
        {
            return new ReplayFinding(file, ex.ToString());
        }
        return clock.Elapsed > SlowInput ? new ReplayFinding(file, $"took {clock.Elapsed.TotalSeconds:0.0} s") : null;
    }
}

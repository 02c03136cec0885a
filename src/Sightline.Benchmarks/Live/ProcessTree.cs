using System.Globalization;

namespace Sightline.Benchmarks.Live;

/// <summary>
/// What a process tree uses: CPU seconds; RSS summed over the processes (pages of shared libraries counted once per
/// process that maps them, so an overcount for many ffmpeg processes); PSS summed (each shared page divided among
/// the processes sharing it: the memory the tree really holds).
/// </summary>
public readonly record struct TreeSample(double CpuSeconds, double RssMb, double PssMb, int Processes);

/// <summary>CPU time and memory of a process and all its descendants (a server and its ffmpeg children), from /proc.</summary>
public static class ProcessTree
{
    private static readonly double s_ticks = 100; // USER_HZ on Linux

    public static TreeSample Measure(int root)
    {
        var parents = new Dictionary<int, int>();
        var stats = new Dictionary<int, (double Cpu, double Rss)>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out int pid))
                continue;
            try
            {
                string stat = File.ReadAllText(Path.Combine(dir, "stat"));
                // Fields after the command name (which may hold spaces) in parentheses.
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                int ppid = int.Parse(fields[1], CultureInfo.InvariantCulture);
                double cpu = (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / s_ticks;
                double rss = long.Parse(fields[21], CultureInfo.InvariantCulture) * Environment.SystemPageSize / (1024.0 * 1024.0);
                parents[pid] = ppid;
                stats[pid] = (cpu, rss);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
            {
                // the process ended while being read
            }
        }
        var tree = new HashSet<int> { root };
        bool grew = true;
        while (grew)
        {
            grew = false;
            foreach (var (pid, ppid) in parents)
            {
                if (tree.Contains(ppid) && tree.Add(pid))
                    grew = true;
            }
        }
        double totalCpu = 0, totalRss = 0, totalPss = 0;
        foreach (int pid in tree)
        {
            if (stats.TryGetValue(pid, out var s))
                (totalCpu, totalRss, totalPss) = (totalCpu + s.Cpu, totalRss + s.Rss, totalPss + (Pss(pid) ?? s.Rss));
        }
        return new TreeSample(totalCpu, totalRss, totalPss, tree.Count(stats.ContainsKey));
    }

    /// <summary>The process's proportional set size in MB (null when it is gone or the kernel has no smaps_rollup).</summary>
    private static double? Pss(int pid)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/smaps_rollup"))
            {
                if (line.StartsWith("Pss:", StringComparison.Ordinal))
                    return long.Parse(line.AsSpan(4).Trim().TrimEnd("kB").Trim(), CultureInfo.InvariantCulture) / 1024.0;
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException)
        {
        }
        return null;
    }
}

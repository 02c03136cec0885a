using System.Globalization;

namespace Sightline.Benchmarks.Live;

/// <summary>CPU time and resident memory of a process and all its descendants (a server and its ffmpeg children), from /proc.</summary>
public static class ProcessTree
{
    private static readonly double s_ticks = 100; // USER_HZ on Linux

    public static (double CpuSeconds, double RssMb, int Processes) Measure(int root)
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
        double totalCpu = 0, totalRss = 0;
        foreach (int pid in tree)
        {
            if (stats.TryGetValue(pid, out var s))
                (totalCpu, totalRss) = (totalCpu + s.Cpu, totalRss + s.Rss);
        }
        return (totalCpu, totalRss, tree.Count(stats.ContainsKey));
    }
}

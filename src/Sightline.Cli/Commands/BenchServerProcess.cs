using System.CommandLine;
using System.Diagnostics;

namespace Sightline.Cli.Commands;

/// <summary>A real server for a benchmark or campaign: this executable's <c>serve</c> as a child process on loopback.</summary>
internal static class BenchServerProcess
{
    /// <param name="log">Where the server's output goes (discarded when null).</param>
    public static Process Start(ParseResult parse, string data, int port, IEnumerable<string> extra, string? log = null)
    {
        var psi = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        string? dll = Environment.ProcessPath!.EndsWith("dotnet", StringComparison.Ordinal) ? typeof(BenchServerProcess).Assembly.Location : null;
        foreach (var a in new[] { dll, "serve", "--urls", $"http://127.0.0.1:{port}", "--data", data, "--models", GlobalOptions.ModelsDirectory(parse) })
        {
            if (a is not null) psi.ArgumentList.Add(a);
        }
        if (GlobalOptions.Core(parse).Database is { } database)
        {
            psi.ArgumentList.Add("--database");
            psi.ArgumentList.Add(database);
        }
        foreach (string a in extra)
            psi.ArgumentList.Add(a);
        var process = Process.Start(psi)!;
        // Flushed line by line and left open: the server may write after it is killed.
        var writer = log is null ? null : TextWriter.Synchronized(new StreamWriter(log) { AutoFlush = true });
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) writer?.WriteLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) writer?.WriteLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }
}

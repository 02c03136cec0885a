using System.CommandLine;
using System.Diagnostics;
using Sightline.Access;
using Sightline.Storage;

namespace Sightline.Cli.Commands;

/// <summary>A real server for a benchmark or campaign: this executable's <c>serve</c> as a child process on loopback.</summary>
internal static class BenchServerProcess
{
    /// <summary>
    /// The options of a bench's own data directory. On a shared database the secrets stay those the command was given
    /// (a shared database's keys are provisioned once); on the embedded store they are minted in the new directory.
    /// </summary>
    public static Hosting.SightlineOptions Options(ParseResult parse, string data)
    {
        var given = GlobalOptions.Core(parse);
        return given with { DataDirectory = data, SecretsDirectory = given.Database is null ? null : given.Secrets };
    }

    /// <summary>
    /// A key of <paramref name="role"/> in the data directory the server will use, with the role's rate limit lifted:
    /// a benchmark or campaign measures the server, not the per-key limit a deployment sets.
    /// </summary>
    public static async Task<IssuedKey> KeyAsync(ParseResult parse, string data, string role, string command, CancellationToken ct)
    {
        using var core = CliCore.Open(Options(parse, data));
        var entry = CollectionHost.LocalEntry("cli " + command);
        var key = await core.Get<AccessKeys>().CreateAsync(entry, role, null, null, command, ct);
        await PolicySettings.SetAsync(core.Get<IPolicyStore>(), entry, RateLimit.KeyFor(role), "100000/1000000", ct);
        return key;
    }

    /// <param name="log">Where the server's output goes (discarded when null).</param>
    /// <param name="environment">Variables set for the server's process (runtime settings a benchmark fixes).</param>
    public static Process Start(ParseResult parse, string data, int port, IEnumerable<string> extra, string? log = null, IReadOnlyDictionary<string, string>? environment = null)
    {
        var psi = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
            psi.Environment[name] = value;
        string? dll = Environment.ProcessPath!.EndsWith("dotnet", StringComparison.Ordinal) ? typeof(BenchServerProcess).Assembly.Location : null;
        foreach (var a in new[] { dll, "serve", "--urls", $"http://127.0.0.1:{port}", "--data", data, "--models", GlobalOptions.ModelsDirectory(parse) })
        {
            if (a is not null) psi.ArgumentList.Add(a);
        }
        var options = Options(parse, data);
        if (options.Database is { } database)
        {
            psi.ArgumentList.Add("--database");
            psi.ArgumentList.Add(database);
            psi.ArgumentList.Add("--secrets");
            psi.ArgumentList.Add(options.Secrets);
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

using System.Diagnostics;
using System.Text.Json;
using Sightline.Models;

namespace Sightline.Cli.Tests;

public sealed record CliResult(int ExitCode, string Stdout, string Stderr)
{
    public JsonElement Json()
    {
        Assert.True(ExitCode == 0, $"exit {ExitCode}; stderr: {Stderr}");
        try
        {
            return JsonDocument.Parse(Stdout).RootElement.Clone();
        }
        catch (JsonException ex)
        {
            throw new Xunit.Sdk.XunitException($"stdout is not JSON ({ex.Message}):\n{Stdout}");
        }
    }

    public override string ToString() => $"exit {ExitCode}\nstdout: {Stdout}\nstderr: {Stderr}";
}

/// <summary>Runs the real CLI (the referenced project's sightline.dll) as a child process.</summary>
public static class SightlineCli
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromMinutes(2);

    public static string Dll
    {
        get
        {
            string path = Path.Combine(AppContext.BaseDirectory, "sightline.dll");
            Assert.True(File.Exists(path), $"{path} is missing: the test project must reference src/Sightline.Cli");
            return path;
        }
    }

    public static CliResult Run(params string[] args) => RunWithin(s_timeout, args);

    /// <summary>As <see cref="Run"/>, for a command that may take longer than the usual two minutes.</summary>
    public static CliResult RunWithin(TimeSpan timeout, params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        psi.ArgumentList.Add(Dll);
        foreach (var a in args)
            psi.ArgumentList.Add(a);
        UseTestDatabase(psi, args);
        // The tests' webhook receivers listen on loopback, which an operator must allow by name (commands that add
        // rules check it; commands that detect deliver through it).
        if (!args.Contains("--allow-outbound"))
            psi.Environment["SIGHTLINE_ALLOW_OUTBOUND"] = "127.0.0.1";
        psi.Environment["NO_COLOR"] = "1";
        psi.Environment["TERM"] = "dumb";
        psi.Environment["COLUMNS"] = "200";
        using var process = Process.Start(psi) ?? throw new InvalidOperationException("dotnet did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"sightline {string.Join(' ', args)} did not finish within {timeout.TotalSeconds} s");
        }
        process.WaitForExit();
        return new CliResult(process.ExitCode, stdout.GetAwaiter().GetResult(), stderr.GetAwaiter().GetResult());
    }

    /// <summary>
    /// Points a CLI or server process at the database <see cref="Sightline.Tests.TestDatabase"/> gives its <c>--data</c>
    /// directory (through $SIGHTLINE_DATABASE, so an explicit --database still wins): PostgreSQL when the tests run on it.
    /// </summary>
    public static void UseTestDatabase(ProcessStartInfo psi, IReadOnlyList<string> args)
    {
        int data = args.ToList().IndexOf("--data");
        if (data >= 0 && data + 1 < args.Count && Path.IsPathFullyQualified(args[data + 1]) && Sightline.Tests.TestDatabase.For(args[data + 1]) is { } database)
            psi.Environment["SIGHTLINE_DATABASE"] = database;
    }

    /// <summary>A fixture photo of the model pack; fails (never skips) when the pack has not been fetched.</summary>
    public static string Fixture(string id)
    {
        string dir = ModelPaths.DefaultModelsDirectory;
        string path = Path.Combine(ModelPaths.FixturesDirectory(dir), id + ".jpg");
        Assert.True(File.Exists(path) && ModelPackManifest.Builtin.Models.All(m => File.Exists(Path.Combine(dir, m.File))),
            $"The model pack or its fixtures are missing from {dir}. Run '{ModelPaths.FetchCommand}' before running the tests.");
        return path;
    }
}

/// <summary>CLI runs load every model; running them one at a time keeps a 2-core machine responsive.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class CliCollection
{
    public const string Name = "cli";
}

/// <summary>A temporary folder removed after the test.</summary>
public sealed class TempDir : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("sightline-cli-").FullName;

    public string Copy(string source, string name)
    {
        string target = System.IO.Path.Combine(Path, name);
        File.Copy(source, target);
        return target;
    }

    public string Write(string name, string text)
    {
        string target = System.IO.Path.Combine(Path, name);
        File.WriteAllText(target, text);
        return target;
    }

    public void Dispose() => Directory.Delete(Path, recursive: true);
}

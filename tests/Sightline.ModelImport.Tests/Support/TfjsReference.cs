using System.Diagnostics;
using System.Text.Json;

namespace Sightline.ModelImport.Tests.Support;

/// <summary>One output of the TF.js reference run: its node name, shape and float32 values.</summary>
internal sealed record ReferenceOutput(string Name, int[] Shape, float[] Values);

/// <summary>
/// Runs tests/tfjs-reference/run.mjs (TensorFlow.js 4.22 on its pure-JS CPU backend). Installs the pinned
/// packages with 'npm ci' the first time; fails with the npm output if that is not possible.
/// </summary>
internal static class TfjsReference
{
    private static readonly SemaphoreSlim s_install = new(1, 1);

    public static string Directory => Path.Combine(HumanModels.RepoRoot, "tests", "tfjs-reference");

    public static async Task<IReadOnlyList<ReferenceOutput>> RunAsync(string modelJson, float[] input, string workDir, CancellationToken cancellationToken)
    {
        await EnsureInstalledAsync(cancellationToken);
        string inputFile = Path.Combine(workDir, "input.bin");
        await File.WriteAllBytesAsync(inputFile, System.Runtime.InteropServices.MemoryMarshal.AsBytes(input.AsSpan()).ToArray(), cancellationToken);
        string prefix = Path.Combine(workDir, "tfjs");
        await RunAsync("node", [Path.Combine(Directory, "run.mjs"), modelJson, inputFile, prefix], Directory, TimeSpan.FromMinutes(5), cancellationToken);
        using var doc = JsonDocument.Parse(await File.ReadAllTextAsync(prefix + ".json", cancellationToken));
        var outputs = new List<ReferenceOutput>();
        foreach (var o in doc.RootElement.GetProperty("outputs").EnumerateArray())
        {
            byte[] raw = await File.ReadAllBytesAsync(o.GetProperty("file").GetString()!, cancellationToken);
            outputs.Add(new ReferenceOutput(
                o.GetProperty("name").GetString()!,
                [.. o.GetProperty("shape").EnumerateArray().Select(d => d.GetInt32())],
                System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(raw).ToArray()));
        }
        return outputs;
    }

    private static async Task EnsureInstalledAsync(CancellationToken cancellationToken)
    {
        await s_install.WaitAsync(cancellationToken);
        try
        {
            if (File.Exists(Path.Combine(Directory, "node_modules", "@tensorflow", "tfjs-converter", "package.json")))
                return;
            await RunAsync("npm", ["ci", "--prefix", Directory, "--no-audit", "--no-fund"], Directory, TimeSpan.FromMinutes(5), cancellationToken);
        }
        finally
        {
            s_install.Release();
        }
    }

    private static async Task RunAsync(string file, string[] args, string workDir, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = workDir };
        foreach (string a in args)
            psi.ArgumentList.Add(a);
        using var process = Process.Start(psi) ?? throw new InvalidOperationException($"{file} did not start");
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
        string err = await stderr, output = await stdout;
        Assert.True(process.ExitCode == 0, $"'{file} {string.Join(' ', args)}' failed with exit {process.ExitCode}:\n{err}\n{output}");
    }
}

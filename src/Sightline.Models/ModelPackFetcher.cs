using System.Diagnostics;
using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;

namespace Sightline.Models;

/// <summary>
/// Fetches the pinned npm packages with <c>npm pack</c>, checks each tarball's sha512 integrity, extracts the
/// listed files and checks each one's sha256 before it is moved into place. Files already present and
/// correct are left alone, so a second run does nothing.
/// </summary>
public sealed class ModelPackFetcher(ModelPackManifest manifest, string modelsDirectory)
{
    public sealed record Progress(string Message, int Done, int Total);

    public async Task<int> FetchAsync(bool includeFixtures, IProgress<Progress>? progress, CancellationToken cancellationToken)
    {
        var wanted = manifest.Models.Where(m => m.Package is not null)
            .Select(m => (Entry: m, Dir: modelsDirectory))
            .Concat(includeFixtures
                ? manifest.Fixtures.Select(f => (Entry: f, Dir: ModelPaths.FixturesDirectory(modelsDirectory)))
                : [])
            .ToList();
        var missing = wanted.Where(w => !IsPresent(w.Entry, w.Dir)).ToList();
        int done = wanted.Count - missing.Count;
        progress?.Report(new Progress($"{done} of {wanted.Count} files already verified", done, wanted.Count));
        if (missing.Count == 0)
            return 0;

        string cache = Path.Combine(modelsDirectory, ".npm-cache");
        Directory.CreateDirectory(cache);
        foreach (var group in missing.GroupBy(w => w.Entry.Package!))
        {
            var package = manifest.Packages.Single(p => p.Name == group.Key);
            progress?.Report(new Progress($"npm pack {package.Spec}", done, wanted.Count));
            string tarball = await PackAsync(package, cache, cancellationToken).ConfigureAwait(false);
            await ExtractAsync(tarball, group.ToList(), cancellationToken).ConfigureAwait(false);
            done += group.Count();
            progress?.Report(new Progress($"verified {group.Count()} file(s) from {package.Spec}", done, wanted.Count));
        }
        return missing.Count;
    }

    private static bool IsPresent(ModelEntry entry, string dir)
    {
        string path = Path.Combine(dir, entry.File);
        return File.Exists(path) && ModelIntegrity.Sha256Hex(path) == entry.Sha256;
    }

    private static async Task<string> PackAsync(NpmPackage package, string cache, CancellationToken cancellationToken)
    {
        string file = Path.Combine(cache, TarballName(package));
        if (!File.Exists(file) || !ModelIntegrity.MatchesIntegrity(file, package.Integrity))
        {
            var psi = new ProcessStartInfo("npm")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                WorkingDirectory = cache,
            };
            foreach (var arg in new[] { "pack", package.Spec, "--pack-destination", cache, "--silent" })
                psi.ArgumentList.Add(arg);
            Process process;
            try
            {
                process = Process.Start(psi) ?? throw new InvalidOperationException("npm did not start");
            }
            catch (System.ComponentModel.Win32Exception ex)
            {
                throw new SightlineException(ErrorKind.ModelUnavailable, "npm is not installed: the model pack is fetched with 'npm pack'. Install Node.js and npm, then run " + ModelPaths.FetchCommand + ".", ex);
            }
            using (process)
            {
                var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
                var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                timeout.CancelAfter(TimeSpan.FromMinutes(10));
                try
                {
                    await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    process.Kill(entireProcessTree: true);
                    throw;
                }
                string error = await stderr.ConfigureAwait(false);
                await stdout.ConfigureAwait(false);
                if (process.ExitCode != 0)
                    throw new SightlineException(ErrorKind.ModelUnavailable, $"'npm pack {package.Spec}' failed (exit {process.ExitCode}): {error.Trim()}");
            }
            if (!File.Exists(file))
                throw new SightlineException(ErrorKind.ModelUnavailable, $"'npm pack {package.Spec}' did not produce {file}.");
            if (!ModelIntegrity.MatchesIntegrity(file, package.Integrity))
            {
                File.Delete(file);
                throw new SightlineException(ErrorKind.ModelUnavailable, $"The tarball of {package.Spec} does not match its pinned integrity {package.Integrity}; it was deleted.");
            }
        }
        return file;
    }

    /// <summary>npm's tarball name: scope folded in, '@' dropped, '/' to '-'.</summary>
    internal static string TarballName(NpmPackage package) =>
        $"{package.Name.TrimStart('@').Replace('/', '-')}-{package.Version}.tgz";

    private static async Task ExtractAsync(string tarball, List<(ModelEntry Entry, string Dir)> entries, CancellationToken cancellationToken)
    {
        var byPath = entries.ToDictionary(e => e.Entry.Path!, StringComparer.Ordinal);
        await using var file = File.OpenRead(tarball);
        await using var gzip = new GZipStream(file, CompressionMode.Decompress);
        await using var reader = new TarReader(gzip);
        while (await reader.GetNextEntryAsync(copyData: false, cancellationToken).ConfigureAwait(false) is { } tarEntry)
        {
            if (tarEntry.DataStream is null || !byPath.Remove(tarEntry.Name, out var target))
                continue;
            Directory.CreateDirectory(target.Dir);
            string final = Path.Combine(target.Dir, target.Entry.File);
            string temp = final + ".part";
            await using (var output = File.Create(temp))
            {
                await tarEntry.DataStream.CopyToAsync(output, cancellationToken).ConfigureAwait(false);
                await output.FlushAsync(cancellationToken).ConfigureAwait(false);
                output.Flush(flushToDisk: true);
            }
            string actual = ModelIntegrity.Sha256Hex(temp);
            if (actual != target.Entry.Sha256)
            {
                File.Delete(temp);
                throw new SightlineException(ErrorKind.ModelUnavailable, $"{target.Entry.File} from {Path.GetFileName(tarball)} has sha256 {actual}, expected {target.Entry.Sha256}.");
            }
            File.Move(temp, final, overwrite: true);
        }
        if (byPath.Count > 0)
            throw new SightlineException(ErrorKind.ModelUnavailable, $"{Path.GetFileName(tarball)} lacks {string.Join(", ", byPath.Keys)}.");
    }
}

public static class ModelIntegrity
{
    public static string Sha256Hex(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    /// <summary>Checks a file against an npm integrity string ("sha512-BASE64").</summary>
    public static bool MatchesIntegrity(string path, string integrity)
    {
        const string prefix = "sha512-";
        if (!integrity.StartsWith(prefix, StringComparison.Ordinal))
            throw SightlineException.InvalidParameter($"Unsupported integrity '{integrity}': only sha512 is accepted.");
        using var stream = File.OpenRead(path);
        byte[] hash = SHA512.HashData(stream);
        return CryptographicOperations.FixedTimeEquals(hash, Convert.FromBase64String(integrity[prefix.Length..]));
    }
}

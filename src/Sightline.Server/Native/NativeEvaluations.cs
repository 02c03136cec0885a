using System.IO.Compression;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Sightline.Access;
using Sightline.Evaluation;
using Sightline.Faces;
using Sightline.Storage;

namespace Sightline.Server.Native;

/// <summary>
/// Independent testing (RCW 43.386.030): an auditor uploads a labelled dataset as a zip — images and the same CSV
/// as <c>sightline eval verify|identify</c>, optionally with a group column — and gets the figures back, per group
/// too. The upload is unpacked to a temporary folder, scored with the server's own models, and deleted before the
/// answer leaves; only an audit record (who, when, the dataset's SHA-256 and the headline figures) is kept.
/// </summary>
public static class NativeEvaluations
{
    /// <summary>Largest dataset upload.</summary>
    public const long MaxUploadBytes = 512L * 1024 * 1024;

    /// <summary>Most files in an upload, and most bytes once unpacked.</summary>
    public const int MaxEntries = 50_000;

    public const long MaxUnpackedBytes = 2L * 1024 * 1024 * 1024;

    public static void Map(RouteGroupBuilder v1)
    {
        v1.MapPost("/evaluations/verify", (HttpRequest request, FaceEngine engine, IAuditStore audit, CancellationToken ct) =>
            RunAsync(request, audit, "pairs.csv", "verify", (dir, csv, group) =>
            {
                float threshold = NativeInput.Float(request, "threshold", 0, 100) ?? FaceComparer.DefaultThreshold;
                var result = VerifyEvaluation.Run(new FaceComparer(engine), new EmbeddingCache(engine, EvalPaths.Decoder()), csv, dir, threshold, null, ct, null, group);
                return Task.FromResult((result, $"pairs={result.Pairs} accuracy={result.Accuracy:F4} fmr={result.FalseMatchRate:F4} fnmr={result.FalseNonMatchRate:F4}"));
            }, ct))
            .Op("EvaluateVerification", Capability.Audit, "Independent testing: 1:1 verification figures on an uploaded zip (images + pairs.csv: file1,file2,same[,group]); nothing is kept")
            .Accepts<IFormFile>("application/zip").Produces<VerifyResult>().WithMetadata(new RequestSizeLimitAttribute(MaxUploadBytes));

        v1.MapPost("/evaluations/identify", (HttpRequest request, FaceEngine engine, IScratchStoreFactory scratch, IAuditStore audit, CancellationToken ct) =>
            RunAsync(request, audit, "identities.csv", "identify", async (dir, csv, group) =>
            {
                var result = await IdentifyEvaluation.RunAsync(engine, EvalPaths.Decoder(), scratch, csv, dir, null, ct, group);
                return (result, $"probes={result.Probes} rank1={result.Rank1:F4} tpir={result.TpirAtFpir1e2:F4}");
            }, ct))
            .Op("EvaluateIdentification", Capability.Audit, "Independent testing: 1:N identification figures on an uploaded zip (images + identities.csv: file,identity[,group]); nothing is kept")
            .Accepts<IFormFile>("application/zip").Produces<IdentifyResult>().WithMetadata(new RequestSizeLimitAttribute(MaxUploadBytes));
    }

    private static async Task<IResult> RunAsync<T>(HttpRequest request, IAuditStore audit, string defaultCsv, string kind,
        Func<string, string, string?, Task<(T Result, string Summary)>> evaluate, CancellationToken ct)
    {
        if (request.ContentType?.Split(';')[0].Trim() is not ("application/zip" or "application/x-zip-compressed"))
            throw SightlineException.InvalidParameter($"Upload the dataset as a zip with Content-Type application/zip; got '{request.ContentType}'.");
        string csvName = NativeInput.Text(request, "csv") ?? defaultCsv;
        string? group = NativeInput.Text(request, "groupColumn");
        string dir = Path.Combine(Path.GetTempPath(), "sightline-evaluation-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            string zipPath = Path.Combine(dir, "upload.zip"), root = Path.Combine(dir, "data");
            string sha;
            await using (var file = File.Create(zipPath))
                await request.Body.CopyToAsync(file, ct).ConfigureAwait(false);
            await using (var file = File.OpenRead(zipPath))
                sha = "sha256:" + Convert.ToHexStringLower(await SHA256.HashDataAsync(file, ct).ConfigureAwait(false));
            Unpack(zipPath, root);
            File.Delete(zipPath);
            string csv = Path.Combine(root, csvName);
            if (!Path.GetFullPath(csv).StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal) || !File.Exists(csv))
                throw SightlineException.InvalidParameter($"The zip has no '{csvName}' at its top level (name another with ?csv=).");
            var (result, summary) = await Task.Run(() => evaluate(root, csv, group), ct).ConfigureAwait(false);
            var principal = RequestIdentity.Of(request.HttpContext).Principal!;
            await audit.AppendAuditAsync(new AuditEntry(principal.AccessKeyId, principal.Role, kind == "verify" ? "EvaluateVerification" : "EvaluateIdentification")
            {
                Probe = sha,
                Details = System.Text.Json.JsonSerializer.Serialize(new[] { kind, summary, group ?? "" }),
            }, ct).ConfigureAwait(false);
            return Results.Ok(result);
        }
        finally
        {
            try { Directory.Delete(dir, recursive: true); } catch (IOException) { }
        }
    }

    /// <summary>Unpacks within the limits; entries that would land outside the folder are refused.</summary>
    private static void Unpack(string zipPath, string root)
    {
        ZipArchive zip;
        try
        {
            zip = ZipFile.OpenRead(zipPath);
        }
        catch (InvalidDataException ex)
        {
            throw SightlineException.InvalidParameter($"The upload is not a readable zip: {ex.Message}");
        }
        using (zip)
        {
            if (zip.Entries.Count > MaxEntries)
                throw SightlineException.InvalidParameter($"The zip holds {zip.Entries.Count} entries; the limit is {MaxEntries}.");
            long total = zip.Entries.Sum(e => e.Length);
            if (total > MaxUnpackedBytes)
                throw SightlineException.InvalidParameter($"The zip unpacks to {total:N0} bytes; the limit is {MaxUnpackedBytes:N0}.");
            Directory.CreateDirectory(root);
            try
            {
                zip.ExtractToDirectory(root);
            }
            catch (IOException ex)
            {
                throw SightlineException.InvalidParameter($"The zip could not be unpacked: {ex.Message}");
            }
            catch (InvalidDataException ex)
            {
                throw SightlineException.InvalidParameter($"The zip is corrupt: {ex.Message}");
            }
        }
    }
}

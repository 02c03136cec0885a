using System.Diagnostics;
using System.Text.Json;

namespace Sightline.Cli.Tests;

[Collection(CliCollection.Name)]
public sealed class CollectionCommandTests
{
    [Fact]
    public void Collections_and_faces_commands_speak_rekognition_json_and_exit_codes()
    {
        using var data = new TempDir();
        string[] D(params string[] args) => ["--data", data.Path, .. args];
        Assert.Equal(200, SightlineCli.Run(D("collections", "create", "c1", "--json")).Json().GetProperty("StatusCode").GetInt32());
        var dup = SightlineCli.Run(D("collections", "create", "c1"));
        Assert.Equal(2, dup.ExitCode);
        Assert.Contains("already exists", dup.Stderr, StringComparison.Ordinal);
        Assert.Equal(2, SightlineCli.Run(D("collections", "describe", "nope")).ExitCode);

        var indexed = SightlineCli.Run(D("faces", "index", "c1", SightlineCli.Fixture("sample1"), "--external-id", "case-17:photo-1", "--json")).Json();
        Assert.Equal(3, indexed.GetProperty("FaceRecords").GetArrayLength());
        Assert.Equal("case-17:photo-1", indexed.GetProperty("FaceRecords")[0].GetProperty("Face").GetProperty("ExternalImageId").GetString());

        var search = SightlineCli.Run(D("faces", "search", "c1", SightlineCli.Fixture("sample1"), "--case", "2026-17", "--purpose", "investigation", "--json")).Json();
        Assert.True(search.GetProperty("FaceMatches")[0].GetProperty("Similarity").GetSingle() > 99);
        Assert.Equal(2, SightlineCli.Run(D("faces", "search", "c1", SightlineCli.Fixture("sample1"), "--case", "2026-17", "--purpose", "investigation", "--threshold", "120")).ExitCode);

        // The search policy: a case and a known purpose are required, and nothing below the identification floor (99).
        var unscoped = SightlineCli.Run(D("faces", "search", "c1", SightlineCli.Fixture("sample1")));
        Assert.Equal(2, unscoped.ExitCode);
        Assert.Contains("case number and a purpose", unscoped.Stderr, StringComparison.Ordinal);
        Assert.Contains("Unknown purpose", SightlineCli.Run(D("faces", "search", "c1", SightlineCli.Fixture("sample1"), "--case", "2026-17", "--purpose", "curiosity")).Stderr, StringComparison.Ordinal);
        Assert.Contains("below the identification floor", SightlineCli.Run(D("faces", "search", "c1", SightlineCli.Fixture("sample1"), "--case", "2026-17", "--purpose", "investigation", "--threshold", "90")).Stderr, StringComparison.Ordinal);
        Assert.Equal(0, SightlineCli.Run(D("policy", "set", "requireCase", "false")).ExitCode);
        Assert.Equal(0, SightlineCli.Run(D("faces", "search", "c1", SightlineCli.Fixture("sample1"), "--json")).ExitCode);
        var audit = SightlineCli.Run(D("audit", "list", "--json")).Json().EnumerateArray().ToList();
        Assert.Equal(["ok", "InvalidParameterException", "AccessDeniedException", "InvalidParameterException", "InvalidParameterException", "ok:no-case"],
            audit.Where(r => r.GetProperty("operation").GetString() == "cli faces search").Select(r => r.GetProperty("outcome").GetString()));
        Assert.Contains(audit, r => r.GetProperty("operation").GetString() == "cli policy set" && r.GetProperty("details")[0].GetString() == "requireCase");
        Assert.Equal(99f, audit.First(r => r.GetProperty("operation").GetString() == "cli faces search").GetProperty("threshold").GetSingle());
        Assert.Equal(0, SightlineCli.Run(D("audit", "verify")).ExitCode);

        var faceId = indexed.GetProperty("FaceRecords")[0].GetProperty("Face").GetProperty("FaceId").GetString()!;
        var deleted = SightlineCli.Run(D("faces", "delete", "c1", faceId, "--json")).Json();
        Assert.Equal(faceId, deleted.GetProperty("DeletedFaces")[0].GetString());
        Assert.Equal(2, SightlineCli.Run(D("faces", "list", "c1", "--json")).Json().GetProperty("Faces").GetArrayLength());
        Assert.Equal(2, SightlineCli.Run(D("faces", "delete", "c1", "not-a-uuid")).ExitCode);
        Assert.Equal(0, SightlineCli.Run(D("collections", "delete", "c1")).ExitCode);
        Assert.Equal(2, SightlineCli.Run(D("faces", "list", "c1")).ExitCode);
    }

    /// <summary>
    /// kill -9 in the middle of a bulk load: every face whose IndexFaces response was printed (the acknowledgement)
    /// is listed and searchable after restart, and the database is consistent.
    /// </summary>
    [Fact]
    public async Task Acknowledged_faces_survive_kill_9_mid_bulk_load()
    {
        using var data = new TempDir();
        using var images = new TempDir();
        for (int copy = 0; copy < 6; copy++)
        {
            foreach (var id in new[] { "sample1", "sample3", "sample4", "sample6" })
                images.Copy(SightlineCli.Fixture(id), $"{copy}-{id}.jpg");
        }
        Assert.Equal(0, SightlineCli.Run("--data", data.Path, "collections", "create", "bulk").ExitCode);

        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { SightlineCli.Dll, "--data", data.Path, "faces", "index", "bulk", images.Path, "--json" })
            psi.ArgumentList.Add(a);
        SightlineCli.UseTestDatabase(psi, [.. psi.ArgumentList]);
        using var process = Process.Start(psi)!;
        _ = process.StandardError.ReadToEndAsync();
        var acknowledged = new List<string>();
        int lines = 0;
        while (lines < 5 && await process.StandardOutput.ReadLineAsync() is { } line)
        {
            lines++;
            foreach (var record in JsonDocument.Parse(line).RootElement.GetProperty("FaceRecords").EnumerateArray())
                acknowledged.Add(record.GetProperty("Face").GetProperty("FaceId").GetString()!);
        }
        process.Kill(entireProcessTree: true); // SIGKILL: no shutdown code runs
        await process.WaitForExitAsync();
        Assert.Equal(5, lines);
        Assert.NotEmpty(acknowledged);

        var listed = SightlineCli.Run("--data", data.Path, "faces", "list", "bulk", "--json").Json()
            .GetProperty("Faces").EnumerateArray().Select(f => f.GetProperty("FaceId").GetString()).ToHashSet();
        Assert.All(acknowledged, id => Assert.Contains(id, listed));
        Assert.True(listed.Count < 6 * 14, "the load was interrupted before the end (24 images hold 84 faces)");
        Assert.Equal(0, SightlineCli.Run("--data", data.Path, "policy", "set", "identificationThresholdFloor", "0").ExitCode);
        var search = SightlineCli.Run("--data", data.Path, "faces", "search", "bulk", SightlineCli.Fixture("sample1"), "--max-faces", "4096", "--threshold", "0",
            "--case", "durability", "--purpose", "investigation", "--json").Json();
        var found = search.GetProperty("FaceMatches").EnumerateArray().Select(m => m.GetProperty("Face").GetProperty("FaceId").GetString()).ToHashSet();
        Assert.All(acknowledged, id => Assert.Contains(id, found));
        // Indexing resumes on the same database.
        Assert.Equal(0, SightlineCli.Run("--data", data.Path, "faces", "index", "bulk", SightlineCli.Fixture("sample5")).ExitCode);
    }
}

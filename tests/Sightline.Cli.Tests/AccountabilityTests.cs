using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Sightline.Tests;

namespace Sightline.Cli.Tests;

/// <summary>Retention with legal holds, the transparency report and the independent testing endpoint, on the real server.</summary>
[Collection(CliCollection.Name)]
public sealed class AccountabilityTests : IAsyncLifetime
{
    private ServerProcess _server = null!;

    public async Task InitializeAsync() => _server = await ServerProcess.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private Task<Reply> SendAsync(HttpMethod method, string path, string role, HttpContent? content = null) => _server.SendAsync(method, path, role, content);

    /// <summary>Moves every face and lead back in time, as if they had been stored <paramref name="days"/> days ago.</summary>
    private void Backdate(int days) =>
        TestDatabase.Execute(_server.Data.Path, $"UPDATE faces SET created_at = created_at - {days * 86_400_000L}; UPDATE leads SET created_at = created_at - {days * 86_400_000L};");

    private async Task<List<string>> IndexAsync(string collection, string fixture)
    {
        var (status, body) = await SendAsync(HttpMethod.Post, $"v1/collections/{collection}/faces", "operator", ServerProcess.Jpeg(fixture));
        Assert.Equal(HttpStatusCode.OK, status);
        return [.. body.GetProperty("faceRecords").EnumerateArray().Select(r => r.GetProperty("face").GetProperty("faceId").GetString()!)];
    }

    [Fact]
    public async Task Retention_deletes_old_faces_and_leads_but_a_legal_hold_keeps_what_its_case_points_at()
    {
        Assert.Equal(HttpStatusCode.Created, (await SendAsync(HttpMethod.Post, "v1/collections", "admin", ServerProcess.Json(new { collectionId = "kept" }))).Status);
        var faces = await IndexAsync("kept", "sample1");
        Assert.True(faces.Count >= 2, $"sample1 should give several faces, got {faces.Count}");
        var (searched, result) = await SendAsync(HttpMethod.Post, "v1/collections/kept/searches?case=HOLD-7&purpose=investigation", "analyst", ServerProcess.Jpeg("sample1"));
        Assert.Equal(HttpStatusCode.OK, searched);
        string held = result.GetProperty("faceMatches")[0].GetProperty("face").GetProperty("faceId").GetString()!;
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Post, "v1/collections/kept/searches", "analyst", ServerProcess.Jpeg("sample1"))).Status); // case TEST-1

        // Bad input and the wrong role are refused with problems naming the mistake.
        Assert.Equal(HttpStatusCode.Forbidden, (await SendAsync(HttpMethod.Put, "v1/holds/HOLD-7", "analyst", ServerProcess.Json(new { reason = "x" }))).Status);
        var (noReason, problem) = await SendAsync(HttpMethod.Put, "v1/holds/HOLD-7", "admin", ServerProcess.Json(new { reason = " " }));
        Assert.Equal(HttpStatusCode.BadRequest, noReason);
        Assert.Contains("reason", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        var (badDays, dayProblem) = await SendAsync(HttpMethod.Put, "v1/collections/kept/retention", "admin", ServerProcess.Json(new { faceDays = 0 }));
        Assert.Equal(HttpStatusCode.BadRequest, badDays);
        Assert.Contains("faceDays", dayProblem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await SendAsync(HttpMethod.Put, "v1/collections/nosuch/retention", "admin", ServerProcess.Json(new { faceDays = 5 }))).Status);

        Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Put, "v1/holds/HOLD-7", "admin", ServerProcess.Json(new { reason = "Court order 2026-CR-19: preserve evidence" }))).Status);
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Put, "v1/collections/kept/retention", "admin", ServerProcess.Json(new { faceDays = 30, leadDays = 30 }))).Status);
        var (_, rules) = await SendAsync(HttpMethod.Get, "v1/retention", "auditor");
        Assert.Equal(30, rules.GetProperty("rules")[0].GetProperty("faceDays").GetInt32());

        // Nothing is old enough yet; then everything is 31 days old.
        var (_, early) = await SendAsync(HttpMethod.Post, "v1/retention/runs", "admin");
        Assert.Equal(0, early.GetProperty("collections")[0].GetProperty("deletedFaces").GetInt32());
        Backdate(31);
        var (ran, swept) = await SendAsync(HttpMethod.Post, "v1/retention/runs", "admin");
        Assert.Equal(HttpStatusCode.OK, ran);
        var sweep = swept.GetProperty("collections")[0];
        Assert.Equal((faces.Count - 1, 1, 1, 1), (sweep.GetProperty("deletedFaces").GetInt32(), sweep.GetProperty("deletedLeads").GetInt32(),
            sweep.GetProperty("heldFaces").GetInt32(), sweep.GetProperty("heldLeads").GetInt32()));
        var (_, listed) = await SendAsync(HttpMethod.Get, "v1/collections/kept/faces", "admin");
        Assert.Equal([held], listed.GetProperty("faces").EnumerateArray().Select(f => f.GetProperty("faceId").GetString()));

        // While the hold stands the face cannot be deleted by hand either, nor its collection.
        var (_, refused) = await SendAsync(HttpMethod.Delete, $"v1/collections/kept/faces/{held}", "operator");
        Assert.Equal("UNDER_LEGAL_HOLD", refused.GetProperty("unsuccessfulFaceDeletions")[0].GetProperty("reasons")[0].GetString());
        Assert.Equal(HttpStatusCode.Conflict, (await SendAsync(HttpMethod.Delete, "v1/collections/kept", "admin")).Status);

        Assert.Equal(HttpStatusCode.NoContent, (await SendAsync(HttpMethod.Delete, "v1/holds/HOLD-7", "admin")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await SendAsync(HttpMethod.Delete, "v1/holds/HOLD-7", "admin")).Status);
        var (_, after) = await SendAsync(HttpMethod.Post, "v1/retention/runs", "admin");
        Assert.Equal((1, 1), (after.GetProperty("collections")[0].GetProperty("deletedFaces").GetInt32(), after.GetProperty("collections")[0].GetProperty("deletedLeads").GetInt32()));

        // Every deletion is in the audit chain, which is intact.
        var audit = SightlineCli.Run("audit", "list", "--json", "--data", _server.Data.Path).Json().EnumerateArray().ToList();
        var deleted = audit.Where(r => r.GetProperty("operation").GetString() == "ApplyRetention" && r.GetProperty("details").ValueKind == JsonValueKind.Object)
            .SelectMany(r => r.GetProperty("details").GetProperty("deletedFaces").EnumerateArray().Select(f => f.GetString()!)).ToHashSet();
        Assert.Equal(faces.ToHashSet(), deleted);
        Assert.Contains(audit, r => r.GetProperty("operation").GetString() == "PlaceLegalHold" && r.GetProperty("outcome").GetString() == "ok");
        Assert.Contains(audit, r => r.GetProperty("operation").GetString() == "LiftLegalHold");
        // The refused deletions are on the record too: the face's with what the hold kept, the collection's as a conflict.
        Assert.Contains(audit, r => r.GetProperty("operation").GetString() == "DeleteFaces" && r.GetProperty("details").ValueKind == JsonValueKind.Object
            && r.GetProperty("details").GetProperty("held")[0].GetString() == held && r.GetProperty("details").GetProperty("deleted").GetArrayLength() == 0);
        Assert.Contains(audit, r => r.GetProperty("operation").GetString() == "DeleteCollection" && r.GetProperty("outcome").GetString() == "ConflictException");
        var verify = SightlineCli.Run("audit", "verify", "--data", _server.Data.Path);
        Assert.True(verify.ExitCode == 0, verify.ToString());
    }

    [Fact]
    public async Task The_transparency_report_counts_searches_and_reviews_and_names_no_one()
    {
        await SendAsync(HttpMethod.Post, "v1/collections", "admin", ServerProcess.Json(new { collectionId = "pub" }));
        var faces = await IndexAsync("pub", "sample1");
        var (searched, result) = await SendAsync(HttpMethod.Post, "v1/collections/pub/searches?case=C-55&purpose=missing-person", "analyst", ServerProcess.Jpeg("sample1"));
        Assert.Equal(HttpStatusCode.OK, searched);
        int matches = result.GetProperty("faceMatches").GetArrayLength();
        Assert.Equal(HttpStatusCode.BadRequest, (await SendAsync(HttpMethod.Post, "v1/collections/pub/searches?case=C-55&purpose=curiosity", "analyst", ServerProcess.Jpeg("sample1"))).Status);
        var (_, leads) = await SendAsync(HttpMethod.Get, "v1/leads?case=C-55", "reviewer");
        string leadId = leads.GetProperty("leads")[0].GetProperty("leadId").GetString()!;
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Post, $"v1/leads/{leadId}/review", "reviewer",
            ServerProcess.Json(new { status = "rejected", note = "Different ear shape and hairline on the source photo." }))).Status);

        var reply = await SendAsync(HttpMethod.Get, "v1/reports/transparency?from=2020-01-01", "auditor");
        Assert.Equal(HttpStatusCode.OK, reply.Status);
        var report = reply.Body;
        Assert.Equal(1, report.GetProperty("searches").GetProperty("total").GetInt64());
        Assert.Equal(1, report.GetProperty("searches").GetProperty("byPurpose").GetProperty("missing-person").GetInt64());
        Assert.Equal(1, report.GetProperty("searches").GetProperty("refused").GetInt64());
        Assert.Equal(matches, report.GetProperty("leads").GetProperty("produced").GetInt64());
        Assert.Equal((1, 1), (report.GetProperty("leads").GetProperty("reviewed").GetInt64(), report.GetProperty("leads").GetProperty("rejected").GetInt64()));
        Assert.Equal(2, report.GetProperty("operationsByRole").GetProperty("analyst").GetProperty("SearchFacesByImage").GetInt64()); // one admitted, one refused
        Assert.Equal(faces.Count, report.GetProperty("collections")[0].GetProperty("faces").GetInt64());
        Assert.Equal(99, report.GetProperty("rules").GetProperty("identificationThresholdFloor").GetSingle());
        // The calibration's estimate at the floor in force, 99: about 1 in 10 million per comparison.
        Assert.InRange(report.GetProperty("falseMatches").GetProperty("atThresholdFloor").GetDouble(), 1e-7 / 1.5, 1e-7 * 1.5);
        // Aggregate only: no case number, face, lead, note or key appears.
        foreach (string secret in faces.Concat([leadId, "C-55", "ear shape", _server.Keys["analyst"].Id]))
            Assert.DoesNotContain(secret, reply.Text, StringComparison.Ordinal);

        var csv = await SendAsync(HttpMethod.Get, "v1/reports/transparency?from=2020-01-01&format=csv", "auditor");
        Assert.Equal("text/csv", csv.ContentType);
        Assert.Contains("searchesByPurpose,missing-person,1", csv.Text, StringComparison.Ordinal);
        Assert.Contains("falseMatchRate,atThresholdFloor,", csv.Text, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, (await SendAsync(HttpMethod.Get, "v1/reports/transparency", "analyst")).Status);
        var (bad, problem) = await SendAsync(HttpMethod.Get, "v1/reports/transparency?from=last-tuesday", "auditor");
        Assert.Equal(HttpStatusCode.BadRequest, bad);
        Assert.Contains("from", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, (await SendAsync(HttpMethod.Get, "v1/reports/transparency?from=2026-02-01&to=2026-01-01", "auditor")).Status);
    }

    private static ByteArrayContent Zip(params (string Name, byte[] Data)[] entries)
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, data) in entries)
            {
                using var stream = zip.CreateEntry(name).Open();
                stream.Write(data);
            }
        }
        var content = new ByteArrayContent(buffer.ToArray());
        content.Headers.ContentType = new MediaTypeHeaderValue("application/zip");
        return content;
    }

    private static (string, byte[]) Image(string name, string fixture) => (name, File.ReadAllBytes(SightlineCli.Fixture(fixture)));

    private static (string, byte[]) Text(string name, string text) => (name, System.Text.Encoding.UTF8.GetBytes(text));

    private static int Leftovers() => Directory.GetDirectories(Path.GetTempPath(), "sightline-evaluation-*").Length;

    [Fact]
    public async Task An_auditor_tests_accuracy_per_group_on_an_uploaded_dataset_and_nothing_is_kept()
    {
        int before = Leftovers();
        var images = new[] { Image("img/a1.jpg", "sample1"), Image("img/a2.jpg", "sample1"), Image("img/b1.jpg", "sample2"), Image("img/b2.jpg", "sample2"), Image("img/c1.jpg", "sample3") };
        var pairs = Text("pairs.csv", "file1,file2,same,group\nimg/a1.jpg,img/a2.jpg,1,north\nimg/a1.jpg,img/b1.jpg,0,north\nimg/b1.jpg,img/b2.jpg,1,south\nimg/b1.jpg,img/c1.jpg,0,south\nimg/a2.jpg,img/c1.jpg,0,south\n");
        var (ok, verify) = await SendAsync(HttpMethod.Post, "v1/evaluations/verify?groupColumn=group", "auditor", Zip([.. images, pairs]));
        Assert.True(ok == HttpStatusCode.OK, verify.ToString());
        Assert.Equal((5, 2, 3), (verify.GetProperty("pairs").GetInt32(), verify.GetProperty("genuine").GetInt32(), verify.GetProperty("impostor").GetInt32()));
        var groups = verify.GetProperty("groups");
        Assert.Equal((2, 3), (groups.GetProperty("north").GetProperty("pairs").GetInt32(), groups.GetProperty("south").GetProperty("pairs").GetInt32()));
        Assert.Equal(1.0, groups.GetProperty("north").GetProperty("accuracy").GetDouble());

        var identities = Text("identities.csv", "file,identity,group\nimg/a1.jpg,a,north\nimg/a2.jpg,a,north\nimg/b1.jpg,b,south\nimg/b2.jpg,b,south\nimg/c1.jpg,c,south\n");
        var (identified, identify) = await SendAsync(HttpMethod.Post, "v1/evaluations/identify?groupColumn=group", "auditor", Zip([.. images, identities]));
        Assert.True(identified == HttpStatusCode.OK, identify.ToString());
        Assert.Equal((2, 1.0), (identify.GetProperty("probes").GetInt32(), identify.GetProperty("rank1").GetDouble()));
        Assert.Equal(1, identify.GetProperty("groups").GetProperty("north").GetProperty("probes").GetInt32());

        // Only auditors; only zips; nothing outside the upload; every mistake named.
        Assert.Equal(HttpStatusCode.Forbidden, (await SendAsync(HttpMethod.Post, "v1/evaluations/verify", "analyst", Zip([.. images, pairs]))).Status);
        var (notZip, _, type) = await SendAsync(HttpMethod.Post, "v1/evaluations/verify", "auditor", ServerProcess.Jpeg("sample1"));
        Assert.Equal((HttpStatusCode.UnsupportedMediaType, "application/problem+json"), (notZip, type));
        var corrupt = new ByteArrayContent([0x50, 0x4b, 1, 2, 3, 4, 5]);
        corrupt.Headers.ContentType = new MediaTypeHeaderValue("application/zip");
        Assert.Equal(HttpStatusCode.BadRequest, (await SendAsync(HttpMethod.Post, "v1/evaluations/verify", "auditor", corrupt)).Status);
        var (noCsv, p2) = await SendAsync(HttpMethod.Post, "v1/evaluations/verify", "auditor", Zip([.. images]));
        Assert.Equal(HttpStatusCode.BadRequest, noCsv);
        Assert.Contains("pairs.csv", p2.GetProperty("detail").GetString(), StringComparison.Ordinal);
        var (escape, p3) = await SendAsync(HttpMethod.Post, "v1/evaluations/verify", "auditor",
            Zip([.. images, Text("pairs.csv", "file1,file2,same\n../../../../etc/hostname,img/a1.jpg,0\n")]));
        Assert.Equal(HttpStatusCode.BadRequest, escape);
        Assert.Contains("outside", p3.GetProperty("detail").GetString(), StringComparison.Ordinal);
        var (noGroup, p4) = await SendAsync(HttpMethod.Post, "v1/evaluations/verify?groupColumn=region", "auditor", Zip([.. images, pairs]));
        Assert.Equal(HttpStatusCode.BadRequest, noGroup);
        Assert.Contains("region", p4.GetProperty("detail").GetString(), StringComparison.Ordinal);

        // Found by the fuzzing campaign: a repeated column, a line of 64 MiB, an image past the limits, no probes to measure.
        var (twice, p5) = await SendAsync(HttpMethod.Post, "v1/evaluations/identify", "auditor", Zip([.. images, Text("identities.csv", "file,file\nimg/a1.jpg,a\n")]));
        Assert.Equal(HttpStatusCode.BadRequest, twice);
        Assert.Contains("twice", p5.GetProperty("detail").GetString(), StringComparison.Ordinal);
        var (longLine, p6) = await SendAsync(HttpMethod.Post, "v1/evaluations/verify", "auditor", Zip([.. images, ("pairs.csv", new byte[64 << 20])]));
        Assert.Equal(HttpStatusCode.BadRequest, longLine);
        Assert.True(p6.GetProperty("detail").GetString()!.Length < 400, "the refusal must not echo the line");
        var bomb = Fuzzing.ImageSeeds.ZeroPng(16_000, 16_000);
        var (tooBig, p7) = await SendAsync(HttpMethod.Post, "v1/evaluations/verify", "auditor",
            Zip([.. images, ("img/bomb.png", bomb), Text("pairs.csv", "file1,file2,same\nimg/a1.jpg,img/bomb.png,0\n")]));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooBig);
        Assert.Contains("bomb.png", p7.GetProperty("detail").GetString(), StringComparison.Ordinal);
        var (nothing, p8) = await SendAsync(HttpMethod.Post, "v1/evaluations/identify", "auditor", Zip([.. images, Text("identities.csv", "file,identity\nimg/a1.jpg,a\nimg/b1.jpg,b\n")]));
        Assert.True(nothing == HttpStatusCode.OK, p8.ToString());
        Assert.Equal((0, JsonValueKind.Null), (p8.GetProperty("probes").GetInt32(), p8.GetProperty("rank1").ValueKind));

        Assert.Equal(before, Leftovers());
        var audit = SightlineCli.Run("audit", "list", "--json", "--data", _server.Data.Path).Json().EnumerateArray().ToList();
        Assert.Contains(audit, r => r.GetProperty("operation").GetString() == "EvaluateVerification" && r.GetProperty("probe").GetString()!.StartsWith("sha256:", StringComparison.Ordinal));
        Assert.Contains(audit, r => r.GetProperty("operation").GetString() == "EvaluateIdentification");
    }
}

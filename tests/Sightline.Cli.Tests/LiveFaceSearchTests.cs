using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Sightline.Benchmarks.Live;

namespace Sightline.Cli.Tests;

/// <summary>
/// Live face search only under a recorded authorization: a camera with none searches no face; an authorization
/// covering it makes the watchlisted person's face a pending lead under its case (the crop kept, nothing else), and
/// at expiry the search stops by itself — each start, match and stop in the audit chain.
/// </summary>
[Collection(CliCollection.Name)]
[Trait("Store", "Agnostic")] // end to end over the stores the contract suite checks on both providers: run once, on the default database
public sealed class LiveFaceSearchTests
{
    private static async Task UntilAsync(Func<Task<bool>> done, TimeSpan limit, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!await done())
        {
            if (clock.Elapsed > limit)
                throw new Xunit.Sdk.XunitException($"{what} did not happen within {limit}");
            await Task.Delay(250);
        }
    }

    private static List<JsonElement> Audit(ServerProcess server) =>
        [.. SightlineCli.Run("audit", "list", "--json", "--data", server.Data.Path).Json().EnumerateArray()];

    private static string? Op(JsonElement record) => record.GetProperty("operation").GetString();

    [Fact]
    public async Task Faces_are_searched_live_only_under_an_authorization_whose_matches_are_leads_of_its_case_and_which_stops_at_expiry()
    {
        string scene = await LiveCameraTests.SceneAsync();
        await using var source = await LoopbackStream.MjpegAsync(scene, CancellationToken.None);
        await using var server = await ServerProcess.StartAsync();
        string data = server.Data.Path;
        Assert.Equal(0, SightlineCli.Run("collections", "create", "watchlist", "--data", data).ExitCode);
        var indexed = SightlineCli.Run("faces", "index", "watchlist", SightlineCli.Fixture("sample1"), "--json", "--data", data).Json();
        var faceIds = indexed.GetProperty("FaceRecords").EnumerateArray().Select(f => f.GetProperty("Face").GetProperty("FaceId").GetString()).ToList();
        await using var sse = new EventStreamReader(server.Address, server.Bearer("operator"));
        await sse.Opened.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(0, SightlineCli.Run("cameras", "add", "yard", "--url", source.Url, "--detect", "person", "--data", data).ExitCode);

        // Refused at the boundary: a camera that does not exist, an expiry already past, a non-admin, a bad body.
        string later = DateTimeOffset.UtcNow.AddHours(1).ToString("O");
        var missing = SightlineCli.Run("authorizations", "add", "--order", "W-1", "--authority", "District Court", "--cameras", "nowhere", "--collection", "watchlist",
            "--case", "C-9", "--purpose", "investigation", "--expires", later, "--data", data);
        Assert.NotEqual(0, missing.ExitCode);
        Assert.Contains("No camera named 'nowhere'", missing.Stderr, StringComparison.Ordinal);
        var past = SightlineCli.Run("authorizations", "add", "--order", "W-1", "--authority", "District Court", "--cameras", "yard", "--collection", "watchlist",
            "--case", "C-9", "--purpose", "investigation", "--expires", "2020-01-01T00:00:00Z", "--data", data);
        Assert.Contains("has passed", past.Stderr, StringComparison.Ordinal);
        var body = new { orderNumber = "W-1", authority = "District Court", cameras = new[] { "yard" }, collectionId = "watchlist", @case = "C-9", purpose = "investigation", expiresAt = later };
        Assert.Equal(HttpStatusCode.Forbidden, (await server.SendAsync(HttpMethod.Post, "v1/authorizations", "operator", ServerProcess.Json(body))).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await server.SendAsync(HttpMethod.Get, "v1/authorizations", "analyst")).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await server.SendAsync(HttpMethod.Post, "v1/authorizations", "admin", ServerProcess.Json(body with { expiresAt = "soon" }))).Status);

        // Without an authorization the person is an event and nothing more: no face searched, no lead, no record.
        await UntilAsync(() => Task.FromResult(sse.Count("end") >= 1), TimeSpan.FromSeconds(60), "the first visit's end");
        Assert.Empty((await server.SendAsync(HttpMethod.Get, "v1/leads?case=C-9", "reviewer")).Body.GetProperty("leads").EnumerateArray());
        Assert.DoesNotContain(Audit(server), r => Op(r) is "StartLiveFaceSearch" or "LiveFaceSearch");

        // An authorization for the next visit and a little more (the scene loops every 14 s).
        var expires = DateTimeOffset.UtcNow.AddSeconds(20);
        var created = await server.SendAsync(HttpMethod.Post, "v1/authorizations", "admin", ServerProcess.Json(body with { expiresAt = expires.ToString("O") }));
        Assert.True(created.Status == HttpStatusCode.Created, created.Text);
        string id = created.Body.GetProperty("id").GetString()!;
        Assert.Equal("active", created.Body.GetProperty("state").GetString());

        JsonElement lead = default;
        await UntilAsync(async () =>
        {
            var leads = (await server.SendAsync(HttpMethod.Get, "v1/leads?case=C-9", "reviewer")).Body.GetProperty("leads").EnumerateArray().ToList();
            lead = leads.FirstOrDefault();
            return leads.Count > 0;
        }, TimeSpan.FromSeconds(40), "a lead from the watchlisted face");
        Assert.Contains(lead.GetProperty("subjectId").GetString(), faceIds);
        Assert.Equal(("pending", "watchlist", "investigation"), (lead.GetProperty("status").GetString(), lead.GetProperty("collectionId").GetString(), lead.GetProperty("purpose").GetString()));

        // At expiry the search stops by itself; a later visit is searched no more.
        await UntilAsync(() => Task.FromResult(Audit(server).Any(r => Op(r) == "StopLiveFaceSearch")), TimeSpan.FromSeconds(40), "the search stopping at expiry");
        int leadsAtExpiry = (await server.SendAsync(HttpMethod.Get, "v1/leads?case=C-9", "reviewer")).Body.GetProperty("leads").GetArrayLength();
        int ends = sse.Count("end");
        await UntilAsync(() => Task.FromResult(sse.Count("end") > ends + 1), TimeSpan.FromSeconds(60), "a visit after expiry");
        Assert.Equal(leadsAtExpiry, (await server.SendAsync(HttpMethod.Get, "v1/leads?case=C-9", "reviewer")).Body.GetProperty("leads").GetArrayLength());

        var audit = Audit(server);
        var start = Assert.Single(audit, r => Op(r) == "StartLiveFaceSearch");
        var stop = Assert.Single(audit, r => Op(r) == "StopLiveFaceSearch");
        Assert.Equal(("expired", id, "yard"), (stop.GetProperty("details").GetProperty("state").GetString(), stop.GetProperty("details").GetProperty("authorization").GetString(),
            stop.GetProperty("details").GetProperty("camera").GetString()));
        Assert.True(stop.GetProperty("details").GetProperty("matches").GetInt32() >= 1);
        Assert.Equal("C-9", start.GetProperty("case").GetString());
        Assert.Contains(audit, r => Op(r) == "CreateAuthorization");
        // One search per person track (a visit may be tracked as more than one); each match names the authorization and the crop's hash.
        var matches = audit.Where(r => Op(r) == "LiveFaceSearch").ToList();
        Assert.NotEmpty(matches);
        Assert.Equal(stop.GetProperty("details").GetProperty("matches").GetInt32(), matches.Count);
        Assert.All(matches, m => Assert.True(m.GetProperty("at").GetDateTimeOffset() <= expires.AddSeconds(1)));
        var probes = matches.Select(m => m.GetProperty("probe").GetString()!).ToList();
        Assert.All(probes, p => Assert.Contains($"authorization:{id}", p, StringComparison.Ordinal));
        // Each lead shows its reviewer the face crop the match was made on, the one whose hash the audit record carries.
        var hashes = probes.Select(p => p[(p.IndexOf("sha256:", StringComparison.Ordinal) + 7)..]).ToHashSet();
        foreach (var l in (await server.SendAsync(HttpMethod.Get, "v1/leads?case=C-9", "reviewer")).Body.GetProperty("leads").EnumerateArray())
        {
            var (status, jpeg, type) = await server.GetBytesAsync($"v1/leads/{l.GetProperty("leadId").GetString()}/probe.jpg", "reviewer");
            Assert.Equal((HttpStatusCode.OK, "image/jpeg"), (status, type));
            Assert.Contains(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(jpeg)), hashes);
        }
        Assert.Equal(0, SightlineCli.Run("audit", "verify", "--data", data).ExitCode);

        var listed = SightlineCli.Run("authorizations", "list", "--json", "--data", data).Json().GetProperty("authorizations")[0];
        Assert.Equal((id, "expired"), (listed.GetProperty("id").GetString(), listed.GetProperty("state").GetString()));
        var revoke = SightlineCli.Run("authorizations", "revoke", id, "--reason", "case closed", "--data", data);
        Assert.Equal(0, revoke.ExitCode);
        Assert.NotEqual(0, SightlineCli.Run("authorizations", "revoke", id, "--reason", "again", "--data", data).ExitCode);
    }
}

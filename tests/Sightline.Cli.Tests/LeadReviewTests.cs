using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Sightline.Cli.Tests;

/// <summary>Every search match becomes a pending lead that only a reviewer (not the searcher) decides, with a note.</summary>
[Collection(CliCollection.Name)]
public sealed class LeadReviewTests : IAsyncLifetime
{
    private ServerProcess _server = null!;

    public async Task InitializeAsync() => _server = await ServerProcess.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private Task<Reply> SendAsync(HttpMethod method, string path, string role, HttpContent? content = null) => _server.SendAsync(method, path, role, content);

    private static StringContent Json(object value) => ServerProcess.Json(value);

    private static ByteArrayContent Jpeg(string fixture) => ServerProcess.Jpeg(fixture);

    [Fact]
    public async Task Matches_become_pending_leads_that_a_reviewer_decides_once_with_a_note()
    {
        await SendAsync(HttpMethod.Post, "v1/collections", "admin", Json(new { collectionId = "leads" }));
        await SendAsync(HttpMethod.Post, "v1/collections/leads/faces", "operator", Jpeg("sample1"));
        var (searched, result) = await SendAsync(HttpMethod.Post, "v1/collections/leads/searches?case=2026-88&purpose=investigation", "analyst", Jpeg("sample1"));
        Assert.Equal(HttpStatusCode.OK, searched);
        var matched = result.GetProperty("faceMatches").EnumerateArray().Select(m => m.GetProperty("face").GetProperty("faceId").GetString()).ToList();
        Assert.NotEmpty(matched);

        Assert.Equal(HttpStatusCode.Forbidden, (await SendAsync(HttpMethod.Get, "v1/leads?case=2026-88", "analyst")).Status);
        var (listed, pending) = await SendAsync(HttpMethod.Get, "v1/leads?case=2026-88", "reviewer");
        Assert.Equal(HttpStatusCode.OK, listed);
        var leads = pending.GetProperty("leads").EnumerateArray().ToList();
        Assert.Equal(matched, leads.Select(l => l.GetProperty("subjectId").GetString()));
        Assert.All(leads, l => Assert.Equal(("pending", "investigation", _server.Keys["analyst"].Id),
            (l.GetProperty("status").GetString(), l.GetProperty("purpose").GetString(), l.GetProperty("searchedBy").GetString())));

        string leadId = leads[0].GetProperty("leadId").GetString()!;
        var (noNote, problem) = await SendAsync(HttpMethod.Post, $"v1/leads/{leadId}/review", "reviewer", Json(new { status = "confirmed", note = " " }));
        Assert.Equal(HttpStatusCode.BadRequest, noNote);
        Assert.Contains("note", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        var (reviewed, decided) = await SendAsync(HttpMethod.Post, $"v1/leads/{leadId}/review", "reviewer",
            Json(new { status = "confirmed", note = "Compared against the booking photo; same scar above the left eyebrow." }));
        Assert.Equal(HttpStatusCode.OK, reviewed);
        Assert.Equal(("confirmed", _server.Keys["reviewer"].Id), (decided.GetProperty("status").GetString(), decided.GetProperty("reviewer").GetString()));
        Assert.Equal(HttpStatusCode.Conflict, (await SendAsync(HttpMethod.Post, $"v1/leads/{leadId}/review", "reviewer", Json(new { status = "rejected", note = "second look" }))).Status);
        var (_, stillPending) = await SendAsync(HttpMethod.Get, "v1/leads?case=2026-88", "reviewer");
        Assert.Equal(leads.Count - 1, stillPending.GetProperty("leads").GetArrayLength());

        // The person who searched may not review their own leads under the default policy.
        await SendAsync(HttpMethod.Post, "v1/collections/leads/searches?case=2026-89&purpose=missing-person", "admin", Jpeg("sample1"));
        var (_, own) = await SendAsync(HttpMethod.Get, "v1/leads?case=2026-89", "admin");
        string ownLead = own.GetProperty("leads")[0].GetProperty("leadId").GetString()!;
        var (selfReview, refusal) = await SendAsync(HttpMethod.Post, $"v1/leads/{ownLead}/review", "admin", Json(new { status = "confirmed", note = "mine" }));
        Assert.Equal(HttpStatusCode.Forbidden, selfReview);
        Assert.Contains("another person", refusal.GetProperty("detail").GetString(), StringComparison.Ordinal);

        var audit = SightlineCli.Run("audit", "list", "--json", "--data", _server.Data.Path).Json().EnumerateArray()
            .Where(r => r.GetProperty("operation").GetString() == "ReviewLead").Select(r => r.GetProperty("outcome").GetString()).ToList();
        Assert.Equal(["InvalidParameterException", "ok", "ConflictException", "AccessDeniedException"], audit);
    }
}

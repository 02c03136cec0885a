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

    [Fact]
    public async Task A_lead_shows_its_reviewer_the_searched_face_the_enrolled_face_and_what_the_similarity_means()
    {
        await SendAsync(HttpMethod.Post, "v1/collections", "admin", Json(new { collectionId = "shown" }));
        var (_, indexed) = await SendAsync(HttpMethod.Post, "v1/collections/shown/faces?externalImageId=booking-17", "operator", Jpeg("sample4"));
        string faceId = indexed.GetProperty("faceRecords")[0].GetProperty("face").GetProperty("faceId").GetString()!;
        var (status, enrolled, type) = await _server.GetBytesAsync($"v1/collections/shown/faces/{faceId}/image.jpg", "auditor");
        Assert.Equal((HttpStatusCode.OK, "image/jpeg"), (status, type));
        await OneFaceCropAsync(enrolled);
        Assert.Equal(HttpStatusCode.NotFound, (await _server.GetBytesAsync($"v1/collections/shown/faces/{Guid.NewGuid()}/image.jpg", "auditor")).Status);

        Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Post, "v1/collections/shown/searches?case=2026-90&purpose=investigation", "analyst", Jpeg("sample4"))).Status);
        var lead = (await SendAsync(HttpMethod.Get, "v1/leads?case=2026-90", "reviewer")).Body.GetProperty("leads").EnumerateArray().Single(l => l.GetProperty("subjectId").GetString() == faceId);
        string leadId = lead.GetProperty("leadId").GetString()!;
        var (got, review) = await SendAsync(HttpMethod.Get, $"v1/leads/{leadId}", "reviewer");
        Assert.Equal(HttpStatusCode.OK, got);
        Assert.True(review.GetProperty("mayDecide").GetBoolean());
        Assert.True(review.GetProperty("hasProbeImage").GetBoolean());
        var search = review.GetProperty("search");
        Assert.Equal(("SearchFacesByImage", _server.Keys["analyst"].Id, "2026-90", "investigation"),
            (search.GetProperty("operation").GetString(), search.GetProperty("actor").GetString(), search.GetProperty("case").GetString(), search.GetProperty("purpose").GetString()));
        var candidate = review.GetProperty("candidate");
        Assert.True(candidate.GetProperty("inCollection").GetBoolean());
        Assert.Equal(("booking-17", faceId), (candidate.GetProperty("faces")[0].GetProperty("externalImageId").GetString(), candidate.GetProperty("faces")[0].GetProperty("faceId").GetString()));
        var falseMatch = review.GetProperty("falseMatch");
        double rate = falseMatch.GetProperty("perComparison").GetDouble();
        Assert.InRange(rate, 0, 4e-4 * 1.5); // a match at or above the default threshold, 80
        int enrolledFaces = indexed.GetProperty("faceRecords").GetArrayLength();
        Assert.Equal(enrolledFaces, falseMatch.GetProperty("facesInCollection").GetInt64());
        Assert.Equal(rate * enrolledFaces, falseMatch.GetProperty("expectedInCollection").GetDouble(), 12);

        // The searched face: a crop of the probe's face, not the whole photo.
        var (probeStatus, probe, _) = await _server.GetBytesAsync($"v1/leads/{leadId}/probe.jpg", "reviewer");
        Assert.Equal(HttpStatusCode.OK, probeStatus);
        await OneFaceCropAsync(probe);
        Assert.Equal(HttpStatusCode.Forbidden, (await _server.GetBytesAsync($"v1/leads/{leadId}/probe.jpg", "analyst")).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await SendAsync(HttpMethod.Get, "v1/leads/not-a-lead", "reviewer")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await SendAsync(HttpMethod.Get, $"v1/leads/{Guid.NewGuid()}", "reviewer")).Status);

        // The searcher, as reviewer, is told why not; a decided lead says by whom.
        var own = (await SendAsync(HttpMethod.Get, $"v1/leads/{leadId}", "admin")).Body;
        Assert.True(own.GetProperty("mayDecide").GetBoolean()); // admin did not search
        await SendAsync(HttpMethod.Post, $"v1/leads/{leadId}/review", "reviewer", Json(new { status = "rejected", note = "different ear shape" }));
        var decided = (await SendAsync(HttpMethod.Get, $"v1/leads/{leadId}", "reviewer")).Body;
        Assert.False(decided.GetProperty("mayDecide").GetBoolean());
        Assert.Contains("rejected", decided.GetProperty("whyNot").GetString(), StringComparison.Ordinal);

        // Deleting the face deletes its image; the lead then says the candidate is no longer in the collection.
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Delete, $"v1/collections/shown/faces/{faceId}", "operator")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await _server.GetBytesAsync($"v1/collections/shown/faces/{faceId}/image.jpg", "auditor")).Status);
        Assert.False((await SendAsync(HttpMethod.Get, $"v1/leads/{leadId}", "reviewer")).Body.GetProperty("candidate").GetProperty("inCollection").GetBoolean());
    }

    /// <summary>A small image (longer side 48–224 px) filled by one face: a crop of the face, not the photo it came from.</summary>
    private async Task OneFaceCropAsync(byte[] jpeg)
    {
        using (var image = OpenCvSharp.Cv2.ImDecode(jpeg, OpenCvSharp.ImreadModes.Color))
            Assert.InRange(Math.Max(image.Width, image.Height), 48, 224);
        var content = new ByteArrayContent(jpeg);
        content.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
        var (status, detected) = await SendAsync(HttpMethod.Post, "v1/faces/detect", "analyst", content);
        Assert.Equal(HttpStatusCode.OK, status);
        var widths = detected.GetProperty("faceDetails").EnumerateArray().Select(f => f.GetProperty("boundingBox").GetProperty("width").GetDouble()).ToList();
        Assert.NotEmpty(widths);
        Assert.InRange(widths.Max(), 0.4, 1.0); // the face box spans the crop bar its quarter margins
    }
}

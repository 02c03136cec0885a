using Sightline.Collections;
using Sightline.Faces.Tests.Support;
using Sightline.Identification;
using Sightline.Rekognition;
using Sightline.Storage;

namespace Sightline.Faces.Tests.Collections;

/// <summary>The pipeline on a real collection and store: its typed leads are exactly what the response returned.</summary>
[Collection(EngineCollection.Name)]
public sealed class IdentificationPipelineTests(EngineFixture fixture) : CollectionTestBase(fixture)
{
    private const string Id = "pipeline";

    [Fact]
    public async Task Typed_leads_equal_the_matches_the_response_returned()
    {
        await Core.Get<IPolicyStore>().SetPolicyAsync(Audit, "identificationThresholdFloor", "50", Ct);
        await Service.CreateCollectionAsync(Audit, Id, Ct);
        foreach (string sample in new[] { "sample1", "sample4" })
        {
            using var image = Fixture.Load(sample);
            await Service.IndexFacesAsync(Audit, new IndexFacesRequest(Id, sample + ".jpg"), image, CancellationToken.None);
        }
        var pipeline = Core.Get<IdentificationPipeline>();
        var entry = new AuditEntry("tester", "admin", "SearchFacesByImage") { Case = "PIPE-1", Purpose = "investigation", CollectionId = Id };
        using var probe = Fixture.Load("sample1");
        Identified<SearchFacesByImageResponse>? found = null;
        var response = await pipeline.RunAsync(entry, 50f, "FaceMatchThreshold", async t => found = await Service.SearchFacesByImageAsync(Id, probe, 10, t, CancellationToken.None), Ct);

        Assert.Same(found!.Response, response);
        var returned = response.FaceMatches.Select(m => (m.Face.FaceId, m.Similarity)).ToList();
        Assert.NotEmpty(returned);
        Assert.Equal(returned, found.Leads.Select(l => (l.SubjectId, l.Similarity)));
        Assert.All(found.Leads, l => Assert.Equal("face", l.SubjectType));
        // What was made durable: one pending lead per returned match, and the record's details list the same.
        var leads = (await Core.Get<ILeadStore>().ListLeadsAsync("PIPE-1", LeadStatus.Pending, 100, Ct).ToListAsync(Ct));
        Assert.Equal(returned.OrderBy(r => r.FaceId, StringComparer.Ordinal), leads.Select(l => (l.SubjectId, l.Similarity)).OrderBy(r => r.SubjectId, StringComparer.Ordinal));
        var record = (await Core.Get<IAuditStore>().ReadAuditAsync(0, 1000, Ct)).Last(r => r.Entry.Operation == "SearchFacesByImage");
        Assert.Equal(LeadDetails.Of(found.Leads), record.Entry.Details);
        Assert.Equal(50f, record.Entry.Threshold);
    }

    [Fact]
    public async Task A_refused_search_is_recorded_with_its_outcome_and_no_unusable_threshold()
    {
        await Service.CreateCollectionAsync(Audit, Id, Ct);
        var pipeline = Core.Get<IdentificationPipeline>();
        var entry = new AuditEntry("tester", "admin", "SearchFaces") { Case = "PIPE-2", Purpose = "investigation", CollectionId = Id };
        foreach (float bad in new[] { float.PositiveInfinity, float.NaN, 101f, -1f, 50f })
        {
            var ex = await Assert.ThrowsAsync<SightlineException>(() => pipeline.RunAsync<SearchFacesResponse>(entry, bad, "FaceMatchThreshold", _ => throw new InvalidOperationException("the search must not run"), Ct));
            Assert.Equal(ErrorKind.InvalidParameter, ex.Kind); // out of range, or below the floor (99)
        }
        var refused = (await Core.Get<IAuditStore>().ReadAuditAsync(0, 1000, Ct)).Where(r => r.Entry.Operation == "SearchFaces").ToList();
        Assert.Equal(5, refused.Count);
        Assert.All(refused, r => Assert.Equal("InvalidParameterException", r.Entry.Outcome));
        Assert.Equal([null, null, null, null, 50f], refused.Select(r => r.Entry.Threshold));
    }
}

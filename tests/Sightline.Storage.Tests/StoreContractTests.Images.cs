namespace Sightline.Storage.Tests;

public abstract partial class StoreContractTests
{
    private static byte[] Jpeg(byte seed) => [0xFF, 0xD8, seed, 1, 2, 3, 0xFF, 0xD9];

    [Fact]
    public async Task A_face_image_is_kept_with_its_face_and_goes_with_it()
    {
        await S.Collections.CreateCollectionAsync(Tester, "c", "arn", "6.0", T0, Ct);
        await S.Collections.AddFacesAsync(Tester, "c", [Face("f1", 1) with { Image = Jpeg(1) }, Face("f2", 2), Face("f3", 3) with { Image = Jpeg(3) }], T0, Ct);
        Assert.Equal(Jpeg(1), await S.Collections.GetFaceImageAsync("c", "f1", Ct));
        Assert.Null(await S.Collections.GetFaceImageAsync("c", "f2", Ct));
        Assert.Null(await S.Collections.GetFaceImageAsync("other", "f1", Ct));
        Assert.Null(await S.Collections.GetFaceImageAsync("c", "missing", Ct));

        await S.Collections.DeleteFacesAsync(Entry("DeleteFaces"), "c", ["f1"], Ct);
        Assert.Null(await S.Collections.GetFaceImageAsync("c", "f1", Ct));
        Assert.Equal(1, CountAsStore(Database, "SELECT COUNT(*) FROM face_images;"));
        await S.Collections.DeleteCollectionAsync(Entry("DeleteCollection"), "c", Ct);
        Assert.Equal(0, CountAsStore(Database, "SELECT COUNT(*) FROM face_images;"));
    }

    [Fact]
    public async Task A_searched_face_is_kept_while_a_lead_points_at_it_and_only_then()
    {
        await S.Collections.CreateCollectionAsync(Tester, "c", "arn", "6.0", T0, Ct);
        await S.Collections.AddFacesAsync(Tester, "c", [Face("f1", 1), Face("f2", 2)], T0, Ct);
        // No match, nothing kept; the same face searched under two cases is kept once.
        await S.Leads.AppendSearchAsync(Entry("SearchFaces") with { Case = "none", CollectionId = "c" }, [], Jpeg(9), Ct);
        await S.Leads.AppendSearchAsync(Entry("SearchFaces") with { Case = "open", CollectionId = "c" }, [new("face", "f1", 99f), new("face", "f2", 91f)], Jpeg(7), Ct);
        await S.Leads.AppendSearchAsync(Entry("SearchFaces") with { Case = "held", CollectionId = "c" }, [new("face", "f1", 99f)], Jpeg(7), Ct);
        await S.Leads.AppendSearchAsync(Entry("SearchFaces") with { Case = "plain", CollectionId = "c" }, [new("face", "f2", 95f)], null, Ct);
        Assert.Equal(1, CountAsStore(Database, "SELECT COUNT(*) FROM probe_images;"));

        var leads = await S.Leads.ListLeadsAsync(null, null, 10, Ct).ToListAsync(Ct);
        string sha = ProbeImages.Sha256(Jpeg(7));
        Assert.Equal([sha, sha, sha, null], leads.Select(l => l.ProbeSha256));
        foreach (var lead in leads.Take(3))
            Assert.Equal(Jpeg(7), await S.Leads.GetLeadProbeAsync(lead.LeadId, Ct));
        Assert.Null(await S.Leads.GetLeadProbeAsync(leads[3].LeadId, Ct));
        Assert.Null(await S.Leads.GetLeadProbeAsync(Guid.NewGuid().ToString(), Ct));
        Assert.Equal(sha, (await S.Leads.GetLeadAsync(leads[0].LeadId, Ct))!.ProbeSha256);

        // Retention takes the open case's leads: the held case's lead still shows the face; when it goes, so does the image.
        await S.Retention.PlaceHoldAsync(Tester, new LegalHold("held", "order", "admin", T0), Ct);
        var swept = await S.Retention.SweepAsync(Tester, "c", null, DateTimeOffset.UtcNow.AddMinutes(1), 100, Ct);
        Assert.Equal((2 + 1, 1), (swept.Leads, swept.HeldLeads));
        var held = Assert.Single(await S.Leads.ListLeadsAsync(null, null, 10, Ct).ToListAsync(Ct));
        Assert.Equal(Jpeg(7), await S.Leads.GetLeadProbeAsync(held.LeadId, Ct));
        await S.Retention.LiftHoldAsync(Tester, "held", Ct);
        await S.Retention.SweepAsync(Tester, "c", null, DateTimeOffset.UtcNow.AddMinutes(1), 100, Ct);
        Assert.Empty(await S.Leads.ListLeadsAsync(null, null, 10, Ct).ToListAsync(Ct));
        Assert.Equal(0, CountAsStore(Database, "SELECT COUNT(*) FROM probe_images;"));
    }
}

using Sightline.Collections;
using Sightline.Faces.Tests.Support;

namespace Sightline.Faces.Tests.Collections;

[Collection(EngineCollection.Name)]
public sealed class IndexAndSearchTests(EngineFixture fixture) : CollectionTestBase(fixture)
{
    private const string Id = "gallery";

    private async Task<Rekognition.IndexFacesResponse> IndexAsync(string fixtureId, int? maxFaces = null, string? quality = null)
    {
        using var image = Fixture.Load(fixtureId);
        return await Service.IndexFacesAsync(Audit, new IndexFacesRequest(Id, fixtureId + ".jpg", maxFaces, quality), image, CancellationToken.None);
    }

    [Fact]
    public async Task A_search_under_way_when_its_collection_is_deleted_finishes_and_the_next_is_not_found()
    {
        var service = Reopen(out var indexes);
        await service.CreateCollectionAsync(Audit, Id, Ct);
        using var image = Fixture.Load("sample1");
        var face = (await service.IndexFacesAsync(Audit, new IndexFacesRequest(Id, null, 1, null), image, Ct)).FaceRecords[0].Face;
        var stored = (await Core.Get<Storage.ICollectionStore>().GetFaceAsync(Id, face.FaceId, Ct))!;

        // The index a search has taken, then the collection deleted before the search reads it.
        var taken = await indexes.GetAsync(Id, Ct);
        await service.DeleteCollectionAsync(Audit, Id, Ct);
        Assert.True(taken.Contains(stored.RowId));
        Assert.Empty(await taken.SearchAsync(stored.Embedding!, 5, 0, Ct)); // the re-rank finds the face gone from the database

        await FailsAsync(ErrorKind.ResourceNotFound, async () => await service.SearchFacesByImageAsync(Id, image, 5, 80, Ct));
    }

    [Fact]
    public async Task Indexed_faces_are_found_by_image_and_by_face_id()
    {
        await Service.CreateCollectionAsync(Audit, Id, Ct);
        var one = await IndexAsync("sample1");
        Assert.Equal(3, one.FaceRecords.Count);
        Assert.All(one.FaceRecords, r => Assert.Equal("sample1.jpg", r.Face.ExternalImageId));
        Assert.Single(one.FaceRecords.Select(r => r.Face.ImageId).Distinct());
        await IndexAsync("sample4");
        Assert.Equal(7, (await Service.DescribeCollectionAsync(Id, Ct)).FaceCount);

        using var probe = Fixture.Load("sample1");
        var found = (await Service.SearchFacesByImageAsync(Id, probe, 10, 80, CancellationToken.None)).Response;
        Assert.True(found.FaceMatches[0].Similarity > 99);
        Assert.Equal(one.FaceRecords[0].Face.FaceId, found.FaceMatches[0].Face.FaceId);
        Assert.InRange(found.SearchedFaceBoundingBox.Width, 0.05f, 0.5f);

        var byId = (await Service.SearchFacesAsync(Id, one.FaceRecords[1].Face.FaceId, 10, 0, CancellationToken.None)).Response;
        Assert.DoesNotContain(byId.FaceMatches, m => m.Face.FaceId == one.FaceRecords[1].Face.FaceId);
        Assert.Equal(6, byId.FaceMatches.Count);
        Assert.True(byId.FaceMatches.Zip(byId.FaceMatches.Skip(1)).All(p => p.First.Similarity >= p.Second.Similarity));
    }

    [Fact]
    public async Task Max_faces_and_quality_filter_report_unindexed_reasons()
    {
        await Service.CreateCollectionAsync(Audit, Id, Ct);
        var capped = await IndexAsync("sample4", maxFaces: 1);
        Assert.Single(capped.FaceRecords);
        Assert.Equal(3, capped.UnindexedFaces.Count);
        Assert.All(capped.UnindexedFaces, u => Assert.Contains("EXCEEDS_MAX_FACES", u.Reasons));
        // The largest face is the one kept.
        static float Area(Rekognition.BoundingBox b) => b.Width * b.Height;
        Assert.True(Area(capped.FaceRecords[0].FaceDetail.BoundingBox) >= capped.UnindexedFaces.Max(u => Area(u.FaceDetail.BoundingBox)));
        await Assert.ThrowsAsync<SightlineException>(async () => await IndexAsync("sample4", quality: "SUPER"));
        await Assert.ThrowsAsync<SightlineException>(async () => await IndexAsync("sample4", maxFaces: 0));
    }

    [Fact]
    public async Task Deleted_faces_are_never_returned_and_pages_cover_every_face()
    {
        await Service.CreateCollectionAsync(Audit, Id, Ct);
        var records = (await IndexAsync("sample1")).FaceRecords.Concat((await IndexAsync("sample5")).FaceRecords).ToList();
        var gone = records[0].Face.FaceId;
        var deleted = await Service.DeleteFacesAsync(Audit, Id, [gone, Guid.NewGuid().ToString()], Ct);
        Assert.Equal([gone], deleted.DeletedFaces);
        using var probe = Fixture.Load("sample1");
        Assert.DoesNotContain((await Service.SearchFacesByImageAsync(Id, probe, 100, 0, CancellationToken.None)).Response.FaceMatches, m => m.Face.FaceId == gone);
        await Assert.ThrowsAsync<SightlineException>(async () => await Service.SearchFacesAsync(Id, gone, 10, 80, CancellationToken.None));

        var seen = new List<string>();
        string? token = null;
        do
        {
            var page = await Service.ListFacesAsync(Id, token, 3, null, null, Ct);
            Assert.InRange(page.Faces.Count, 1, 3);
            seen.AddRange(page.Faces.Select(f => f.FaceId));
            token = page.NextToken;
        }
        while (token is not null);
        Assert.Equal(records.Skip(1).Select(r => r.Face.FaceId).Order(), seen.Order());
        var filtered = await Service.ListFacesAsync(Id, null, 100, [records[2].Face.FaceId], null, Ct);
        Assert.Equal(records[2].Face.FaceId, Assert.Single(filtered.Faces).FaceId);
    }

    [Fact]
    public async Task Data_survive_a_restart_and_failed_calls_change_nothing()
    {
        await Service.CreateCollectionAsync(Audit, Id, Ct);
        var records = (await IndexAsync("sample6")).FaceRecords;
        using (var image = Fixture.Load("sample1"))
        {
            await FailsAsync(ErrorKind.ResourceNotFound, async () => await Service.IndexFacesAsync(Audit, new IndexFacesRequest("missing"), image, CancellationToken.None));
            await FailsAsync(ErrorKind.InvalidParameter, async () => await Service.IndexFacesAsync(Audit, new IndexFacesRequest(Id, "bad id!"), image, CancellationToken.None));
        }
        using (var noFace = Sightline.Imaging.DecodedImage.FromBgr(new OpenCvSharp.Mat(200, 200, OpenCvSharp.MatType.CV_8UC3, OpenCvSharp.Scalar.All(128))))
            await FailsAsync(ErrorKind.InvalidParameter, async () => await Service.SearchFacesByImageAsync(Id, noFace, 10, 80, CancellationToken.None));

        var reopened = Reopen();
        Assert.Equal(records.Count, (await reopened.DescribeCollectionAsync(Id, Ct)).FaceCount);
        using var probe = Fixture.Load("sample6");
        var found = (await reopened.SearchFacesByImageAsync(Id, probe, 10, 90, CancellationToken.None)).Response;
        Assert.Equal(records[0].Face.FaceId, found.FaceMatches[0].Face.FaceId);
    }
}

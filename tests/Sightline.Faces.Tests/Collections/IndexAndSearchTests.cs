using Sightline.Collections;
using Sightline.Faces.Tests.Support;

namespace Sightline.Faces.Tests.Collections;

[Collection(EngineCollection.Name)]
public sealed class IndexAndSearchTests(EngineFixture fixture) : CollectionTestBase(fixture)
{
    private const string Id = "gallery";

    private Rekognition.IndexFacesResponse Index(string fixtureId, int? maxFaces = null, string? quality = null)
    {
        using var image = Fixture.Load(fixtureId);
        return Service.IndexFaces(Audit, new IndexFacesRequest(Id, fixtureId + ".jpg", maxFaces, quality), image, CancellationToken.None);
    }

    [Fact]
    public void Indexed_faces_are_found_by_image_and_by_face_id()
    {
        Service.CreateCollection(Audit, Id);
        var one = Index("sample1");
        Assert.Equal(3, one.FaceRecords.Count);
        Assert.All(one.FaceRecords, r => Assert.Equal("sample1.jpg", r.Face.ExternalImageId));
        Assert.Single(one.FaceRecords.Select(r => r.Face.ImageId).Distinct());
        Index("sample4");
        Assert.Equal(7, Service.DescribeCollection(Id).FaceCount);

        using var probe = Fixture.Load("sample1");
        var found = Service.SearchFacesByImage(Id, probe, 10, 80, CancellationToken.None).Response;
        Assert.True(found.FaceMatches[0].Similarity > 99);
        Assert.Equal(one.FaceRecords[0].Face.FaceId, found.FaceMatches[0].Face.FaceId);
        Assert.InRange(found.SearchedFaceBoundingBox.Width, 0.05f, 0.5f);

        var byId = Service.SearchFaces(Id, one.FaceRecords[1].Face.FaceId, 10, 0, CancellationToken.None).Response;
        Assert.DoesNotContain(byId.FaceMatches, m => m.Face.FaceId == one.FaceRecords[1].Face.FaceId);
        Assert.Equal(6, byId.FaceMatches.Count);
        Assert.True(byId.FaceMatches.Zip(byId.FaceMatches.Skip(1)).All(p => p.First.Similarity >= p.Second.Similarity));
    }

    [Fact]
    public void Max_faces_and_quality_filter_report_unindexed_reasons()
    {
        Service.CreateCollection(Audit, Id);
        var capped = Index("sample4", maxFaces: 1);
        Assert.Single(capped.FaceRecords);
        Assert.Equal(3, capped.UnindexedFaces.Count);
        Assert.All(capped.UnindexedFaces, u => Assert.Contains("EXCEEDS_MAX_FACES", u.Reasons));
        // The largest face is the one kept.
        static float Area(Rekognition.BoundingBox b) => b.Width * b.Height;
        Assert.True(Area(capped.FaceRecords[0].FaceDetail.BoundingBox) >= capped.UnindexedFaces.Max(u => Area(u.FaceDetail.BoundingBox)));
        Assert.Throws<SightlineException>(() => Index("sample4", quality: "SUPER"));
        Assert.Throws<SightlineException>(() => Index("sample4", maxFaces: 0));
    }

    [Fact]
    public void Deleted_faces_are_never_returned_and_pages_cover_every_face()
    {
        Service.CreateCollection(Audit, Id);
        var records = Index("sample1").FaceRecords.Concat(Index("sample5").FaceRecords).ToList();
        var gone = records[0].Face.FaceId;
        var deleted = Service.DeleteFaces(Audit, Id, [gone, Guid.NewGuid().ToString()]);
        Assert.Equal([gone], deleted.DeletedFaces);
        using var probe = Fixture.Load("sample1");
        Assert.DoesNotContain(Service.SearchFacesByImage(Id, probe, 100, 0, CancellationToken.None).Response.FaceMatches, m => m.Face.FaceId == gone);
        Assert.Throws<SightlineException>(() => Service.SearchFaces(Id, gone, 10, 80, CancellationToken.None));

        var seen = new List<string>();
        string? token = null;
        do
        {
            var page = Service.ListFaces(Id, token, 3);
            Assert.InRange(page.Faces.Count, 1, 3);
            seen.AddRange(page.Faces.Select(f => f.FaceId));
            token = page.NextToken;
        }
        while (token is not null);
        Assert.Equal(records.Skip(1).Select(r => r.Face.FaceId).Order(), seen.Order());
        var filtered = Service.ListFaces(Id, null, 100, [records[2].Face.FaceId]);
        Assert.Equal(records[2].Face.FaceId, Assert.Single(filtered.Faces).FaceId);
    }

    [Fact]
    public void Data_survive_a_restart_and_failed_calls_change_nothing()
    {
        Service.CreateCollection(Audit, Id);
        var records = Index("sample6").FaceRecords;
        using (var image = Fixture.Load("sample1"))
        {
            Fails(ErrorKind.ResourceNotFound, () => Service.IndexFaces(Audit, new IndexFacesRequest("missing"), image, CancellationToken.None));
            Fails(ErrorKind.InvalidParameter, () => Service.IndexFaces(Audit, new IndexFacesRequest(Id, "bad id!"), image, CancellationToken.None));
        }
        using (var noFace = Sightline.Imaging.DecodedImage.FromBgr(new OpenCvSharp.Mat(200, 200, OpenCvSharp.MatType.CV_8UC3, OpenCvSharp.Scalar.All(128))))
            Fails(ErrorKind.InvalidParameter, () => Service.SearchFacesByImage(Id, noFace, 10, 80, CancellationToken.None));

        var reopened = Reopen();
        Assert.Equal(records.Count, reopened.DescribeCollection(Id).FaceCount);
        using var probe = Fixture.Load("sample6");
        var found = reopened.SearchFacesByImage(Id, probe, 10, 90, CancellationToken.None).Response;
        Assert.Equal(records[0].Face.FaceId, found.FaceMatches[0].Face.FaceId);
    }
}

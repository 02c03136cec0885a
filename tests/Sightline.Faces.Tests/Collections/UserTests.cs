using Sightline.Collections;
using Sightline.Faces.Tests.Support;

namespace Sightline.Faces.Tests.Collections;

[Collection(EngineCollection.Name)]
public sealed class UserTests(EngineFixture fixture) : CollectionTestBase(fixture)
{
    private const string Id = "people";

    private List<string> Index(string fixtureId)
    {
        using var image = Fixture.Load(fixtureId);
        return [.. Service.IndexFaces(Audit, new IndexFacesRequest(Id, fixtureId), image, CancellationToken.None).FaceRecords.Select(r => r.Face.FaceId)];
    }

    [Fact]
    public void Users_group_faces_of_one_person_and_are_found_by_image()
    {
        Service.CreateCollection(Audit, Id);
        var first = Index("sample1");
        var again = Index("sample1"); // the same photo again: the same three people
        Service.CreateUser(Audit, Id, "person-a");
        Fails(ErrorKind.Conflict, () => Service.CreateUser(Audit, Id, "person-a"));
        Fails(ErrorKind.InvalidParameter, () => Service.CreateUser(Audit, Id, "bad user!"));
        Assert.Equal("CREATED", Assert.Single(Service.ListUsers(Id, null, 10).Users).UserStatus);

        var associated = Service.AssociateFaces(Audit, Id, "person-a", [first[0], again[0]], null);
        Assert.Equal(2, associated.AssociatedFaces.Count);
        Assert.Equal("ACTIVE", associated.UserStatus);

        // Another person's face does not look like person-a: refused, and a face of another user cannot be taken.
        var refused = Service.AssociateFaces(Audit, Id, "person-a", [first[1], Guid.NewGuid().ToString()], null);
        Assert.Empty(refused.AssociatedFaces);
        Assert.Contains(refused.UnsuccessfulFaceAssociations, u => u.Reasons.Contains("LOW_MATCH_CONFIDENCE"));
        Assert.Contains(refused.UnsuccessfulFaceAssociations, u => u.Reasons.Contains("FACE_NOT_FOUND"));
        Service.CreateUser(Audit, Id, "person-b");
        var taken = Service.AssociateFaces(Audit, Id, "person-b", [first[0]], null);
        Assert.Equal("ASSOCIATED_TO_A_DIFFERENT_USER", Assert.Single(Assert.Single(taken.UnsuccessfulFaceAssociations).Reasons));

        using var probe = Fixture.Load("sample1");
        var byImage = Service.SearchUsersByImage(Id, probe, null, null, CancellationToken.None).Response;
        Assert.Equal("person-a", byImage.UserMatches[0].User.UserId);
        Assert.True(byImage.UserMatches[0].Similarity > 99);
        var byFace = Service.SearchUsers(Id, null, first[0], 0, 10, CancellationToken.None).Response;
        Assert.DoesNotContain(byFace.UserMatches, m => m.User.UserId == "person-a");

        // A face that belongs to no user is ignored and left out of the answer, as Rekognition does.
        var dis = Service.DisassociateFaces(Audit, Id, "person-a", [again[0], first[2]]);
        Assert.Equal(again[0], Assert.Single(dis.DisassociatedFaces).FaceId);
        Assert.Empty(dis.UnsuccessfulFaceDisassociations);
        Service.DeleteUser(Audit, Id, "person-a");
        Fails(ErrorKind.ResourceNotFound, () => Service.DeleteUser(Audit, Id, "person-a"));
        Assert.Empty(Service.SearchUsersByImage(Id, probe, null, null, CancellationToken.None).Response.UserMatches);
        Assert.Equal(1, Service.DescribeCollection(Id).UserCount);
    }

    [Fact]
    public void Faces_of_a_user_are_listed_by_user_and_not_deleted_until_disassociated()
    {
        Service.CreateCollection(Audit, Id);
        var faces = Index("sample1");
        Service.CreateUser(Audit, Id, "person-a", clientRequestToken: "token-1");
        Service.CreateUser(Audit, Id, "person-a", clientRequestToken: "token-1"); // an SDK retry: the same answer
        Fails(ErrorKind.Conflict, () => Service.CreateUser(Audit, Id, "person-a", clientRequestToken: "token-2"));
        Service.AssociateFaces(Audit, Id, "person-a", [faces[0]], null);

        Assert.Equal(faces[0], Assert.Single(Service.ListFaces(Id, null, 100, userId: "person-a").Faces).FaceId);
        Assert.Equal(faces.Count, Service.ListFaces(Id, null, 100).Faces.Count);

        string unknown = Guid.NewGuid().ToString();
        var deleted = Service.DeleteFaces(Audit, Id, [faces[0], faces[1], unknown]);
        Assert.Equal([faces[1]], deleted.DeletedFaces);
        Assert.Contains(deleted.UnsuccessfulFaceDeletions, u => u.FaceId == faces[0] && u.UserId == "person-a" && u.Reasons.Contains("ASSOCIATED_TO_AN_EXISTING_USER"));
        Assert.Contains(deleted.UnsuccessfulFaceDeletions, u => u.FaceId == unknown && u.Reasons.Contains("FACE_NOT_FOUND"));

        Service.DisassociateFaces(Audit, Id, "person-a", [faces[0]]);
        Assert.Equal([faces[0]], Service.DeleteFaces(Audit, Id, [faces[0]]).DeletedFaces);
    }
}

using Sightline.Collections;
using Sightline.Faces.Tests.Support;

namespace Sightline.Faces.Tests.Collections;

[Collection(EngineCollection.Name)]
public sealed class UserTests(EngineFixture fixture) : CollectionTestBase(fixture)
{
    private const string Id = "people";

    private async Task<List<string>> IndexAsync(string fixtureId)
    {
        using var image = Fixture.Load(fixtureId);
        return [.. (await Service.IndexFacesAsync(Audit, new IndexFacesRequest(Id, fixtureId), image, CancellationToken.None)).FaceRecords.Select(r => r.Face.FaceId)];
    }

    [Fact]
    public async Task Users_group_faces_of_one_person_and_are_found_by_image()
    {
        await Service.CreateCollectionAsync(Audit, Id, Ct);
        var first = await IndexAsync("sample1");
        var again = await IndexAsync("sample1"); // the same photo again: the same three people
        await Service.CreateUserAsync(Audit, Id, "person-a", null, Ct);
        await FailsAsync(ErrorKind.Conflict, async () => await Service.CreateUserAsync(Audit, Id, "person-a", null, Ct));
        await FailsAsync(ErrorKind.InvalidParameter, async () => await Service.CreateUserAsync(Audit, Id, "bad user!", null, Ct));
        Assert.Equal("CREATED", Assert.Single((await Service.ListUsersAsync(Id, null, 10, Ct)).Users).UserStatus);

        var associated = await Service.AssociateFacesAsync(Audit, Id, "person-a", [first[0], again[0]], null, Ct);
        Assert.Equal(2, associated.AssociatedFaces.Count);
        Assert.Equal("ACTIVE", associated.UserStatus);

        // Another person's face does not look like person-a: refused, and a face of another user cannot be taken.
        var refused = await Service.AssociateFacesAsync(Audit, Id, "person-a", [first[1], Guid.NewGuid().ToString()], null, Ct);
        Assert.Empty(refused.AssociatedFaces);
        Assert.Contains(refused.UnsuccessfulFaceAssociations, u => u.Reasons.Contains("LOW_MATCH_CONFIDENCE"));
        Assert.Contains(refused.UnsuccessfulFaceAssociations, u => u.Reasons.Contains("FACE_NOT_FOUND"));
        await Service.CreateUserAsync(Audit, Id, "person-b", null, Ct);
        var taken = await Service.AssociateFacesAsync(Audit, Id, "person-b", [first[0]], null, Ct);
        Assert.Equal("ASSOCIATED_TO_A_DIFFERENT_USER", Assert.Single(Assert.Single(taken.UnsuccessfulFaceAssociations).Reasons));

        using var probe = Fixture.Load("sample1");
        var byImage = (await Service.SearchUsersByImageAsync(Id, probe, null, null, CancellationToken.None)).Response;
        Assert.Equal("person-a", byImage.UserMatches[0].User.UserId);
        Assert.True(byImage.UserMatches[0].Similarity > 99);
        var byFace = (await Service.SearchUsersAsync(Id, null, first[0], 0, 10, CancellationToken.None)).Response;
        Assert.DoesNotContain(byFace.UserMatches, m => m.User.UserId == "person-a");

        // A face that belongs to no user is ignored and left out of the answer, as Rekognition does.
        var dis = await Service.DisassociateFacesAsync(Audit, Id, "person-a", [again[0], first[2]], Ct);
        Assert.Equal(again[0], Assert.Single(dis.DisassociatedFaces).FaceId);
        Assert.Empty(dis.UnsuccessfulFaceDisassociations);
        await Service.DeleteUserAsync(Audit, Id, "person-a", Ct);
        await FailsAsync(ErrorKind.ResourceNotFound, async () => await Service.DeleteUserAsync(Audit, Id, "person-a", Ct));
        Assert.Empty((await Service.SearchUsersByImageAsync(Id, probe, null, null, CancellationToken.None)).Response.UserMatches);
        Assert.Equal(1, (await Service.DescribeCollectionAsync(Id, Ct)).UserCount);
    }

    [Fact]
    public async Task Faces_of_a_user_are_listed_by_user_and_not_deleted_until_disassociated()
    {
        await Service.CreateCollectionAsync(Audit, Id, Ct);
        var faces = await IndexAsync("sample1");
        await Service.CreateUserAsync(Audit, Id, "person-a", "token-1", Ct);
        await Service.CreateUserAsync(Audit, Id, "person-a", "token-1", Ct); // an SDK retry: the same answer
        await FailsAsync(ErrorKind.Conflict, async () => await Service.CreateUserAsync(Audit, Id, "person-a", "token-2", Ct));
        await Service.AssociateFacesAsync(Audit, Id, "person-a", [faces[0]], null, Ct);

        Assert.Equal(faces[0], Assert.Single((await Service.ListFacesAsync(Id, null, 100, null, "person-a", Ct)).Faces).FaceId);
        Assert.Equal(faces.Count, (await Service.ListFacesAsync(Id, null, 100, null, null, Ct)).Faces.Count);

        string unknown = Guid.NewGuid().ToString();
        var deleted = await Service.DeleteFacesAsync(Audit, Id, [faces[0], faces[1], unknown], Ct);
        Assert.Equal([faces[1]], deleted.DeletedFaces);
        Assert.Contains(deleted.UnsuccessfulFaceDeletions, u => u.FaceId == faces[0] && u.UserId == "person-a" && u.Reasons.Contains("ASSOCIATED_TO_AN_EXISTING_USER"));
        Assert.Contains(deleted.UnsuccessfulFaceDeletions, u => u.FaceId == unknown && u.Reasons.Contains("FACE_NOT_FOUND"));

        await Service.DisassociateFacesAsync(Audit, Id, "person-a", [faces[0]], Ct);
        Assert.Equal([faces[0]], (await Service.DeleteFacesAsync(Audit, Id, [faces[0]], Ct)).DeletedFaces);
    }
}

namespace Sightline.Rekognition;

// User operations' response shapes.

public sealed record User(string UserId, string UserStatus);

public sealed record ListUsersResponse(IReadOnlyList<User> Users)
{
    public string? NextToken { get; init; }
}

public sealed record AssociatedFace(string FaceId);

public sealed record UnsuccessfulFaceAssociation(string FaceId, string? UserId, float? Confidence, IReadOnlyList<string> Reasons);

public sealed record AssociateFacesResponse(IReadOnlyList<AssociatedFace> AssociatedFaces, IReadOnlyList<UnsuccessfulFaceAssociation> UnsuccessfulFaceAssociations, string UserStatus);

public sealed record UnsuccessfulFaceDisassociation(string FaceId, string? UserId, IReadOnlyList<string> Reasons);

public sealed record DisassociateFacesResponse(IReadOnlyList<AssociatedFace> DisassociatedFaces, IReadOnlyList<UnsuccessfulFaceDisassociation> UnsuccessfulFaceDisassociations, string UserStatus);

public sealed record MatchedUser(string UserId, string UserStatus);

public sealed record UserMatch(float Similarity, MatchedUser User);

public sealed record SearchedFace(string FaceId);

public sealed record SearchedUser(string UserId);

public sealed record SearchUsersResponse(IReadOnlyList<UserMatch> UserMatches, string FaceModelVersion)
{
    public SearchedFace? SearchedFace { get; init; }
    public SearchedUser? SearchedUser { get; init; }
}

public sealed record SearchedFaceDetails(FaceDetail FaceDetail);

public sealed record SearchUsersByImageResponse(IReadOnlyList<UserMatch> UserMatches, string FaceModelVersion, SearchedFaceDetails SearchedFace);

public sealed record EmptyResponse;

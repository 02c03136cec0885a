namespace Sightline.Storage;

public sealed record CollectionRecord(string Id, string Arn, string FaceModelVersion, DateTimeOffset CreatedAt, long FaceCount, long UserCount);

/// <summary>A face as stored. <see cref="RowId"/> is the vector index's id; <see cref="Embedding"/> is L2-normalised.</summary>
public sealed record StoredFace(
    long RowId,
    string FaceId,
    string CollectionId,
    string ImageId,
    string? ExternalImageId,
    float Left,
    float Top,
    float Width,
    float Height,
    float Confidence,
    string? UserId,
    DateTimeOffset CreatedAt,
    float[]? Embedding);

/// <summary>One entry of the face change log: a face row added to or deleted from a collection, in commit order.</summary>
public sealed record FaceChange(long Seq, string CollectionId, long RowId, bool Added);

/// <summary>A face to add; the store assigns the row id.</summary>
public sealed record NewFace(string FaceId, string ImageId, string? ExternalImageId, float Left, float Top, float Width, float Height, float Confidence, float[] Embedding);

/// <summary>
/// Durable storage of collections and their faces. Every write is one transaction that is on disk when the
/// call returns; a failed call leaves nothing behind.
/// </summary>
public interface ICollectionStore
{
    /// <summary>Throws ResourceAlreadyExists when the id is taken.</summary>
    CollectionRecord CreateCollection(string id, string arn, string faceModelVersion, DateTimeOffset createdAt);

    /// <summary>The collection; face and user counts only when asked (counting is O(faces)).</summary>
    CollectionRecord? GetCollection(string id, bool withCounts = true);

    /// <summary>Ids in order, starting after <paramref name="after"/>.</summary>
    IReadOnlyList<CollectionRecord> ListCollections(string? after, int limit);

    /// <summary>Deletes the collection and all its faces; false when it did not exist.</summary>
    bool DeleteCollection(string id);

    /// <summary>Adds faces in one transaction and returns them with their row ids.</summary>
    IReadOnlyList<StoredFace> AddFaces(string collectionId, IReadOnlyList<NewFace> faces, DateTimeOffset createdAt);

    /// <summary>Faces in row order after <paramref name="afterRowId"/>, optionally only the given face ids.</summary>
    IReadOnlyList<StoredFace> ListFaces(string collectionId, long afterRowId, int limit, IReadOnlyCollection<string>? faceIds = null, bool withEmbeddings = false, string? userId = null);

    StoredFace? GetFace(string collectionId, string faceId);

    /// <summary>Faces by row id (the vector index's ids), in no particular order; missing ones are skipped.</summary>
    IReadOnlyList<StoredFace> GetFacesByRowIds(IReadOnlyCollection<long> rowIds);

    /// <summary>Reads one face's embedding by row id (for re-ranking).</summary>
    float[]? GetEmbedding(long rowId);

    /// <summary>Reads many faces' embeddings by row id in one query; missing ones are left out.</summary>
    IReadOnlyDictionary<long, float[]> GetEmbeddings(IReadOnlyCollection<long> rowIds);

    /// <summary>Deletes the faces that exist and returns them.</summary>
    IReadOnlyList<StoredFace> DeleteFaces(string collectionId, IReadOnlyCollection<string> faceIds);

    /// <summary>Throws Conflict when the user exists.</summary>
    /// <summary>Throws Conflict when the user exists, unless it was created with the same non-null client request token.</summary>
    void CreateUser(string collectionId, string userId, DateTimeOffset createdAt, string? clientRequestToken = null);

    IReadOnlyDictionary<string, string> GetTags(string collectionId);

    /// <summary>Sets and removes tags in one transaction; refuses (InvalidParameter) when more than <paramref name="maxTags"/> would remain.</summary>
    void UpdateTags(string collectionId, IReadOnlyDictionary<string, string> set, IReadOnlyCollection<string> remove, int maxTags);

    /// <summary>The user's face count, or null when the user does not exist.</summary>
    int? GetUserFaceCount(string collectionId, string userId);

    /// <summary>Deletes the user and unlinks its faces; false when it did not exist.</summary>
    bool DeleteUser(string collectionId, string userId);

    /// <summary>Users in id order after <paramref name="after"/>, with face counts.</summary>
    IReadOnlyList<(string UserId, int FaceCount)> ListUsers(string collectionId, string? after, int limit);

    /// <summary>Sets (or with null clears) the user of the given faces, in one transaction.</summary>
    void SetFaceUser(string collectionId, IReadOnlyCollection<string> faceIds, string? userId);

    /// <summary>Row ids of the user's faces.</summary>
    IReadOnlyList<StoredFace> UserFaces(string collectionId, string userId, bool withEmbeddings);

    /// <summary>Row ids of every face of a collection (to reconcile a loaded index snapshot).</summary>
    IReadOnlyList<long> ReadRowIds(string collectionId);

    /// <summary>
    /// The face change log after <paramref name="afterSeq"/> in order, for one collection or (null) all: every process
    /// follows it to keep its vector indexes in step with writes made by other processes. The store writes it in the
    /// same transaction as each face insert and delete.
    /// </summary>
    IReadOnlyList<FaceChange> ReadFaceChanges(string? collectionId, long afterSeq, int limit);

    /// <summary>The newest change's sequence number (0 when there is none).</summary>
    long LastFaceChange();

    /// <summary>Streams every face (row id and embedding) of a collection, to build its vector index.</summary>
    IEnumerable<(long RowId, float[] Embedding)> ReadEmbeddings(string collectionId);
}

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

/// <summary>What a delete of faces did: the faces deleted, and the ids asked for that a legal hold kept (nothing of theirs changed).</summary>
public sealed record FaceDeletion(IReadOnlyList<StoredFace> Deleted, IReadOnlyList<string> Held);

/// <summary>What a delete of a collection did: whether it existed, and how many of its faces a legal hold covers (then nothing was deleted).</summary>
public sealed record CollectionDeletion(bool Existed, int HeldFaces)
{
    public bool Deleted => Existed && HeldFaces == 0;
}

/// <summary>
/// Durable storage of collections and their faces. Every write is one transaction that is on disk when the
/// call returns; a failed call leaves nothing behind. Every write that changes something takes the audit entry of
/// the call it serves and appends it, with what the write touched, in the same transaction: there is no effect
/// without its record, and a write that changes nothing records nothing.
/// </summary>
public interface ICollectionStore
{
    /// <summary>Throws ResourceAlreadyExists when the id is taken.</summary>
    CollectionRecord CreateCollection(AuditEntry audit, string id, string arn, string faceModelVersion, DateTimeOffset createdAt);

    /// <summary>The collection; face and user counts only when asked (counting is O(faces)).</summary>
    CollectionRecord? GetCollection(string id, bool withCounts = true);

    /// <summary>Ids in order, starting after <paramref name="after"/>.</summary>
    IReadOnlyList<CollectionRecord> ListCollections(string? after, int limit);

    /// <summary>
    /// Deletes the collection and all its faces, users, tags and retention rule, unless a legal hold covers any of its
    /// faces: then, in the same transaction, nothing is deleted and the held faces are counted.
    /// </summary>
    CollectionDeletion DeleteCollection(AuditEntry audit, string id);

    /// <summary>Adds faces in one transaction and returns them with their row ids.</summary>
    IReadOnlyList<StoredFace> AddFaces(AuditEntry audit, string collectionId, IReadOnlyList<NewFace> faces, DateTimeOffset createdAt);

    /// <summary>Faces in row order after <paramref name="afterRowId"/>, optionally only the given face ids.</summary>
    IReadOnlyList<StoredFace> ListFaces(string collectionId, long afterRowId, int limit, IReadOnlyCollection<string>? faceIds = null, bool withEmbeddings = false, string? userId = null);

    StoredFace? GetFace(string collectionId, string faceId);

    /// <summary>Faces by row id (the vector index's ids), in no particular order; missing ones are skipped.</summary>
    IReadOnlyList<StoredFace> GetFacesByRowIds(IReadOnlyCollection<long> rowIds);

    /// <summary>Reads one face's embedding by row id (for re-ranking).</summary>
    float[]? GetEmbedding(long rowId);

    /// <summary>Reads many faces' embeddings by row id in one query; missing ones are left out.</summary>
    IReadOnlyDictionary<long, float[]> GetEmbeddings(IReadOnlyCollection<long> rowIds);

    /// <summary>
    /// Deletes the faces that exist and no legal hold covers, in one transaction that also decides which are held, so
    /// a hold placed concurrently is either seen or placed after the delete. Recorded when a face was deleted or refused.
    /// </summary>
    FaceDeletion DeleteFaces(AuditEntry audit, string collectionId, IReadOnlyCollection<string> faceIds);

    /// <summary>
    /// Throws Conflict when the user exists, unless it was created with the same non-null client request token (the
    /// same request again: nothing changes and nothing is recorded).
    /// </summary>
    void CreateUser(AuditEntry audit, string collectionId, string userId, DateTimeOffset createdAt, string? clientRequestToken = null);

    IReadOnlyDictionary<string, string> GetTags(string collectionId);

    /// <summary>Sets and removes tags in one transaction; ResourceNotFound when the collection does not exist.</summary>
    void UpdateTags(AuditEntry audit, string collectionId, IReadOnlyDictionary<string, string> set, IReadOnlyCollection<string> remove);

    /// <summary>The user's face count, or null when the user does not exist.</summary>
    int? GetUserFaceCount(string collectionId, string userId);

    /// <summary>Deletes the user and unlinks its faces; false (nothing recorded) when it did not exist.</summary>
    bool DeleteUser(AuditEntry audit, string collectionId, string userId);

    /// <summary>Users in id order after <paramref name="after"/>, with face counts.</summary>
    IReadOnlyList<(string UserId, int FaceCount)> ListUsers(string collectionId, string? after, int limit);

    /// <summary>Sets (or with null clears) the user of the given faces, in one transaction.</summary>
    void SetFaceUser(AuditEntry audit, string collectionId, IReadOnlyCollection<string> faceIds, string? userId);

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

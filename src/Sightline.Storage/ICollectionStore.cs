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

/// <summary>A face to add; the store assigns the row id. <see cref="Image"/>: a small JPEG of the face for the people who review matches, deleted with the face.</summary>
public sealed record NewFace(string FaceId, string ImageId, string? ExternalImageId, float Left, float Top, float Width, float Height, float Confidence, float[] Embedding, byte[]? Image = null);

/// <summary>Which faces a listing returns: all, only the given face ids, only one user's; with or without embeddings.</summary>
public sealed record FaceFilter(IReadOnlyCollection<string>? FaceIds = null, bool WithEmbeddings = false, string? UserId = null)
{
    public static FaceFilter All { get; } = new();
}

/// <summary>What a delete of faces did: the faces deleted, and the ids asked for that a legal hold kept (nothing of theirs changed).</summary>
public sealed record FaceDeletion(IReadOnlyList<StoredFace> Deleted, IReadOnlyList<string> Held);

/// <summary>What a delete of a collection did: whether it existed, and how many of its faces a legal hold covers (then nothing was deleted).</summary>
public sealed record CollectionDeletion(bool Existed, int HeldFaces)
{
    public bool Deleted => Existed && HeldFaces == 0;
}

/// <summary>
/// Durable storage of collections and their faces. Every write is one transaction that is on disk when the
/// call returns; a failed or cancelled call leaves nothing behind. Every write that changes something takes the audit entry of
/// the call it serves and appends it, with what the write touched, in the same transaction: there is no effect
/// without its record, and a write that changes nothing records nothing. Every call takes a cancellation token; a
/// write cancelled before it commits is rolled back and throws OperationCanceledException.
/// </summary>
public interface ICollectionStore
{
    /// <summary>Throws ResourceAlreadyExists when the id is taken.</summary>
    Task<CollectionRecord> CreateCollectionAsync(AuditEntry audit, string id, string arn, string faceModelVersion, DateTimeOffset createdAt, CancellationToken cancellationToken);

    /// <summary>The collection; face and user counts only when asked (counting is O(faces)).</summary>
    Task<CollectionRecord?> GetCollectionAsync(string id, bool withCounts, CancellationToken cancellationToken);

    /// <summary>Ids in order, starting after <paramref name="after"/>.</summary>
    Task<IReadOnlyList<CollectionRecord>> ListCollectionsAsync(string? after, int limit, CancellationToken cancellationToken);

    /// <summary>
    /// Deletes the collection and all its faces, users, tags and retention rule, unless a legal hold covers any of its
    /// faces: then, in the same transaction, nothing is deleted and the held faces are counted.
    /// </summary>
    Task<CollectionDeletion> DeleteCollectionAsync(AuditEntry audit, string id, CancellationToken cancellationToken);

    /// <summary>Adds faces in one transaction and returns them with their row ids.</summary>
    Task<IReadOnlyList<StoredFace>> AddFacesAsync(AuditEntry audit, string collectionId, IReadOnlyList<NewFace> faces, DateTimeOffset createdAt, CancellationToken cancellationToken);

    /// <summary>Faces in row order after <paramref name="afterRowId"/>, optionally only the given face ids or one user's.</summary>
    Task<IReadOnlyList<StoredFace>> ListFacesAsync(string collectionId, long afterRowId, int limit, FaceFilter filter, CancellationToken cancellationToken);

    Task<StoredFace?> GetFaceAsync(string collectionId, string faceId, CancellationToken cancellationToken);

    /// <summary>The face's image kept when it was indexed (null: no such face, or none kept).</summary>
    Task<byte[]?> GetFaceImageAsync(string collectionId, string faceId, CancellationToken cancellationToken);

    /// <summary>Faces by row id (the vector index's ids), in no particular order; missing ones are skipped.</summary>
    Task<IReadOnlyList<StoredFace>> GetFacesByRowIdsAsync(IReadOnlyCollection<long> rowIds, CancellationToken cancellationToken);

    /// <summary>Reads one face's embedding by row id (for re-ranking).</summary>
    Task<float[]?> GetEmbeddingAsync(long rowId, CancellationToken cancellationToken);

    /// <summary>Reads many faces' embeddings by row id in one query; missing ones are left out.</summary>
    Task<IReadOnlyDictionary<long, float[]>> GetEmbeddingsAsync(IReadOnlyCollection<long> rowIds, CancellationToken cancellationToken);

    /// <summary>
    /// Deletes the faces that exist and no legal hold covers, in one transaction that also decides which are held, so
    /// a hold placed concurrently is either seen or placed after the delete. Recorded when a face was deleted or refused.
    /// </summary>
    Task<FaceDeletion> DeleteFacesAsync(AuditEntry audit, string collectionId, IReadOnlyCollection<string> faceIds, CancellationToken cancellationToken);

    /// <summary>
    /// Throws Conflict when the user exists, unless it was created with the same non-null client request token (the
    /// same request again: nothing changes and nothing is recorded).
    /// </summary>
    Task CreateUserAsync(AuditEntry audit, string collectionId, string userId, DateTimeOffset createdAt, string? clientRequestToken, CancellationToken cancellationToken);

    Task<IReadOnlyDictionary<string, string>> GetTagsAsync(string collectionId, CancellationToken cancellationToken);

    /// <summary>Sets and removes tags in one transaction; ResourceNotFound when the collection does not exist.</summary>
    Task UpdateTagsAsync(AuditEntry audit, string collectionId, IReadOnlyDictionary<string, string> set, IReadOnlyCollection<string> remove, CancellationToken cancellationToken);

    /// <summary>The user's face count, or null when the user does not exist.</summary>
    Task<int?> GetUserFaceCountAsync(string collectionId, string userId, CancellationToken cancellationToken);

    /// <summary>Deletes the user and unlinks its faces; false (nothing recorded) when it did not exist.</summary>
    Task<bool> DeleteUserAsync(AuditEntry audit, string collectionId, string userId, CancellationToken cancellationToken);

    /// <summary>Users in id order after <paramref name="after"/>, with face counts.</summary>
    Task<IReadOnlyList<(string UserId, int FaceCount)>> ListUsersAsync(string collectionId, string? after, int limit, CancellationToken cancellationToken);

    /// <summary>Sets (or with null clears) the user of the given faces, in one transaction.</summary>
    Task SetFaceUserAsync(AuditEntry audit, string collectionId, IReadOnlyCollection<string> faceIds, string? userId, CancellationToken cancellationToken);

    /// <summary>The user's faces in row order.</summary>
    Task<IReadOnlyList<StoredFace>> UserFacesAsync(string collectionId, string userId, bool withEmbeddings, CancellationToken cancellationToken);

    /// <summary>Row ids of every face of a collection's <paramref name="shard"/> (to reconcile a loaded index snapshot).</summary>
    Task<IReadOnlyList<long>> ReadRowIdsAsync(string collectionId, FaceShard shard, CancellationToken cancellationToken);

    /// <summary>
    /// The face change log after <paramref name="afterSeq"/> in order (at most <paramref name="limit"/> entries), for one
    /// collection or (null) all, streamed: every process follows it to keep its vector indexes in step with writes made
    /// by other processes. The store writes it in the same transaction as each face insert and delete.
    /// </summary>
    IAsyncEnumerable<FaceChange> ReadFaceChangesAsync(string? collectionId, long afterSeq, int limit, CancellationToken cancellationToken);

    /// <summary>The newest change's sequence number (0 when there is none).</summary>
    Task<long> LastFaceChangeAsync(CancellationToken cancellationToken);

    /// <summary>Streams every face (row id and embedding) of a collection's <paramref name="shard"/> in row order, to build its vector index.</summary>
    IAsyncEnumerable<(long RowId, float[] Embedding)> ReadEmbeddingsAsync(string collectionId, FaceShard shard, CancellationToken cancellationToken);
}

/// <summary>
/// One of <see cref="Count"/> shards of a collection's faces: those whose row id leaves <see cref="Index"/> when divided
/// by <see cref="Count"/> (row ids are sequential, so shards are even). <see cref="All"/> is the whole collection.
/// </summary>
public readonly record struct FaceShard(int Index, int Count)
{
    public static readonly FaceShard All = new(0, 1);

    public bool Holds(long rowId) => IndexOf(rowId, Count) == Index;

    /// <summary>The shard of <paramref name="count"/> that holds row <paramref name="rowId"/>.</summary>
    public static int IndexOf(long rowId, int count) => count <= 1 ? 0 : (int)(rowId % count);
}

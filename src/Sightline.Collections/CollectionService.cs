using Sightline.Faces;
using Sightline.Rekognition;
using Sightline.Storage;

namespace Sightline.Collections;

/// <summary>
/// Rekognition's collection operations over a face engine, a durable store and per-collection vector indexes.
/// Probe images are never stored. Every identification a search returns is a lead for human review. Each operation
/// that changes a collection takes the audit entry of the call it serves, which the store records with the change.
/// Searches go through <paramref name="search"/> (this process's indexes unless a cluster shards them); writes are
/// durable in the store before they reach any index.
/// </summary>
public sealed partial class CollectionService(FaceEngine engine, ICollectionStore store, IRetentionStore retention, CollectionIndexes indexes, IFaceSearch? search = null)
{
    private readonly IFaceSearch _search = search ?? new LocalFaceSearch(indexes);

    public const int MaxSearchFaces = 4096;
    public const float DefaultFaceMatchThreshold = 80f;

    private readonly FaceComparer _comparer = new(engine);

    /// <summary>The embedder's model id is the collection's face model version; searches require a match.</summary>
    public string FaceModelVersion => engine.EmbedderId;

    public static string Arn(string collectionId) => $"aws:rekognition:local:000000000000:collection/{collectionId}";

    private async Task<CollectionRecord> RequireAsync(string collectionId, CancellationToken cancellationToken)
    {
        var collection = await store.GetCollectionAsync(Validate.CollectionId(collectionId), withCounts: false, cancellationToken).ConfigureAwait(false)
            ?? throw new SightlineException(ErrorKind.ResourceNotFound, $"The collection id: {collectionId} does not exist");
        if (collection.FaceModelVersion != FaceModelVersion)
            throw SightlineException.InvalidParameter($"Collection {collectionId} holds faces of model {collection.FaceModelVersion}; this server embeds with {FaceModelVersion}. Re-index into a new collection.");
        return collection;
    }

    private static Face ToFace(StoredFace f) => new()
    {
        FaceId = f.FaceId,
        BoundingBox = new BoundingBox(f.Width, f.Height, f.Left, f.Top),
        ImageId = f.ImageId,
        ExternalImageId = f.ExternalImageId,
        Confidence = f.Confidence,
        IndexFacesModelVersion = "",
        UserId = f.UserId,
    };

    private Face ToFace(StoredFace f, string version) => ToFace(f) with { IndexFacesModelVersion = version };

    private static string Token(long value) => Convert.ToBase64String(BitConverter.GetBytes(value));

    private static long ParseToken(string? token)
    {
        if (string.IsNullOrEmpty(token))
            return 0;
        try
        {
            var bytes = Convert.FromBase64String(token);
            return bytes.Length == 8 ? BitConverter.ToInt64(bytes) : throw new FormatException();
        }
        catch (FormatException)
        {
            throw new SightlineException(ErrorKind.InvalidParameter, "NextToken is invalid.");
        }
    }
}

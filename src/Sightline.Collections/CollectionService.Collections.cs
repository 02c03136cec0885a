using System.Text;
using Sightline.Rekognition;
using Sightline.Storage;

namespace Sightline.Collections;

public sealed partial class CollectionService
{
    public async Task<CreateCollectionResponse> CreateCollectionAsync(AuditEntry audit, string collectionId, CancellationToken cancellationToken)
    {
        var id = Validate.CollectionId(collectionId);
        await store.CreateCollectionAsync(audit, id, Arn(id), FaceModelVersion, DateTimeOffset.UtcNow, cancellationToken).ConfigureAwait(false);
        return new CreateCollectionResponse(200, Arn(id), FaceModelVersion);
    }

    public async Task<DescribeCollectionResponse> DescribeCollectionAsync(string collectionId, CancellationToken cancellationToken)
    {
        var c = await store.GetCollectionAsync(Validate.CollectionId(collectionId), withCounts: true, cancellationToken).ConfigureAwait(false)
            ?? throw new SightlineException(ErrorKind.ResourceNotFound, $"The collection id: {collectionId} does not exist");
        return new DescribeCollectionResponse(c.FaceCount, c.FaceModelVersion, c.Arn, c.CreatedAt.ToUnixTimeMilliseconds() / 1000.0, c.UserCount);
    }

    public async Task<ListCollectionsResponse> ListCollectionsAsync(string? nextToken, int? maxResults, CancellationToken cancellationToken)
    {
        int limit = Validate.Range("MaxResults", maxResults, 1000, 0, 4096);
        string? after = null;
        if (!string.IsNullOrEmpty(nextToken))
        {
            try
            {
                after = Encoding.UTF8.GetString(Convert.FromBase64String(nextToken));
            }
            catch (FormatException)
            {
                throw SightlineException.InvalidParameter("NextToken is invalid.");
            }
        }
        var page = await store.ListCollectionsAsync(after, limit + 1, cancellationToken).ConfigureAwait(false);
        var shown = page.Take(limit).ToList();
        return new ListCollectionsResponse([.. shown.Select(c => c.Id)], [.. shown.Select(c => c.FaceModelVersion)])
        {
            NextToken = page.Count > limit && shown.Count > 0 ? Convert.ToBase64String(Encoding.UTF8.GetBytes(shown[^1].Id)) : null,
        };
    }

    /// <summary>Deletes a collection; Conflict (nothing deleted) while a legal hold covers any of its faces.</summary>
    public async Task<DeleteCollectionResponse> DeleteCollectionAsync(AuditEntry audit, string collectionId, CancellationToken cancellationToken)
    {
        var id = Validate.CollectionId(collectionId);
        var deletion = await store.DeleteCollectionAsync(audit, id, cancellationToken).ConfigureAwait(false);
        if (!deletion.Existed)
            throw new SightlineException(ErrorKind.ResourceNotFound, $"The collection id: {collectionId} does not exist");
        if (deletion.HeldFaces > 0)
            throw new SightlineException(ErrorKind.Conflict, $"Collection {id} holds {deletion.HeldFaces} face(s) under a legal hold; lift the hold ('sightline holds lift CASE') before deleting it.");
        await indexes.DropAsync(id).ConfigureAwait(false);
        await _search.DroppedAsync(id).ConfigureAwait(false);
        return new DeleteCollectionResponse(200);
    }
}

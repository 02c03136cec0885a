using System.Text;
using Sightline.Rekognition;
using Sightline.Storage;

namespace Sightline.Collections;

public sealed partial class CollectionService
{
    public CreateCollectionResponse CreateCollection(AuditEntry audit, string collectionId)
    {
        var id = Validate.CollectionId(collectionId);
        store.CreateCollection(audit, id, Arn(id), FaceModelVersion, DateTimeOffset.UtcNow);
        return new CreateCollectionResponse(200, Arn(id), FaceModelVersion);
    }

    public DescribeCollectionResponse DescribeCollection(string collectionId)
    {
        var c = store.GetCollection(Validate.CollectionId(collectionId))
            ?? throw new SightlineException(ErrorKind.ResourceNotFound, $"The collection id: {collectionId} does not exist");
        return new DescribeCollectionResponse(c.FaceCount, c.FaceModelVersion, c.Arn, c.CreatedAt.ToUnixTimeMilliseconds() / 1000.0, c.UserCount);
    }

    public ListCollectionsResponse ListCollections(string? nextToken, int? maxResults)
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
        var page = store.ListCollections(after, limit + 1);
        var shown = page.Take(limit).ToList();
        return new ListCollectionsResponse([.. shown.Select(c => c.Id)], [.. shown.Select(c => c.FaceModelVersion)])
        {
            NextToken = page.Count > limit && shown.Count > 0 ? Convert.ToBase64String(Encoding.UTF8.GetBytes(shown[^1].Id)) : null,
        };
    }

    /// <summary>Deletes a collection; Conflict (nothing deleted) while a legal hold covers any of its faces.</summary>
    public DeleteCollectionResponse DeleteCollection(AuditEntry audit, string collectionId)
    {
        var id = Validate.CollectionId(collectionId);
        var deletion = store.DeleteCollection(audit, id);
        if (!deletion.Existed)
            throw new SightlineException(ErrorKind.ResourceNotFound, $"The collection id: {collectionId} does not exist");
        if (deletion.HeldFaces > 0)
            throw new SightlineException(ErrorKind.Conflict, $"Collection {id} holds {deletion.HeldFaces} face(s) under a legal hold; lift the hold ('sightline holds lift CASE') before deleting it.");
        indexes.Drop(id);
        return new DeleteCollectionResponse(200);
    }
}

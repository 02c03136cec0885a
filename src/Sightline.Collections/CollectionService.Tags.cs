using Sightline.Rekognition;
using Sightline.Storage;

namespace Sightline.Collections;

public sealed partial class CollectionService
{
    public const int MaxTags = 50;

    public EmptyResponse TagResource(AuditEntry audit, string? resourceArn, IReadOnlyDictionary<string, string>? tags)
    {
        var c = RequireArn(resourceArn);
        if (tags is null || tags.Count is 0 or > MaxTags)
            throw SightlineException.InvalidParameter($"Tags must hold 1 to {MaxTags} entries.");
        foreach (var (key, value) in tags)
        {
            TagKey(key);
            if (value is null || value.Length > 256)
                throw SightlineException.InvalidParameter($"The value of tag '{key}' must be 0 to 256 characters.");
        }
        RequireTagRoom(c.Id, tags, []);
        store.UpdateTags(audit, c.Id, tags, []);
        return new EmptyResponse();
    }

    public EmptyResponse UntagResource(AuditEntry audit, string? resourceArn, IReadOnlyList<string>? tagKeys)
    {
        var c = RequireArn(resourceArn);
        if (tagKeys is null || tagKeys.Count is 0 or > MaxTags)
            throw SightlineException.InvalidParameter($"TagKeys must hold 1 to {MaxTags} keys.");
        foreach (var key in tagKeys)
            TagKey(key);
        store.UpdateTags(audit, c.Id, new Dictionary<string, string>(), tagKeys);
        return new EmptyResponse();
    }

    public ListTagsForResourceResponse ListTagsForResource(string? resourceArn) => new(store.GetTags(RequireArn(resourceArn).Id));

    /// <summary>A collection holds at most <see cref="MaxTags"/> tags: InvalidParameter when the change would leave more.</summary>
    private void RequireTagRoom(string collectionId, IReadOnlyDictionary<string, string> set, IReadOnlyCollection<string> remove)
    {
        var keys = store.GetTags(collectionId).Keys.ToHashSet(StringComparer.Ordinal);
        keys.UnionWith(set.Keys);
        keys.ExceptWith(remove);
        if (keys.Count > MaxTags)
            throw SightlineException.InvalidParameter($"A collection holds at most {MaxTags} tags; this would leave {keys.Count}.");
    }

    /// <summary>A collection's ARN as CreateCollection returns it, with or without the leading "arn:".</summary>
    private CollectionRecord RequireArn(string? resourceArn)
    {
        const string marker = ":collection/";
        int at = resourceArn?.IndexOf(marker, StringComparison.Ordinal) ?? -1;
        if (resourceArn is null || resourceArn.Length > 2048 || at < 0)
            throw SightlineException.InvalidParameter($"ResourceArn '{resourceArn}' is not a collection ARN (…:collection/ID).");
        var c = Require(resourceArn[(at + marker.Length)..]);
        string arn = resourceArn.StartsWith("arn:", StringComparison.Ordinal) ? resourceArn[4..] : resourceArn;
        if (arn != c.Arn)
            throw new SightlineException(ErrorKind.ResourceNotFound, $"No collection has the ARN {resourceArn}.");
        return c;
    }

    private static void TagKey(string? key)
    {
        if (key is null || key.Length is 0 or > 128 || key.StartsWith("aws:", StringComparison.OrdinalIgnoreCase))
            throw SightlineException.InvalidParameter($"Tag key '{key}' must be 1 to 128 characters and must not start with 'aws:'.");
    }
}

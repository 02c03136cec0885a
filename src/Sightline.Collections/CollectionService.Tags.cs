using Sightline.Rekognition;
using Sightline.Storage;

namespace Sightline.Collections;

public sealed partial class CollectionService
{
    public const int MaxTags = 50;

    public async Task<EmptyResponse> TagResourceAsync(AuditEntry audit, string? resourceArn, IReadOnlyDictionary<string, string>? tags, CancellationToken cancellationToken)
    {
        var c = await RequireArnAsync(resourceArn, cancellationToken).ConfigureAwait(false);
        if (tags is null || tags.Count is 0 or > MaxTags)
            throw SightlineException.InvalidParameter($"Tags must hold 1 to {MaxTags} entries.");
        foreach (var (key, value) in tags)
        {
            TagKey(key);
            if (value is null || value.Length > 256)
                throw SightlineException.InvalidParameter($"The value of tag '{key}' must be 0 to 256 characters.");
        }
        await RequireTagRoomAsync(c.Id, tags, [], cancellationToken).ConfigureAwait(false);
        await store.UpdateTagsAsync(audit, c.Id, tags, [], cancellationToken).ConfigureAwait(false);
        return new EmptyResponse();
    }

    public async Task<EmptyResponse> UntagResourceAsync(AuditEntry audit, string? resourceArn, IReadOnlyList<string>? tagKeys, CancellationToken cancellationToken)
    {
        var c = await RequireArnAsync(resourceArn, cancellationToken).ConfigureAwait(false);
        if (tagKeys is null || tagKeys.Count is 0 or > MaxTags)
            throw SightlineException.InvalidParameter($"TagKeys must hold 1 to {MaxTags} keys.");
        foreach (var key in tagKeys)
            TagKey(key);
        await store.UpdateTagsAsync(audit, c.Id, new Dictionary<string, string>(), tagKeys, cancellationToken).ConfigureAwait(false);
        return new EmptyResponse();
    }

    public async Task<ListTagsForResourceResponse> ListTagsForResourceAsync(string? resourceArn, CancellationToken cancellationToken) =>
        new(await store.GetTagsAsync((await RequireArnAsync(resourceArn, cancellationToken).ConfigureAwait(false)).Id, cancellationToken).ConfigureAwait(false));

    /// <summary>A collection holds at most <see cref="MaxTags"/> tags: InvalidParameter when the change would leave more.</summary>
    private async Task RequireTagRoomAsync(string collectionId, IReadOnlyDictionary<string, string> set, IReadOnlyCollection<string> remove, CancellationToken cancellationToken)
    {
        var keys = (await store.GetTagsAsync(collectionId, cancellationToken).ConfigureAwait(false)).Keys.ToHashSet(StringComparer.Ordinal);
        keys.UnionWith(set.Keys);
        keys.ExceptWith(remove);
        if (keys.Count > MaxTags)
            throw SightlineException.InvalidParameter($"A collection holds at most {MaxTags} tags; this would leave {keys.Count}.");
    }

    /// <summary>A collection's ARN as CreateCollection returns it, with or without the leading "arn:".</summary>
    private async Task<CollectionRecord> RequireArnAsync(string? resourceArn, CancellationToken cancellationToken)
    {
        const string marker = ":collection/";
        int at = resourceArn?.IndexOf(marker, StringComparison.Ordinal) ?? -1;
        if (resourceArn is null || resourceArn.Length > 2048 || at < 0)
            throw SightlineException.InvalidParameter($"ResourceArn '{resourceArn}' is not a collection ARN (…:collection/ID).");
        var c = await RequireAsync(resourceArn[(at + marker.Length)..], cancellationToken).ConfigureAwait(false);
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

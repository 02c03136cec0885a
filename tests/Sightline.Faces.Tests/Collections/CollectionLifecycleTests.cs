using Sightline.Collections;
using Sightline.Faces.Tests.Support;

namespace Sightline.Faces.Tests.Collections;

[Collection(EngineCollection.Name)]
public sealed class CollectionLifecycleTests(EngineFixture fixture) : CollectionTestBase(fixture)
{
    [Fact]
    public async Task Create_describe_list_delete_with_rekognition_errors()
    {
        var created = await Service.CreateCollectionAsync(Audit, "cases-2026", Ct);
        Assert.Equal(200, created.StatusCode);
        Assert.EndsWith("collection/cases-2026", created.CollectionArn, StringComparison.Ordinal);
        await FailsAsync(ErrorKind.ResourceAlreadyExists, async () => await Service.CreateCollectionAsync(Audit, "cases-2026", Ct));
        await FailsAsync(ErrorKind.InvalidParameter, async () => await Service.CreateCollectionAsync(Audit, "bad id/with slash", Ct));
        await FailsAsync(ErrorKind.InvalidParameter, async () => await Service.CreateCollectionAsync(Audit, new string('a', 256), Ct));

        var described = await Service.DescribeCollectionAsync("cases-2026", Ct);
        Assert.Equal(0, described.FaceCount);
        Assert.Equal("mobilefacenet-512", described.FaceModelVersion);
        Assert.InRange(described.CreationTimestamp, DateTimeOffset.UtcNow.AddMinutes(-5).ToUnixTimeSeconds(), DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 1);

        Assert.Equal(200, (await Service.DeleteCollectionAsync(Audit, "cases-2026", Ct)).StatusCode);
        await FailsAsync(ErrorKind.ResourceNotFound, async () => await Service.DeleteCollectionAsync(Audit, "cases-2026", Ct));
        await FailsAsync(ErrorKind.ResourceNotFound, async () => await Service.DescribeCollectionAsync("cases-2026", Ct));
    }

    [Fact]
    public async Task List_collections_pages_in_order()
    {
        foreach (var id in new[] { "c", "a", "e", "b", "d" })
            await Service.CreateCollectionAsync(Audit, id, Ct);
        var first = await Service.ListCollectionsAsync(null, 2, Ct);
        Assert.Equal(["a", "b"], first.CollectionIds);
        Assert.NotNull(first.NextToken);
        var second = await Service.ListCollectionsAsync(first.NextToken, 2, Ct);
        Assert.Equal(["c", "d"], second.CollectionIds);
        var third = await Service.ListCollectionsAsync(second.NextToken, 2, Ct);
        Assert.Equal(["e"], third.CollectionIds);
        Assert.Null(third.NextToken);
        await FailsAsync(ErrorKind.InvalidParameter, async () => await Service.ListCollectionsAsync("%%%", 2, Ct));
        await FailsAsync(ErrorKind.InvalidParameter, async () => await Service.ListCollectionsAsync(null, 5000, Ct));
    }

    [Fact]
    public async Task A_collection_holds_at_most_fifty_tags_counted_after_the_change()
    {
        string arn = (await Service.CreateCollectionAsync(Audit, "tagged", Ct)).CollectionArn;
        var fifty = Enumerable.Range(0, CollectionService.MaxTags).ToDictionary(i => $"k{i}", i => $"v{i}");
        await Service.TagResourceAsync(Audit, arn, fifty, Ct);
        var over = await FailsAsync(ErrorKind.InvalidParameter, async () => await Service.TagResourceAsync(Audit, arn, new Dictionary<string, string> { ["one-more"] = "x" }, Ct));
        Assert.Contains("this would leave 51", over.Message, StringComparison.Ordinal);
        await Service.TagResourceAsync(Audit, arn, new Dictionary<string, string> { ["k0"] = "replaced" }, Ct); // a replaced key takes no room
        await Service.UntagResourceAsync(Audit, arn, ["k1"], Ct);
        await Service.TagResourceAsync(Audit, arn, new Dictionary<string, string> { ["one-more"] = "x" }, Ct);
        var tags = (await Service.ListTagsForResourceAsync(arn, Ct)).Tags;
        Assert.Equal((CollectionService.MaxTags, "replaced", "x"), (tags.Count, tags["k0"], tags["one-more"]));
    }
}

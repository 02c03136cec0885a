using Sightline.Collections;
using Sightline.Faces.Tests.Support;

namespace Sightline.Faces.Tests.Collections;

[Collection(EngineCollection.Name)]
public sealed class CollectionLifecycleTests(EngineFixture fixture) : CollectionTestBase(fixture)
{
    [Fact]
    public void Create_describe_list_delete_with_rekognition_errors()
    {
        var created = Service.CreateCollection(Audit, "cases-2026");
        Assert.Equal(200, created.StatusCode);
        Assert.EndsWith("collection/cases-2026", created.CollectionArn, StringComparison.Ordinal);
        Fails(ErrorKind.ResourceAlreadyExists, () => Service.CreateCollection(Audit, "cases-2026"));
        Fails(ErrorKind.InvalidParameter, () => Service.CreateCollection(Audit, "bad id/with slash"));
        Fails(ErrorKind.InvalidParameter, () => Service.CreateCollection(Audit, new string('a', 256)));

        var described = Service.DescribeCollection("cases-2026");
        Assert.Equal(0, described.FaceCount);
        Assert.Equal("mobilefacenet-512", described.FaceModelVersion);
        Assert.InRange(described.CreationTimestamp, DateTimeOffset.UtcNow.AddMinutes(-5).ToUnixTimeSeconds(), DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 1);

        Assert.Equal(200, Service.DeleteCollection(Audit, "cases-2026").StatusCode);
        Fails(ErrorKind.ResourceNotFound, () => Service.DeleteCollection(Audit, "cases-2026"));
        Fails(ErrorKind.ResourceNotFound, () => Service.DescribeCollection("cases-2026"));
    }

    [Fact]
    public void List_collections_pages_in_order()
    {
        foreach (var id in new[] { "c", "a", "e", "b", "d" })
            Service.CreateCollection(Audit, id);
        var first = Service.ListCollections(null, 2);
        Assert.Equal(["a", "b"], first.CollectionIds);
        Assert.NotNull(first.NextToken);
        var second = Service.ListCollections(first.NextToken, 2);
        Assert.Equal(["c", "d"], second.CollectionIds);
        var third = Service.ListCollections(second.NextToken, 2);
        Assert.Equal(["e"], third.CollectionIds);
        Assert.Null(third.NextToken);
        Fails(ErrorKind.InvalidParameter, () => Service.ListCollections("%%%", 2));
        Fails(ErrorKind.InvalidParameter, () => Service.ListCollections(null, 5000));
    }

    [Fact]
    public void A_collection_holds_at_most_fifty_tags_counted_after_the_change()
    {
        string arn = Service.CreateCollection(Audit, "tagged").CollectionArn;
        var fifty = Enumerable.Range(0, CollectionService.MaxTags).ToDictionary(i => $"k{i}", i => $"v{i}");
        Service.TagResource(Audit, arn, fifty);
        var over = Fails(ErrorKind.InvalidParameter, () => Service.TagResource(Audit, arn, new Dictionary<string, string> { ["one-more"] = "x" }));
        Assert.Contains("this would leave 51", over.Message, StringComparison.Ordinal);
        Service.TagResource(Audit, arn, new Dictionary<string, string> { ["k0"] = "replaced" }); // a replaced key takes no room
        Service.UntagResource(Audit, arn, ["k1"]);
        Service.TagResource(Audit, arn, new Dictionary<string, string> { ["one-more"] = "x" });
        var tags = Service.ListTagsForResource(arn).Tags;
        Assert.Equal((CollectionService.MaxTags, "replaced", "x"), (tags.Count, tags["k0"], tags["one-more"]));
    }
}

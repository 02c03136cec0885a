using Sightline.Faces.Tests.Support;

namespace Sightline.Faces.Tests.Collections;

[Collection(EngineCollection.Name)]
public sealed class CollectionLifecycleTests(EngineFixture fixture) : CollectionTestBase(fixture)
{
    [Fact]
    public void Create_describe_list_delete_with_rekognition_errors()
    {
        var created = Service.CreateCollection("cases-2026");
        Assert.Equal(200, created.StatusCode);
        Assert.EndsWith("collection/cases-2026", created.CollectionArn, StringComparison.Ordinal);
        Fails(ErrorKind.ResourceAlreadyExists, () => Service.CreateCollection("cases-2026"));
        Fails(ErrorKind.InvalidParameter, () => Service.CreateCollection("bad id/with slash"));
        Fails(ErrorKind.InvalidParameter, () => Service.CreateCollection(new string('a', 256)));

        var described = Service.DescribeCollection("cases-2026");
        Assert.Equal(0, described.FaceCount);
        Assert.Equal("mobilefacenet-512", described.FaceModelVersion);
        Assert.InRange(described.CreationTimestamp, DateTimeOffset.UtcNow.AddMinutes(-5).ToUnixTimeSeconds(), DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 1);

        Assert.Equal(200, Service.DeleteCollection("cases-2026").StatusCode);
        Fails(ErrorKind.ResourceNotFound, () => Service.DeleteCollection("cases-2026"));
        Fails(ErrorKind.ResourceNotFound, () => Service.DescribeCollection("cases-2026"));
    }

    [Fact]
    public void List_collections_pages_in_order()
    {
        foreach (var id in new[] { "c", "a", "e", "b", "d" })
            Service.CreateCollection(id);
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
}

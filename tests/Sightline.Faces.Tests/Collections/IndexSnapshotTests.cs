using Sightline.Collections;
using Sightline.Faces.Tests.Support;

namespace Sightline.Faces.Tests.Collections;

[Collection(EngineCollection.Name)]
public sealed class IndexSnapshotTests(EngineFixture fixture) : CollectionTestBase(fixture)
{
    private const string Id = "snap";

    private static async Task<List<string>> IndexAsync(CollectionService service, EngineFixture fixture, string fixtureId)
    {
        using var image = fixture.Load(fixtureId);
        return [.. (await service.IndexFacesAsync(Audit, new IndexFacesRequest(Id, fixtureId), image, CancellationToken.None)).FaceRecords.Select(r => r.Face.FaceId)];
    }

    private async Task<HashSet<string>> FoundByAsync(CollectionService service, string fixtureId)
    {
        using var probe = Fixture.Load(fixtureId);
        return [.. (await service.SearchFacesByImageAsync(Id, probe, 4096, 0, CancellationToken.None)).Response.FaceMatches.Select(m => m.Face.FaceId)];
    }

    [Fact]
    public async Task Snapshots_load_fast_and_are_repaired_from_the_database_after_a_crash()
    {
        await Service.CreateCollectionAsync(Audit, Id, Ct);
        var first = await IndexAsync(Service, Fixture, "sample1");

        // Orderly run: build (writes a snapshot), add more (dirty), shut down (writes it again).
        var a = Reopen(out var indexesA);
        Assert.Equal(3, (await FoundByAsync(a, "sample1")).Count);
        var second = await IndexAsync(a, Fixture, "sample4");
        indexesA.Dispose();
        Assert.Single(Directory.GetFiles(Path.Combine(DataDirectory, "indexes"), "*.int8"));

        var b = Reopen(out var indexesB);
        Assert.Equal(7, (await FoundByAsync(b, "sample1")).Count);
        Assert.Equal("exact snapshot with 7 faces; replayed 0 changes", indexesB.LoadReports[Id]);

        // A process that dies without shutting down: its snapshot misses what it changed.
        var crashed = Reopen(out var indexesC);
        Assert.Equal(7, (await FoundByAsync(crashed, "sample1")).Count);
        var third = await IndexAsync(crashed, Fixture, "sample6");
        await crashed.DeleteFacesAsync(Audit, Id, [first[0]], Ct);

        var d = Reopen(out var indexesD);
        var found = await FoundByAsync(d, "sample1");
        Assert.Equal("exact snapshot with 7 faces; replayed 5 changes", indexesD.LoadReports[Id]);
        Assert.DoesNotContain(first[0], found);
        Assert.Superset(third.Concat(second).Concat(first.Skip(1)).ToHashSet(), found);
        Assert.Equal(10, found.Count);
        GC.KeepAlive(indexesC);
    }

    [Fact]
    public async Task A_torn_snapshot_is_ignored_and_rebuilt()
    {
        await Service.CreateCollectionAsync(Audit, Id, Ct);
        await IndexAsync(Service, Fixture, "sample5");
        var a = Reopen(out var indexesA);
        await FoundByAsync(a, "sample5");
        indexesA.Dispose();
        var file = Assert.Single(Directory.GetFiles(Path.Combine(DataDirectory, "indexes"), "*.int8"));
        var bytes = File.ReadAllBytes(file);
        File.WriteAllBytes(file, bytes[..(bytes.Length / 2)]);

        var b = Reopen(out var indexesB);
        Assert.Equal(5, (await FoundByAsync(b, "sample5")).Count);
        Assert.Equal("exact built from the database: 5 faces", indexesB.LoadReports[Id]);
    }

    [Fact]
    public async Task Collections_above_the_size_threshold_are_searched_with_hnsw_with_the_same_answers()
    {
        await Service.CreateCollectionAsync(Audit, Id, Ct);
        var faces = (await IndexAsync(Service, Fixture, "sample1")).Concat(await IndexAsync(Service, Fixture, "sample4")).Concat(await IndexAsync(Service, Fixture, "sample5")).ToList();
        var exact = await FoundByAsync(Reopen(), "sample4");
        var approximate = Reopen(out var indexes, approximateAbove: 5);
        var found = await FoundByAsync(approximate, "sample4");
        Assert.StartsWith("approximate (HNSW)", indexes.LoadReports[Id], StringComparison.Ordinal);
        Assert.True(exact.SetEquals(found));
        Assert.Equal(faces.Count, found.Count);
        await approximate.DeleteFacesAsync(Audit, Id, [faces[0]], Ct);
        Assert.DoesNotContain(faces[0], await FoundByAsync(approximate, "sample1"));
        indexes.Dispose();
        Assert.Single(Directory.GetFiles(Path.Combine(DataDirectory, "indexes"), "*.hnsw"));

        // The graph is loaded from its snapshot at the next start, not rebuilt, and agrees with the database.
        var again = Reopen(out var reloaded, approximateAbove: 5);
        var after = await FoundByAsync(again, "sample4");
        Assert.Equal($"approximate (HNSW) snapshot with {faces.Count - 1} faces; replayed 0 changes", reloaded.LoadReports[Id]);
        Assert.True(found.Except([faces[0]]).ToHashSet().SetEquals(after));
    }

    [Fact]
    public async Task Writes_of_another_process_reach_a_loaded_index_within_the_follow_interval()
    {
        await Service.CreateCollectionAsync(Audit, Id, Ct);
        var first = await IndexAsync(Service, Fixture, "sample1");
        var server = Reopen(out var serverIndexes);
        Assert.Equal(first.ToHashSet(), await FoundByAsync(server, "sample1")); // loaded

        // Another process (its own store and indexes on the same database) adds and deletes.
        var cli = Reopen();
        var added = await IndexAsync(cli, Fixture, "sample4");
        await cli.DeleteFacesAsync(Audit, Id, [first[0]], Ct);
        Thread.Sleep(CollectionIndexes.FollowInterval + TimeSpan.FromMilliseconds(50));
        var found = await FoundByAsync(server, "sample4");
        Assert.Superset(added.ToHashSet(), found);
        Assert.DoesNotContain(first[0], found);
        Assert.Equal(first.Count - 1 + added.Count, found.Count);

        // Shut down in order: the snapshot records the change it reflects, so the next start replays only what it missed.
        serverIndexes.Dispose();
        var later = await IndexAsync(cli, Fixture, "sample6");
        var restarted = Reopen(out var restartedIndexes);
        var afterRestart = await FoundByAsync(restarted, "sample6");
        Assert.Equal($"exact snapshot with {found.Count} faces; replayed {later.Count} changes", restartedIndexes.LoadReports[Id]);
        Assert.Superset(later.ToHashSet(), afterRestart);
        Assert.Equal(found.Count + later.Count, afterRestart.Count);
    }

    [Theory]
    [InlineData(10, 512)]
    [InlineData(1_000_000, 512)]
    [InlineData(1_500_000, 834)]
    [InlineData(10_000_000, 8_192)]
    [InlineData(50_000_000, 10_000)]
    public void The_graph_searches_wider_as_the_collection_grows(int faces, int ef) =>
        Assert.Equal(ef, CollectionIndexes.EfSearchFor(faces));
}

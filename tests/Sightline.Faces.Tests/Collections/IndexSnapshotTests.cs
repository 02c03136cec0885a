using Sightline.Collections;
using Sightline.Faces.Tests.Support;

namespace Sightline.Faces.Tests.Collections;

[Collection(EngineCollection.Name)]
public sealed class IndexSnapshotTests(EngineFixture fixture) : CollectionTestBase(fixture)
{
    private const string Id = "snap";

    private static List<string> Index(CollectionService service, EngineFixture fixture, string fixtureId)
    {
        using var image = fixture.Load(fixtureId);
        return [.. service.IndexFaces(Audit, new IndexFacesRequest(Id, fixtureId), image, CancellationToken.None).FaceRecords.Select(r => r.Face.FaceId)];
    }

    private HashSet<string> FoundBy(CollectionService service, string fixtureId)
    {
        using var probe = Fixture.Load(fixtureId);
        return [.. service.SearchFacesByImage(Id, probe, 4096, 0, CancellationToken.None).Response.FaceMatches.Select(m => m.Face.FaceId)];
    }

    [Fact]
    public void Snapshots_load_fast_and_are_repaired_from_the_database_after_a_crash()
    {
        Service.CreateCollection(Audit, Id);
        var first = Index(Service, Fixture, "sample1");

        // Orderly run: build (writes a snapshot), add more (dirty), shut down (writes it again).
        var a = Reopen(out var indexesA);
        Assert.Equal(3, FoundBy(a, "sample1").Count);
        var second = Index(a, Fixture, "sample4");
        indexesA.Dispose();
        Assert.Single(Directory.GetFiles(Path.Combine(DataDirectory, "indexes"), "*.int8"));

        var b = Reopen(out var indexesB);
        Assert.Equal(7, FoundBy(b, "sample1").Count);
        Assert.Equal("exact snapshot with 7 faces; replayed 0 changes", indexesB.LoadReports[Id]);

        // A process that dies without shutting down: its snapshot misses what it changed.
        var crashed = Reopen(out var indexesC);
        Assert.Equal(7, FoundBy(crashed, "sample1").Count);
        var third = Index(crashed, Fixture, "sample6");
        crashed.DeleteFaces(Audit, Id, [first[0]]);

        var d = Reopen(out var indexesD);
        var found = FoundBy(d, "sample1");
        Assert.Equal("exact snapshot with 7 faces; replayed 5 changes", indexesD.LoadReports[Id]);
        Assert.DoesNotContain(first[0], found);
        Assert.Superset(third.Concat(second).Concat(first.Skip(1)).ToHashSet(), found);
        Assert.Equal(10, found.Count);
        GC.KeepAlive(indexesC);
    }

    [Fact]
    public void A_torn_snapshot_is_ignored_and_rebuilt()
    {
        Service.CreateCollection(Audit, Id);
        Index(Service, Fixture, "sample5");
        var a = Reopen(out var indexesA);
        FoundBy(a, "sample5");
        indexesA.Dispose();
        var file = Assert.Single(Directory.GetFiles(Path.Combine(DataDirectory, "indexes"), "*.int8"));
        var bytes = File.ReadAllBytes(file);
        File.WriteAllBytes(file, bytes[..(bytes.Length / 2)]);

        var b = Reopen(out var indexesB);
        Assert.Equal(5, FoundBy(b, "sample5").Count);
        Assert.Equal("exact built from the database: 5 faces", indexesB.LoadReports[Id]);
    }

    [Fact]
    public void Collections_above_the_size_threshold_are_searched_with_hnsw_with_the_same_answers()
    {
        Service.CreateCollection(Audit, Id);
        var faces = Index(Service, Fixture, "sample1").Concat(Index(Service, Fixture, "sample4")).Concat(Index(Service, Fixture, "sample5")).ToList();
        var exact = FoundBy(Reopen(), "sample4");
        var approximate = Reopen(out var indexes, approximateAbove: 5);
        var found = FoundBy(approximate, "sample4");
        Assert.StartsWith("approximate (HNSW)", indexes.LoadReports[Id], StringComparison.Ordinal);
        Assert.True(exact.SetEquals(found));
        Assert.Equal(faces.Count, found.Count);
        approximate.DeleteFaces(Audit, Id, [faces[0]]);
        Assert.DoesNotContain(faces[0], FoundBy(approximate, "sample1"));
        indexes.Dispose();
        Assert.Single(Directory.GetFiles(Path.Combine(DataDirectory, "indexes"), "*.hnsw"));

        // The graph is loaded from its snapshot at the next start, not rebuilt, and agrees with the database.
        var again = Reopen(out var reloaded, approximateAbove: 5);
        var after = FoundBy(again, "sample4");
        Assert.Equal($"approximate (HNSW) snapshot with {faces.Count - 1} faces; replayed 0 changes", reloaded.LoadReports[Id]);
        Assert.True(found.Except([faces[0]]).ToHashSet().SetEquals(after));
    }

    [Fact]
    public void Writes_of_another_process_reach_a_loaded_index_within_the_follow_interval()
    {
        Service.CreateCollection(Audit, Id);
        var first = Index(Service, Fixture, "sample1");
        var server = Reopen(out var serverIndexes);
        Assert.Equal(first.ToHashSet(), FoundBy(server, "sample1")); // loaded

        // Another process (its own store and indexes on the same database) adds and deletes.
        var cli = Reopen();
        var added = Index(cli, Fixture, "sample4");
        cli.DeleteFaces(Audit, Id, [first[0]]);
        Thread.Sleep(CollectionIndexes.FollowInterval + TimeSpan.FromMilliseconds(50));
        var found = FoundBy(server, "sample4");
        Assert.Superset(added.ToHashSet(), found);
        Assert.DoesNotContain(first[0], found);
        Assert.Equal(first.Count - 1 + added.Count, found.Count);

        // Shut down in order: the snapshot records the change it reflects, so the next start replays only what it missed.
        serverIndexes.Dispose();
        var later = Index(cli, Fixture, "sample6");
        var restarted = Reopen(out var restartedIndexes);
        var afterRestart = FoundBy(restarted, "sample6");
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

using Sightline.Collections;
using Sightline.Faces.Tests.Support;
using Sightline.Storage;
using Sightline.Tests;

namespace Sightline.Faces.Tests.Collections;

/// <summary>A fresh data directory with the store the composition root chooses (SQLite by default) and the shared real engine.</summary>
public abstract class CollectionTestBase : IDisposable
{
    protected CollectionTestBase(EngineFixture fixture)
    {
        Fixture = fixture;
        DataDirectory = Path.Combine(Path.GetTempPath(), "sightline-test-" + Guid.NewGuid().ToString("N"));
        Service = Open(out _indexes);
    }

    private readonly CollectionIndexes _indexes;
    private readonly List<TestCore> _cores = [];

    protected EngineFixture Fixture { get; }

    /// <summary>The token the tests pass where no cancellation is under test.</summary>
    protected static CancellationToken Ct => CancellationToken.None;

    /// <summary>The entry the tests' changes are recorded under.</summary>
    protected static AuditEntry Audit { get; } = new("tester", "admin", "test");

    /// <summary>The core the test's first service was built on (its stores and identification pipeline).</summary>
    protected TestCore Core => _cores[0];

    protected string DataDirectory { get; }

    protected CollectionService Service { get; }

    /// <summary>A second service over the same directory, as after a restart.</summary>
    protected CollectionService Reopen() => Open(out _);

    /// <summary>A second service and its indexes, to inspect how they loaded or to shut them down in order.</summary>
    protected CollectionService Reopen(out CollectionIndexes indexes, int approximateAbove = CollectionIndexes.DefaultApproximateAbove) => Open(out indexes, approximateAbove);

    private CollectionService Open(out CollectionIndexes indexes, int approximateAbove = CollectionIndexes.DefaultApproximateAbove)
    {
        var core = new TestCore(DataDirectory);
        _cores.Add(core);
        var store = core.Get<ICollectionStore>();
        indexes = new CollectionIndexes(store, Fixture.Engine.Embedder.Dimension, Path.Combine(DataDirectory, "indexes"), approximateAbove);
        return new CollectionService(Fixture.Engine, store, core.Get<IRetentionStore>(), indexes);
    }

    protected static SightlineException Fails(ErrorKind kind, Action action)
    {
        var ex = Assert.Throws<SightlineException>(action);
        Assert.Equal(kind, ex.Kind);
        return ex;
    }

    protected static async Task<SightlineException> FailsAsync(ErrorKind kind, Func<Task> action)
    {
        var ex = await Assert.ThrowsAsync<SightlineException>(action);
        Assert.Equal(kind, ex.Kind);
        return ex;
    }

    public void Dispose()
    {
        _indexes.Dispose();
        foreach (var core in _cores)
            core.Dispose();
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
        GC.SuppressFinalize(this);
    }
}

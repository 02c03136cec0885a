using Microsoft.Extensions.DependencyInjection;

namespace Sightline.Storage.Tests;

/// <summary>Every storage contract of one provider's store, as the container hands them out (one instance for all).</summary>
public sealed class Stores(ServiceProvider services) : IDisposable
{
    public ICollectionStore Collections => services.GetRequiredService<ICollectionStore>();
    public IAccessKeyStore Keys => services.GetRequiredService<IAccessKeyStore>();
    public IJobStore Jobs => services.GetRequiredService<IJobStore>();
    public IAuditStore Audit => services.GetRequiredService<IAuditStore>();
    public IPolicyStore Policy => services.GetRequiredService<IPolicyStore>();
    public ILeadStore Leads => services.GetRequiredService<ILeadStore>();
    public IRetentionStore Retention => services.GetRequiredService<IRetentionStore>();
    public IDetectorStore Detectors => services.GetRequiredService<IDetectorStore>();
    public IAlertStore Alerts => services.GetRequiredService<IAlertStore>();
    public IHotlistStore Hotlists => services.GetRequiredService<IHotlistStore>();
    public ICameraStore Cameras => services.GetRequiredService<ICameraStore>();
    public IEventStore Events => services.GetRequiredService<IEventStore>();
    public IAuthorizationStore Authorizations => services.GetRequiredService<IAuthorizationStore>();
    public IWebSessionStore Sessions => services.GetRequiredService<IWebSessionStore>();
    public IScratchStoreFactory Scratch => services.GetRequiredService<IScratchStoreFactory>();
    public IFileStore Files => services.GetRequiredService<IFileStore>();

    public void Dispose() => services.Dispose();
}

/// <summary>
/// The behaviour every storage provider owes the rest of Sightline, written once and run against each provider by a
/// subclass that says only how to make an empty database, register the provider on it, and reach it behind the store's
/// back. Each test gets its own empty database.
/// </summary>
public abstract partial class StoreContractTests : IDisposable
{
    protected static readonly DateTimeOffset T0 = DateTimeOffset.FromUnixTimeMilliseconds(1_780_000_000_123);

    private readonly string _secrets = Directory.CreateTempSubdirectory("sightline-contract-").FullName;
    private readonly string _files = Directory.CreateTempSubdirectory("sightline-contract-files-").FullName;
    private readonly List<Stores> _opened = [];
    private string? _database;
    private Stores? _store;

    /// <summary>A new, empty database for one test; the value names it to <see cref="AddStorage"/> and the raw-SQL hooks.</summary>
    protected abstract string NewDatabase();

    /// <summary>Registers the provider on <paramref name="database"/> (its <c>Add…Storage</c> entry point).</summary>
    protected abstract void AddStorage(IServiceCollection services, string database);

    /// <summary>Registers the provider's file store, its files (or this server's copies of them) under <paramref name="directory"/>.</summary>
    protected abstract void AddFileStore(IServiceCollection services, string directory);

    /// <summary>Runs SQL on the database with the audit log's append-only guard lifted, as its superuser or file owner could.</summary>
    protected abstract void Tamper(string database, string sql);

    /// <summary>Runs SQL on the database with the store's own credentials, guards in place.</summary>
    protected abstract void ExecuteAsStore(string database, string sql);

    /// <summary>A count query's answer, read as the store's own user.</summary>
    protected abstract long CountAsStore(string database, string sql);

    protected string Database => _database ??= NewDatabase();

    /// <summary>The test's store.</summary>
    protected Stores S => _store ??= Open();

    /// <summary>
    /// Another, independent store instance (its own container and connection pool) on the same database; its files
    /// under <paramref name="files"/> (a directory of the test's own when null), as another server's data directory.
    /// </summary>
    protected Stores Open(string? files = null)
    {
        var services = new ServiceCollection();
        services.AddSingleton(new StoreSecrets(_secrets));
        AddStorage(services, Database);
        AddFileStore(services, files ?? _files);
        var stores = new Stores(services.BuildServiceProvider());
        lock (_opened)
            _opened.Add(stores);
        return stores;
    }

    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
        foreach (var stores in _opened)
            stores.Dispose();
        Directory.Delete(_secrets, recursive: true);
        Directory.Delete(_files, recursive: true);
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

    protected static AuditEntry Entry(string operation, string actor = "tester") => new(actor, "admin", operation) { Case = "2026-001", Purpose = "investigation" };

    /// <summary>The entry a test's setup writes are recorded under.</summary>
    protected static readonly AuditEntry Tester = new("tester", "admin", "setup");

    protected Task<IReadOnlyList<AuditRecord>> AuditLogAsync() => S.Audit.ReadAuditAsync(0, 1_000_000, Ct);

    /// <summary>The token the tests pass where no cancellation is under test.</summary>
    protected static CancellationToken Ct => CancellationToken.None;

    /// <summary>An embedding whose bits must survive storage as they are: signed zeros, subnormals, extremes, a NaN payload.</summary>
    protected static float[] Embedding(int seed) =>
    [
        seed / 7f, -0f, 0f, float.Epsilon, -float.Epsilon, 1.17549435e-38f, float.MaxValue, float.MinValue,
        BitConverter.Int32BitsToSingle(0x7FC0_1234), 1f / 3f, -seed * 0.001f, 0.5f,
    ];

    protected static NewFace Face(string faceId, int seed = 1, string image = "img-1", string? external = "ext") =>
        new(faceId, image, external, 0.1f * seed % 1, 0.2f, 0.3f, 1f / 3f, 99.87654f, Embedding(seed));

    protected static void SameBits(float[] expected, float[]? actual)
    {
        Assert.NotNull(actual);
        Assert.Equal(expected.Select(BitConverter.SingleToInt32Bits), actual.Select(BitConverter.SingleToInt32Bits));
    }

    /// <summary>Runs <paramref name="work"/> on several thread-pool threads released together; returns what each returned or threw.</summary>
    protected static async Task<List<object?>> TogetherAsync(int threads, Func<int, Task<object?>> work)
    {
        var go = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var running = Enumerable.Range(0, threads).Select(t => Task.Run(async () =>
        {
            await go.Task;
            try
            {
                return await work(t);
            }
            catch (Exception ex)
            {
                return (object?)ex;
            }
        })).ToList();
        go.SetResult();
        return [.. await Task.WhenAll(running)];
    }
}

namespace Sightline.Storage.Sqlite;

/// <summary>Throw-away stores in a temporary directory (evaluation runs): removed, pool and file, when disposed.</summary>
internal sealed class SqliteScratchStores(StoreSecrets secrets) : IScratchStoreFactory
{
    public Task<IScratchStore> CreateAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        string dir = Path.Combine(Path.GetTempPath(), "sightline-scratch-" + Guid.NewGuid().ToString("N"));
        return Task.FromResult<IScratchStore>(new Scratch(dir, new SqliteCollectionStore(Path.Combine(dir, SqliteCollectionStore.FileName), secrets)));
    }

    private sealed class Scratch(string directory, SqliteCollectionStore store) : IScratchStore
    {
        public ICollectionStore Collections => store;

        public IRetentionStore Retention => store;

        public ValueTask DisposeAsync()
        {
            store.Dispose();
            try { Directory.Delete(directory, recursive: true); } catch (IOException) { }
            return ValueTask.CompletedTask;
        }
    }
}

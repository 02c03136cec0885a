using Microsoft.Extensions.DependencyInjection;

namespace Sightline.Storage.Sqlite;

/// <summary>Registers the embedded SQLite provider: one store for every storage contract, disposed with the container.</summary>
public static class SqliteStorage
{
    /// <summary>A <c>--database</c> value names this provider when it is a file path, <c>sqlite:PATH</c> or <c>Data Source=PATH</c>.</summary>
    public static bool Accepts(string database) =>
        database.StartsWith("sqlite:", StringComparison.OrdinalIgnoreCase)
        || database.StartsWith("Data Source=", StringComparison.OrdinalIgnoreCase)
        || !database.Contains('=') && !database.Contains("://", StringComparison.Ordinal);

    /// <summary>The database file a <c>--database</c> value (or the default under the data directory) names.</summary>
    public static string PathOf(string? database, string dataDirectory)
    {
        if (string.IsNullOrEmpty(database))
            return Path.Combine(dataDirectory, SqliteCollectionStore.FileName);
        string path = database.StartsWith("sqlite:", StringComparison.OrdinalIgnoreCase) ? database["sqlite:".Length..]
            : database.StartsWith("Data Source=", StringComparison.OrdinalIgnoreCase) ? database["Data Source=".Length..].Split(';')[0]
            : database;
        if (path.Length == 0)
            throw SightlineException.InvalidParameter("--database names no SQLite file; give a path, sqlite:PATH or Data Source=PATH.");
        return Path.GetFullPath(path);
    }

    public static IServiceCollection AddSqliteStorage(this IServiceCollection services, string databasePath)
    {
        services.AddSingleton(sp => new SqliteCollectionStore(databasePath, sp.GetRequiredService<StoreSecrets>()));
        services.AddSingleton<IScratchStoreFactory>(sp => new SqliteScratchStores(sp.GetRequiredService<StoreSecrets>()));
        return services.AddStoreContracts<SqliteCollectionStore>();
    }
}

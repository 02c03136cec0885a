using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Sightline.Storage.Postgres;

/// <summary>Registers the PostgreSQL provider: one store for every storage contract, disposed with the container.</summary>
public static class PostgresStorage
{
    /// <summary>A <c>--database</c> value names this provider when it is a <c>postgresql://</c> or <c>postgres://</c> URI or has a <c>Host=</c> keyword.</summary>
    public static bool Accepts(string database) => PostgresConnection.IsPostgres(database);

    /// <summary>Null when <paramref name="database"/> is a connection string this provider can use; otherwise what is wrong with it.</summary>
    public static string? Describe(string database)
    {
        try
        {
            PostgresConnection.Normalise(database);
            return null;
        }
        catch (SightlineException ex)
        {
            return ex.Message;
        }
    }

    /// <summary>
    /// <paramref name="connectionString"/> is Npgsql's keyword form (<c>Host=…;Port=…;Database=…;Username=…;Password=…</c>) or a
    /// <c>postgresql://</c> URI. The schema is created or migrated when the store is first resolved. Scratch stores are
    /// temporary schemas in the same database, dropped when disposed.
    /// </summary>
    public static IServiceCollection AddPostgresStorage(this IServiceCollection services, string connectionString)
    {
        string normalised = PostgresConnection.Normalise(connectionString);
        services.AddSingleton(_ => NpgsqlDataSource.Create(normalised));
        services.AddSingleton(sp => new PostgresStore(sp.GetRequiredService<NpgsqlDataSource>(), sp.GetRequiredService<StoreSecrets>(), ownsDataSource: false));
        services.AddSingleton<IScratchStoreFactory>(sp => new PostgresScratchStores(normalised, sp.GetRequiredService<StoreSecrets>()));
        return services.AddStoreContracts<PostgresStore>();
    }

    /// <summary>
    /// Files in the database, so every server sharing it reads them; this server's copies of what it reads are kept under
    /// <paramref name="cacheDirectory"/>. Call after <see cref="AddPostgresStorage"/> (the schema is migrated by its store).
    /// </summary>
    public static IServiceCollection AddPostgresFileStore(this IServiceCollection services, string cacheDirectory) =>
        services.AddSingleton<IFileStore>(sp =>
        {
            _ = sp.GetRequiredService<PostgresStore>();
            return new PostgresFileStore(sp.GetRequiredService<NpgsqlDataSource>(), cacheDirectory);
        });
}

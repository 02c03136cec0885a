using Microsoft.Extensions.DependencyInjection;

namespace Sightline.Storage;

/// <summary>
/// A temporary collection store for work that must not touch the agency's data (evaluation runs); disposing it
/// removes it and everything in it.
/// </summary>
public interface IScratchStore : IAsyncDisposable
{
    ICollectionStore Collections { get; }

    /// <summary>The scratch store's legal holds (the same store as <see cref="Collections"/>).</summary>
    IRetentionStore Retention { get; }
}

/// <summary>Makes scratch stores with the configured provider.</summary>
public interface IScratchStoreFactory
{
    Task<IScratchStore> CreateAsync(CancellationToken cancellationToken);
}

public static class StorageRegistration
{
    /// <summary>Files as plain files under <paramref name="dataDirectory"/> (the embedded database's choice: one server reads them).</summary>
    public static IServiceCollection AddLocalFileStore(this IServiceCollection services, string dataDirectory) =>
        services.AddSingleton<IFileStore>(new LocalFileStore(dataDirectory));

    /// <summary>Exposes one provider's store under every storage contract it implements (one instance for all).</summary>
    public static IServiceCollection AddStoreContracts<TStore>(this IServiceCollection services)
        where TStore : class, ICollectionStore, IAccessKeyStore, IJobStore, IAuditStore, IPolicyStore, ILeadStore, IRetentionStore, IDetectorStore, IAlertStore, IHotlistStore, ICameraStore, IEventStore, IAuthorizationStore, IStreamProcessorStore, IWebSessionStore
    {
        services.AddSingleton<ICollectionStore>(sp => sp.GetRequiredService<TStore>());
        services.AddSingleton<IAccessKeyStore>(sp => sp.GetRequiredService<TStore>());
        services.AddSingleton<IJobStore>(sp => sp.GetRequiredService<TStore>());
        services.AddSingleton<IAuditStore>(sp => sp.GetRequiredService<TStore>());
        services.AddSingleton<IPolicyStore>(sp => sp.GetRequiredService<TStore>());
        services.AddSingleton<ILeadStore>(sp => sp.GetRequiredService<TStore>());
        services.AddSingleton<IRetentionStore>(sp => sp.GetRequiredService<TStore>());
        services.AddSingleton<IDetectorStore>(sp => sp.GetRequiredService<TStore>());
        services.AddSingleton<IAlertStore>(sp => sp.GetRequiredService<TStore>());
        services.AddSingleton<IHotlistStore>(sp => sp.GetRequiredService<TStore>());
        services.AddSingleton<ICameraStore>(sp => sp.GetRequiredService<TStore>());
        services.AddSingleton<IEventStore>(sp => sp.GetRequiredService<TStore>());
        services.AddSingleton<IAuthorizationStore>(sp => sp.GetRequiredService<TStore>());
        services.AddSingleton<IStreamProcessorStore>(sp => sp.GetRequiredService<TStore>());
        services.AddSingleton<IWebSessionStore>(sp => sp.GetRequiredService<TStore>());
        return services;
    }
}

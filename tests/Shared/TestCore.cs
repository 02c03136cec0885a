using Microsoft.Extensions.DependencyInjection;
using Sightline.Hosting;

namespace Sightline.Tests;

/// <summary>
/// The core as the server and the CLI build it (<see cref="SightlineServices.AddSightline"/>), on a test's own data
/// directory (on the provider <see cref="TestDatabase"/> names) and the pinned model pack. Disposing it closes the stores and unloads the engines it loaded.
/// </summary>
public sealed class TestCore : IDisposable
{
    private readonly ServiceProvider _services;

    public TestCore(string dataDirectory, Func<SightlineOptions, SightlineOptions>? configure = null)
    {
        var options = new SightlineOptions { DataDirectory = Path.GetFullPath(dataDirectory), Database = TestDatabase.For(dataDirectory) }
            .WithModels(Models.ModelPaths.DefaultModelsDirectory);
        Options = configure is null ? options : configure(options);
        _services = new ServiceCollection().AddSightline(Options).BuildValidated();
    }

    public SightlineOptions Options { get; }

    public T Get<T>()
        where T : notnull => _services.GetRequiredService<T>();

    public void Dispose() => _services.Dispose();
}

using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Sightline.Faces;
using Sightline.Collections;
using Sightline.Imaging;
using Sightline.Storage;
using Sightline.Storage.Sqlite;

namespace Sightline.Server;

/// <summary>Builds the HTTP host: the Rekognition JSON 1.1 endpoint and health probes. The CLI's 'serve' is a thin shell over this.</summary>
public static class SightlineServer
{
    /// <summary>Base64 of a 5 MiB image plus JSON framing.</summary>
    public const long MaxRequestBytes = 8 * 1024 * 1024;

    public static WebApplication Build(string urls, FaceEngineOptions options, string dataDirectory)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls(urls);
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = MaxRequestBytes);
        builder.Services.AddSingleton(_ => new FaceEngine(options));
        builder.Services.AddSingleton(sp => new FaceComparer(sp.GetRequiredService<FaceEngine>()));
        builder.Services.AddSingleton(new ImageDecoder());
        builder.Services.AddSingleton<ICollectionStore>(_ => new SqliteCollectionStore(dataDirectory));
        builder.Services.AddSingleton(sp => new CollectionIndexes(sp.GetRequiredService<ICollectionStore>(), sp.GetRequiredService<FaceEngine>().Embedder.Dimension, Path.Combine(dataDirectory, "indexes")));
        builder.Services.AddSingleton<CollectionService>();
        builder.Services.AddSingleton<RekognitionEndpoint>();
        var app = builder.Build();
        app.MapGet("/healthz", () => Results.Text("ok"));
        app.MapGet("/readyz", (FaceEngine engine) => Results.Text(engine.Detector.ModelId is { Length: > 0 } ? "ready" : "loading"));
        app.MapPost("/", (HttpContext context, RekognitionEndpoint endpoint) => endpoint.HandleAsync(context));
        // Load every model before the first request so /readyz and latency are honest.
        app.Services.GetRequiredService<FaceEngine>().Warm(new FaceRequest { AllAttributes = true, Embeddings = true });
        return app;
    }
}

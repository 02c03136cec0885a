using OpenCvSharp;
using Sightline.Imaging;
using Sightline.Storage.Sqlite;

namespace Sightline.Detectors.Tests;

/// <summary>A fresh data directory with the SQLite store and a detector registry on it.</summary>
public sealed class RegistryFixture : IDisposable
{
    public RegistryFixture(Alerts.IAlertEvaluator? alerts = null)
    {
        Data = Directory.CreateTempSubdirectory("sightline-detectors-").FullName;
        Store = new SqliteCollectionStore(Data);
        Registry = new DetectorRegistry(Data, Store, alerts);
    }

    public string Data { get; }

    public SqliteCollectionStore Store { get; }

    public DetectorRegistry Registry { get; }

    public Storage.DetectorRecord Register(string id, byte[] model, string labels, string? layout = null, int? inputSize = null)
    {
        using var stream = new MemoryStream(model);
        return Registry.Register(id, stream, labels, layout, inputSize, "test");
    }

    /// <summary>A black BGR image of the given size (the tiny models ignore the pixels).</summary>
    public static DecodedImage Image(int width, int height) => DecodedImage.FromBgr(new Mat(height, width, MatType.CV_8UC3, Scalar.All(0)));

    public void Dispose()
    {
        Registry.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(Data, recursive: true);
    }
}

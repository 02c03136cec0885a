using OpenCvSharp;
using Sightline.Imaging;
using Sightline.Storage;
using Sightline.Tests;

namespace Sightline.Detectors.Tests;

/// <summary>A fresh data directory with the default store (from the composition root) and a detector registry on it.</summary>
public sealed class RegistryFixture : IDisposable
{
    public RegistryFixture(Sightline.Alerts.IAlertEvaluator? alerts = null)
    {
        Data = Directory.CreateTempSubdirectory("sightline-detectors-").FullName;
        _core = new TestCore(Data);
        Store = _core.Get<IDetectorStore>();
        Registry = new DetectorRegistry(_core.Get<IFileStore>(), Store, alerts);
    }

    public string Data { get; }

    private readonly TestCore _core;

    public IDetectorStore Store { get; }

    public IAlertStore Alerts => _core.Get<IAlertStore>();

    public IAuditStore Audit => _core.Get<IAuditStore>();

    public TestCore Core => _core;

    public DetectorRegistry Registry { get; }

    /// <summary>The entry the tests' changes are recorded under unless a test names its own.</summary>
    public static Storage.AuditEntry TestEntry { get; } = new("test", "admin", "test");

    /// <summary>The token the tests pass where no cancellation is under test.</summary>
    public static CancellationToken Ct => CancellationToken.None;

    public async Task<Storage.DetectorRecord> RegisterAsync(string id, byte[] model, string labels, string? layout = null, int? inputSize = null, Storage.AuditEntry? audit = null)
    {
        using var stream = new MemoryStream(model);
        return await Registry.RegisterAsync(audit ?? TestEntry, id, stream, labels, layout, inputSize, "test", Ct);
    }

    /// <summary>A black BGR image of the given size (the tiny models ignore the pixels).</summary>
    public static DecodedImage Image(int width, int height) => DecodedImage.FromBgr(new Mat(height, width, MatType.CV_8UC3, Scalar.All(0)));

    public void Dispose()
    {
        Registry.Dispose();
        _core.Dispose();
        Directory.Delete(Data, recursive: true);
    }
}

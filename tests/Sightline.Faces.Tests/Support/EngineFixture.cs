using Sightline.Imaging;

namespace Sightline.Faces.Tests.Support;

/// <summary>One engine (real models) shared by every integration test; sessions load once.</summary>
public sealed class EngineFixture : IDisposable
{
    public EngineFixture()
    {
        _ = TestModels.Directory;
        Engine = new FaceEngine(new FaceEngineOptions());
        Comparer = new FaceComparer(Engine);
    }

    public FaceEngine Engine { get; }

    public FaceComparer Comparer { get; }

    public ImageDecoder Decoder { get; } = new();

    public DecodedImage Load(string fixtureId) => Decoder.DecodeFile(TestModels.Fixture(fixtureId));

    public IReadOnlyList<AnalyzedFace> Analyze(DecodedImage image, FaceRequest? request = null) =>
        Engine.Analyze(image, request ?? FaceRequest.Default, CancellationToken.None);

    public void Dispose() => Engine.Dispose();
}

[CollectionDefinition(Name)]
public sealed class EngineCollection : ICollectionFixture<EngineFixture>
{
    public const string Name = "engine";
}

using Sightline.Inference;
using Sightline.Inference.Analysis;
using Sightline.Inference.Detection;
using Sightline.Models;

namespace Sightline.Faces;

/// <summary>Picks the adapter for a model file by its family. Adding a family means adding one sealed adapter here.</summary>
public static class ModelFactory
{
    public static IFaceDetector CreateDetector(ModelCatalog catalog, string id, DetectorOptions detection, InferenceOptions inference)
    {
        var file = catalog.Resolve(id, "face-detector");
        return file.Family switch
        {
            "ultraface" => new TiledFaceDetector(new UltraFaceDetector(file, inference), detection, UltraFaceDetector.DefaultThreshold),
            "blazeface" => new TiledFaceDetector(new BlazeFaceDetector(file, inference), detection, BlazeFaceDetector.DefaultThreshold),
            _ => throw UnknownFamily(file, "ultraface, blazeface"),
        };
    }

    public static ArcFaceEmbedder CreateEmbedder(ModelCatalog catalog, string id, InferenceOptions inference)
    {
        var file = catalog.Resolve(id, "face-embedder");
        return file.Family == "arcface" ? new ArcFaceEmbedder(file, inference) : throw UnknownFamily(file, "arcface");
    }

    public static T Create<T>(ModelCatalog catalog, string id, string role, string family, Func<ModelFile, T> create)
    {
        var file = catalog.Resolve(id, role);
        return file.Family == family ? create(file) : throw UnknownFamily(file, family);
    }

    private static SightlineException UnknownFamily(ModelFile file, string known) =>
        SightlineException.InvalidParameter($"Model '{file.Id}' has family '{file.Family}', which no adapter runs for its role. Known: {known}.");
}

using Sightline.Inference;
using Sightline.Faces.Analysis;
using Sightline.Faces.Detection;
using Sightline.Models;

namespace Sightline.Faces;

/// <summary>Picks the adapter for a model file by its family. Adding a family means adding one sealed adapter here.</summary>
public static class ModelFactory
{
    public static IFaceDetector CreateDetector(ModelCatalog catalog, string id, DetectorOptions detection, InferenceOptions inference)
    {
        var primary = CreateRegionDetector(catalog, id, inference, out float threshold);
        IRegionDetector? verifier = null;
        float verifierThreshold = 0;
        if (detection.Confirm && detection.Verifier is { Length: > 0 } verifierId && verifierId != id)
            verifier = CreateRegionDetector(catalog, verifierId, inference, out verifierThreshold);
        return new TiledFaceDetector(primary, detection, threshold, verifier, verifierThreshold);
    }

    private static IRegionDetector CreateRegionDetector(ModelCatalog catalog, string id, InferenceOptions inference, out float threshold)
    {
        var file = catalog.Resolve(id, "face-detector");
        (IRegionDetector detector, threshold) = file.Family switch
        {
            "ultraface" => ((IRegionDetector)new UltraFaceDetector(file, inference), UltraFaceDetector.DefaultThreshold),
            "blazeface" => (new BlazeFaceDetector(file, inference), BlazeFaceDetector.DefaultThreshold),
            "scrfd" => (new ScrfdDetector(file, inference), ScrfdDetector.DefaultThreshold),
            _ => throw UnknownFamily(file, "ultraface, blazeface, scrfd"),
        };
        return detector;
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

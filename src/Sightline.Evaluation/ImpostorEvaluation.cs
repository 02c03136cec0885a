using System.Numerics.Tensors;
using Sightline.Faces;
using Sightline.Imaging;

namespace Sightline.Evaluation;

public sealed record ImpostorResult(
    int Images,
    int Faces,
    int Pairs,
    double MaxSimilarity,
    double MeanCosine,
    double SdCosine,
    IReadOnlyDictionary<string, double> FalseMatchRate,
    IReadOnlyDictionary<string, int> FalseMatches);

/// <summary>
/// Hard impostor pairs without labels: two faces in one photo are two different people, usually of similar age,
/// lighting and camera. Every pair of faces (at least <c>minFace</c> px) within each image is scored, which
/// measures the false-match rate on look-alike company rather than on strangers.
/// </summary>
public static class ImpostorEvaluation
{
    public static readonly float[] Thresholds = [50, 70, 80, 90, 95, 99];

    public static ImpostorResult Run(FaceEngine engine, ImageDecoder decoder, IReadOnlyList<string> images, float minFace,
        IProgress<(int Done, int Total)>? progress, CancellationToken cancellationToken, TextWriter? scores = null)
    {
        var calibration = SimilarityCalibration.Default;
        var cosines = new List<double>();
        int faces = 0, done = 0;
        scores?.WriteLine("image,face1,face2,cosine,similarity");
        foreach (var path in images)
        {
            using var image = decoder.DecodeFile(path);
            var found = engine.Analyze(image, new FaceRequest { Embeddings = true }, cancellationToken)
                .Where(f => Math.Min(f.Box.Width, f.Box.Height) >= minFace).ToList();
            faces += found.Count;
            for (int i = 0; i < found.Count; i++)
            {
                for (int j = i + 1; j < found.Count; j++)
                {
                    float c = TensorPrimitives.Dot(found[i].Embedding!, found[j].Embedding!);
                    cosines.Add(c);
                    scores?.WriteLine(FormattableString.Invariant($"{path},{i},{j},{c:F6},{calibration.ToSimilarity(c):F3}"));
                }
            }
            progress?.Report((++done, images.Count));
        }
        var similarities = cosines.Select(c => (double)calibration.ToSimilarity((float)c)).ToList();
        double mean = cosines.Count == 0 ? double.NaN : cosines.Average();
        double sd = cosines.Count == 0 ? double.NaN : Math.Sqrt(cosines.Sum(c => (c - mean) * (c - mean)) / cosines.Count);
        var counts = Thresholds.ToDictionary(t => t.ToString("0", System.Globalization.CultureInfo.InvariantCulture), t => similarities.Count(s => s >= t));
        return new ImpostorResult(images.Count, faces, cosines.Count,
            similarities.Count == 0 ? double.NaN : similarities.Max(), mean, sd,
            counts.ToDictionary(kv => kv.Key, kv => cosines.Count == 0 ? double.NaN : kv.Value / (double)cosines.Count),
            counts);
    }
}

using System.Numerics.Tensors;
using Sightline.Faces;

namespace Sightline.Evaluation;

public sealed record IdentifyResult(
    int Identities,
    int Enrolled,
    int Probes,
    int NoFace,
    double Rank1,
    double TpirAtFpir1e2,
    double ThresholdAtFpir1e2);

/// <summary>
/// 1:N identification: the first image of each identity is enrolled, the rest are probes. Rank-1 is the share
/// of probes whose best gallery match is their own identity. For TPIR at FPIR 0.01 each probe is also searched
/// with its own identity removed from the gallery (a non-mated search); the threshold is set so that 1% of
/// those searches return anything, and TPIR is the share of mated searches that are right at rank 1 above it.
/// </summary>
public static class IdentifyEvaluation
{
    public static IdentifyResult Run(FaceComparer comparer, EmbeddingCache cache, string csvPath, string root,
        IProgress<(int Done, int Total)>? progress, CancellationToken cancellationToken)
    {
        var csv = CsvTable.Load(csvPath, "file", "identity");
        var rows = csv.Rows.Select(r => (File: EvalPaths.Resolve(root, csv.Get(r, "file")), Identity: csv.Get(r, "identity"))).ToList();
        var files = rows.Select(r => r.File).Distinct().ToList();
        cache.Prefetch(files, progress is null ? null : new Progress<int>(d => progress.Report((d, files.Count))), cancellationToken);

        var gallery = new Dictionary<string, float[]>(StringComparer.Ordinal);
        var probes = new List<(string Identity, float[]? Embedding)>();
        int noFace = 0;
        foreach (var (file, identity) in rows)
        {
            var e = cache.Get(file, cancellationToken);
            if (!gallery.ContainsKey(identity))
            {
                if (e is null) { noFace++; continue; }
                gallery[identity] = e;
            }
            else
            {
                if (e is null) noFace++;
                probes.Add((identity, e));
            }
        }
        int correct = 0;
        var mated = new List<(bool Correct, double Score)>();
        var nonMated = new List<double>();
        foreach (var (identity, e) in probes)
        {
            if (e is null) { mated.Add((false, double.NegativeInfinity)); continue; }
            var ranked = gallery.Select(g => (g.Key, Score: (double)comparer.Calibration.ToSimilarity(TensorPrimitives.Dot(e, g.Value))))
                .OrderByDescending(x => x.Score).ToList();
            bool right = ranked[0].Key == identity;
            if (right) correct++;
            mated.Add((right, ranked[0].Score));
            var others = ranked.Where(x => x.Key != identity).ToList();
            if (others.Count > 0) nonMated.Add(others[0].Score);
        }
        double threshold = ThresholdAtRate(nonMated, 0.01);
        double tpir = mated.Count == 0 ? double.NaN : mated.Count(m => m.Correct && m.Score >= threshold) / (double)mated.Count;
        return new IdentifyResult(gallery.Count, gallery.Count, probes.Count, noFace,
            probes.Count == 0 ? double.NaN : correct / (double)probes.Count, tpir, threshold);
    }

    /// <summary>Lowest threshold at which at most <paramref name="rate"/> of the scores are at or above it.</summary>
    private static double ThresholdAtRate(List<double> scores, double rate)
    {
        if (scores.Count == 0) return double.NegativeInfinity;
        var sorted = scores.OrderByDescending(s => s).ToArray();
        int allowed = (int)Math.Floor(rate * sorted.Length);
        return allowed < sorted.Length ? Math.BitIncrement(sorted[allowed]) : double.NegativeInfinity;
    }
}

using System.Numerics.Tensors;
using Sightline.Faces;

namespace Sightline.Evaluation;

public sealed record VerifyResult(
    int Pairs,
    int Genuine,
    int Impostor,
    int NoFace,
    double Threshold,
    double Accuracy,
    double BestAccuracy,
    double BestThreshold,
    double TarAtFar1e2,
    double TarAtFar1e3,
    double Eer,
    double FalseMatchRate,
    double FalseNonMatchRate)
{
    /// <summary>Per-group figures when the run was given a group column; null otherwise.</summary>
    public IReadOnlyDictionary<string, VerifyGroup>? Groups { get; init; }
}

/// <summary>
/// 1:1 verification over a pairs CSV (file1,file2,same[,group]). Pairs with a face missing count as "not same".
/// With a group column, the same figures are given for each group's pairs (fairness testing).
/// </summary>
public static class VerifyEvaluation
{
    public static VerifyResult Run(FaceComparer comparer, EmbeddingCache cache, string csvPath, string root, float threshold,
        IProgress<(int Done, int Total)>? progress, CancellationToken cancellationToken, TextWriter? scores = null, string? groupColumn = null)
    {
        var csv = CsvTable.Load(csvPath, "file1", "file2", "same");
        Groups.Require(csv, groupColumn);
        var pairs = csv.Rows.Select((r, i) => (
            A: EvalPaths.Resolve(root, csv.Get(r, "file1")),
            B: EvalPaths.Resolve(root, csv.Get(r, "file2")),
            Same: ParseSame(csv.Get(r, "same"), csvPath, i),
            Group: Groups.Of(csv, r, groupColumn))).ToList();
        var scored = new List<(string Group, bool Same, double Score, bool NoFace)>(pairs.Count);
        var files = pairs.SelectMany(p => new[] { p.A, p.B }).Distinct().ToList();
        cache.Prefetch(files, progress is null ? null : new Progress<int>(d => progress.Report((d, files.Count))), cancellationToken);

        var genuine = new List<double>();
        var impostor = new List<double>();
        int noFace = 0;
        scores?.WriteLine("file1,file2,same,cosine,similarity");
        foreach (var (a, b, same, group) in pairs)
        {
            var ea = cache.Get(a, cancellationToken);
            var eb = cache.Get(b, cancellationToken);
            double score = 0;
            float cosine = float.NaN;
            if (ea is null || eb is null)
            {
                noFace++;
            }
            else
            {
                cosine = TensorPrimitives.Dot(ea, eb);
                score = comparer.Calibration.ToSimilarity(cosine);
            }
            (same ? genuine : impostor).Add(score);
            scored.Add((group, same, score, ea is null || eb is null));
            scores?.WriteLine(FormattableString.Invariant($"{Path.GetRelativePath(root, a)},{Path.GetRelativePath(root, b)},{(same ? 1 : 0)},{cosine:F6},{score:F3}"));
        }
        var (best, bestT) = VerificationMetrics.BestAccuracy(genuine, impostor);
        return new VerifyResult(
            Pairs: pairs.Count,
            Genuine: genuine.Count,
            Impostor: impostor.Count,
            NoFace: noFace,
            Threshold: threshold,
            Accuracy: VerificationMetrics.AccuracyAt(genuine, impostor, threshold),
            BestAccuracy: best,
            BestThreshold: bestT,
            TarAtFar1e2: VerificationMetrics.TarAtFar(genuine, impostor, 1e-2),
            TarAtFar1e3: VerificationMetrics.TarAtFar(genuine, impostor, 1e-3),
            Eer: VerificationMetrics.Eer(genuine, impostor),
            FalseMatchRate: impostor.Count == 0 ? double.NaN : impostor.Count(s => s >= threshold) / (double)impostor.Count,
            FalseNonMatchRate: genuine.Count == 0 ? double.NaN : genuine.Count(s => s < threshold) / (double)genuine.Count)
        {
            Groups = groupColumn is null ? null : scored.GroupBy(p => p.Group, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g =>
            {
                var gen = g.Where(p => p.Same).Select(p => p.Score).ToList();
                var imp = g.Where(p => !p.Same).Select(p => p.Score).ToList();
                return new VerifyGroup(g.Count(), gen.Count, imp.Count, g.Count(p => p.NoFace), VerificationMetrics.AccuracyAt(gen, imp, threshold),
                    Groups.Rate(imp.Count(s => s >= threshold), imp.Count), Groups.Rate(gen.Count(s => s < threshold), gen.Count),
                    gen.Count > 0 && imp.Count > 0 ? VerificationMetrics.Eer(gen, imp) : double.NaN);
            }),
        };
    }

    private static bool ParseSame(string text, string path, int row) => text.ToLowerInvariant() switch
    {
        "1" or "true" or "yes" or "same" => true,
        "0" or "false" or "no" or "different" => false,
        _ => throw SightlineException.InvalidParameter($"CSV file '{path}' line {row + 2}: 'same' is '{text}', expected 1 or 0."),
    };
}

using System.Text.RegularExpressions;
using Sightline.Collections;
using Sightline.Faces;
using Sightline.Imaging;
using Sightline.Storage;

namespace Sightline.Evaluation;

public sealed record IdentifyResult(
    int Identities,
    int Enrolled,
    int Probes,
    int NoFace,
    double Rank1,
    double TpirAtFpir1e2,
    double ThresholdAtFpir1e2)
{
    /// <summary>Per-group figures (by the probe's group) when the run was given a group column; null otherwise.</summary>
    public IReadOnlyDictionary<string, IdentifyGroup>? Groups { get; init; }
}

/// <summary>
/// 1:N identification through the collection engine itself: the first image of each identity is indexed into a
/// fresh collection (in a temporary data directory, deleted afterwards), the rest are searched with
/// SearchFacesByImage. Rank-1 is the share of probes whose best match is their own identity. For TPIR at FPIR 0.01
/// each probe's best match of another identity is its non-mated score; the threshold is set so 1% of those clear
/// it, and TPIR is the share of probes right at rank 1 above it. With a group column, rank-1 and TPIR are also given
/// for each group's probes at that same threshold.
/// </summary>
public static partial class IdentifyEvaluation
{
    [GeneratedRegex("[^a-zA-Z0-9_.\\-:]")]
    private static partial Regex Unsafe();

    /// <summary>The writes to the evaluation's throw-away collection are recorded in its throw-away store's own log.</summary>
    private static readonly AuditEntry s_scratchAudit = new("system:evaluation", "system", "EvaluateIdentification");

    /// <param name="scratch">Where the evaluation's throw-away collection lives (never the agency's data).</param>
    public static async Task<IdentifyResult> RunAsync(FaceEngine engine, ImageDecoder decoder, IScratchStoreFactory scratch, string csvPath, string root,
        IProgress<(int Done, int Total)>? progress, CancellationToken cancellationToken, string? groupColumn = null)
    {
        var csv = CsvTable.Load(csvPath, "file", "identity");
        Groups.Require(csv, groupColumn);
        var rows = csv.Rows.Select(r => (File: EvalPaths.Resolve(root, csv.Get(r, "file")), Identity: csv.Get(r, "identity"), Group: Groups.Of(csv, r, groupColumn))).ToList();
        await using var scratchStore = await scratch.CreateAsync(cancellationToken).ConfigureAwait(false);
        var store = scratchStore.Collections;
        await using var indexes = new CollectionIndexes(store, engine.Embedder.Dimension);
        var service = new CollectionService(engine, store, scratchStore.Retention, indexes);
        const string collection = "eval";
        await service.CreateCollectionAsync(s_scratchAudit, collection, cancellationToken).ConfigureAwait(false);
        var identityOf = new Dictionary<string, string>(StringComparer.Ordinal);
        var enrolled = new HashSet<string>(StringComparer.Ordinal);
        var probes = new List<(string File, string Identity, string Group)>();
        int noFace = 0, done = 0;
        foreach (var (file, identity, group) in rows)
        {
            if (enrolled.Contains(identity))
            {
                probes.Add((file, identity, group));
                continue;
            }
            using var image = decoder.DecodeFile(file);
            string external = Unsafe().Replace(identity, "_");
            var response = await service.IndexFacesAsync(s_scratchAudit, new IndexFacesRequest(collection, external, MaxFaces: 1, QualityFilter: "NONE"), image, cancellationToken).ConfigureAwait(false);
            progress?.Report((++done, rows.Count));
            if (response.FaceRecords.Count == 0) { noFace++; continue; }
            identityOf[response.FaceRecords[0].Face.FaceId] = identity;
            enrolled.Add(identity);
        }

        var mated = new List<(bool Correct, double Score, string Group, bool NoFace)>();
        var nonMated = new List<double>();
        foreach (var (file, identity, group) in probes)
        {
            using var image = decoder.DecodeFile(file);
            progress?.Report((++done, rows.Count));
            Rekognition.SearchFacesByImageResponse found;
            try
            {
                found = (await service.SearchFacesByImageAsync(collection, image, CollectionService.MaxSearchFaces, 0, cancellationToken).ConfigureAwait(false)).Response;
            }
            catch (SightlineException ex) when (ex.Kind == ErrorKind.InvalidParameter)
            {
                noFace++;
                mated.Add((false, double.NegativeInfinity, group, true));
                continue;
            }
            var ranked = found.FaceMatches.Select(m => (Identity: identityOf[m.Face.FaceId], Score: (double)m.Similarity)).ToList();
            bool right = ranked.Count > 0 && ranked[0].Identity == identity;
            mated.Add((right, ranked.Count > 0 ? ranked[0].Score : double.NegativeInfinity, group, false));
            var other = ranked.FirstOrDefault(r => r.Identity != identity);
            if (other.Identity is not null) nonMated.Add(other.Score);
        }
        double threshold = ThresholdAtRate(nonMated, 0.01);
        return new IdentifyResult(enrolled.Count, enrolled.Count, probes.Count, noFace,
            mated.Count == 0 ? double.NaN : mated.Count(m => m.Correct) / (double)mated.Count,
            mated.Count == 0 ? double.NaN : mated.Count(m => m.Correct && m.Score >= threshold) / (double)mated.Count,
            threshold)
        {
            Groups = groupColumn is null ? null : mated.GroupBy(m => m.Group, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g =>
                new IdentifyGroup(g.Count(), g.Count(m => m.NoFace), Groups.Rate(g.Count(m => m.Correct), g.Count()), Groups.Rate(g.Count(m => m.Correct && m.Score >= threshold), g.Count()))),
        };
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

using System.Diagnostics;
using System.Text.Json;
using Sightline.Search;

namespace Sightline.Benchmarks;

/// <summary>The benchmark's synthetic collection: vectors are regenerated from their row whenever needed (deterministic), so 10M never sit in memory as fp32.</summary>
public sealed class BenchVectors(SyntheticEmbeddings generator, int faces, CancellationToken cancellationToken)
{
    public const int FacesPerIdentity = 4;

    public SyntheticEmbeddings Generator { get; } = generator;

    public int Faces { get; } = faces;

    public int Identities { get; } = Math.Max(1, faces / FacesPerIdentity);

    public float[] VectorAt(int row) => row < Identities * FacesPerIdentity
        ? Generator.Face(Generator.Identity(row / FacesPerIdentity), row / FacesPerIdentity, row % FacesPerIdentity)
        : Generator.Face(Generator.Identity(Identities - 1), Identities - 1, row);

    /// <summary>Rows <paramref name="start"/> onwards, in order, generated on all cores.</summary>
    public IEnumerable<(long Id, float[] Vector)> Stream(int start, int count) =>
        Enumerable.Range(start, count).AsParallel().AsOrdered().WithCancellation(cancellationToken).Select(i => ((long)i, VectorAt(i)));
}

/// <summary>
/// Builds the benchmark's HNSW graph in segments. With a checkpoint file the graph is saved every ten minutes of
/// building and at the end (atomically, by <see cref="HnswIndex.Save"/>), and a later run with the same settings
/// resumes from it, or skips the build when it is complete: a 10M build outlasts most sittings.
/// </summary>
public sealed class GraphBuild(BenchVectors data, HnswOptions options, IExactVectorSource copies, string? checkpoint, IBenchProgress progress)
{
    private const int Segment = 250_000;
    private static readonly TimeSpan SaveEvery = TimeSpan.FromMinutes(10);

    /// <summary>What the checkpoint was built with, and the building time spent on it so far.</summary>
    private sealed record Meta(int Faces, int Dimension, int M, int EfConstruction, int Linked, double BuildSeconds);

    public (HnswIndex Graph, double BuildSeconds, bool Resumed) Build(CancellationToken cancellationToken)
    {
        int n = data.Faces, dim = data.Generator.Dimension;
        var (graph, spent) = Resume(n, dim);
        int start = graph.Count;
        var sw = Stopwatch.StartNew();
        var lastSave = Stopwatch.StartNew();
        progress.Run("building graph", p =>
        {
            for (int first = start; first < n; first += Segment)
            {
                int count = Math.Min(Segment, n - first);
                graph.AddRange(data.Stream(first, count), new Offset(p, first, n), cancellationToken);
                if (checkpoint is { Length: > 0 } && (lastSave.Elapsed >= SaveEvery || first + count == n))
                {
                    graph.Save(checkpoint);
                    WriteMeta(new Meta(n, dim, options.M, options.EfConstruction, first + count, spent + sw.Elapsed.TotalSeconds));
                    lastSave.Restart();
                }
            }
            return 0;
        }, linesWhenRedirected: true);
        return (graph, spent + sw.Elapsed.TotalSeconds, start > 0);
    }

    private (HnswIndex Graph, double Spent) Resume(int n, int dim)
    {
        if (checkpoint is not { Length: > 0 } || !File.Exists(checkpoint))
            return (new HnswIndex(dim, options, copies), 0);
        Meta? meta;
        try
        {
            meta = JsonSerializer.Deserialize<Meta>(File.ReadAllText(MetaPath));
        }
        catch (Exception e) when (e is IOException or JsonException)
        {
            throw SightlineException.InvalidParameter($"--checkpoint {checkpoint}: its settings file {MetaPath} is missing or unreadable ({e.Message}).");
        }
        if (meta is null || meta.Faces != n || meta.Dimension != dim || meta.M != options.M || meta.EfConstruction != options.EfConstruction)
        {
            throw SightlineException.InvalidParameter(
                $"--checkpoint {checkpoint} was built with other settings ({meta}); use the same --faces, --dim, --m and --ef-construction, or another file.");
        }
        var graph = HnswIndex.TryLoad(checkpoint, dim, options, copies)
            ?? throw SightlineException.InvalidParameter($"--checkpoint {checkpoint} is damaged or not a graph snapshot; delete it to build afresh.");
        if (graph.Count > n)
            throw SightlineException.InvalidParameter($"--checkpoint {checkpoint} holds {graph.Count:N0} nodes, more than --faces {n:N0}.");
        progress.Note($"resuming from {checkpoint}: {graph.Count:N0} of {n:N0} faces linked, {meta.BuildSeconds:F0} s spent");
        return (graph, meta.BuildSeconds);
    }

    private string MetaPath => checkpoint + ".json";

    private void WriteMeta(Meta meta)
    {
        string temp = MetaPath + ".tmp";
        File.WriteAllText(temp, JsonSerializer.Serialize(meta));
        File.Move(temp, MetaPath, overwrite: true);
    }

    /// <summary>Reports a segment's progress as progress through the whole build.</summary>
    private sealed class Offset(IProgress<(int Done, int Total)>? inner, int offset, int total) : IProgress<(int Done, int Total)>
    {
        public void Report((int Done, int Total) value) => inner?.Report((offset + value.Done, total));
    }
}

namespace Sightline.Search.Tests;

public sealed class FlatInt8IndexTests
{
    private const int Dim = 512;

    private static (FlatInt8Index Index, List<float[]> Data) Build(int n, int seed)
    {
        var rng = new Random(seed);
        var index = new FlatInt8Index(Dim);
        var data = new List<float[]>(n);
        for (int i = 0; i < n; i++)
        {
            var v = Vectors.Unit(rng, Dim);
            data.Add(v);
            index.Add(i, v);
        }
        return (index, data);
    }

    [Fact]
    public void Top_hits_equal_brute_force_fp32_with_exact_scores()
    {
        var (index, data) = Build(20_000, 1);
        var rng = new Random(2);
        for (int q = 0; q < 20; q++)
        {
            // A query near a stored vector, as a probe photo of an enrolled face is.
            int target = rng.Next(data.Count);
            var query = Vectors.Near(rng, data[target], 0.6f);
            var expected = data.Select((v, i) => (Id: (long)i, Score: Vectors.Dot(query, v))).OrderByDescending(x => x.Score).Take(10).ToList();
            var hits = Searched.Of(index, query, 10, -1, CancellationToken.None);
            Assert.Equal(10, hits.Count);
            Assert.Equal(target, hits[0].Id);
            Assert.Equal(expected.Select(e => e.Id), hits.Select(h => h.Id));
            for (int i = 0; i < 10; i++)
                Assert.Equal(expected[i].Score, hits[i].Score, 4);
        }
    }

    [Fact]
    public async Task Shards_shortlists_merged_and_reranked_once_equal_one_index_search()
    {
        // A sharded collection: three codes-only indexes over row id mod 3, searched by shortlist, merged, re-ranked
        // with one read of the caller's store, must answer what one index over every row answers.
        var rng = new Random(21);
        var vectors = Enumerable.Range(0, 12_000).ToDictionary(i => (long)i, _ => Vectors.Unit(rng, Dim));
        var source = new DictionarySource(vectors);
        var whole = new FlatInt8Index(Dim, source);
        var shards = Enumerable.Range(0, 3).Select(_ => new FlatInt8Index(Dim, source)).ToArray();
        foreach (var (id, v) in vectors)
        {
            whole.Add(id, v);
            shards[id % 3].Add(id, v);
        }
        for (int q = 0; q < 10; q++)
        {
            var query = Vectors.Near(rng, vectors[rng.Next(vectors.Count)], 0.6f);
            var expected = await whole.SearchAsync(query, 10, -1, CancellationToken.None);
            int reads = source.Reads;
            var shortlists = shards.SelectMany(s => s.Shortlist(query, ExactRerank.ShortlistSize(10), CancellationToken.None)).ToList();
            Assert.Equal(3 * ExactRerank.ShortlistSize(10), shortlists.Count);
            var merged = await ExactRerank.RunAsync(query, source, shortlists, 10, -1, CancellationToken.None);
            Assert.Equal(reads + 1, source.Reads);
            Assert.Equal(10, merged.Count);
            Assert.Equal(expected.Select(h => h.Id), merged.Select(h => h.Id));
            Assert.Equal(expected.Select(h => h.Score), merged.Select(h => h.Score));
            // Only the probe's own face passes a real threshold; the rest are unrelated (cosine near 0).
            var above = await ExactRerank.RunAsync(query, source, shortlists, 10, 0.3f, CancellationToken.None);
            Assert.Equal(expected[0].Id, Assert.Single(above).Id);
        }
    }

    private sealed class DictionarySource(Dictionary<long, float[]> vectors) : IExactVectorSource
    {
        public int Reads { get; private set; }

        public ValueTask<IReadOnlyDictionary<long, float[]>> ReadAsync(IReadOnlyCollection<long> ids, CancellationToken cancellationToken)
        {
            Reads++;
            return ValueTask.FromResult<IReadOnlyDictionary<long, float[]>>(ids.Where(vectors.ContainsKey).ToDictionary(id => id, id => vectors[id]));
        }
    }

    [Fact]
    public void A_codes_only_index_reranks_from_the_callers_store()
    {
        var rng = new Random(11);
        var vectors = Enumerable.Range(0, 5_000).ToDictionary(i => (long)i * 10, _ => Vectors.Unit(rng, Dim));
        var source = new DictionarySource(vectors);
        var index = new FlatInt8Index(Dim, source);
        foreach (var (id, v) in vectors)
            index.Add(id, v);
        var query = Vectors.Near(rng, vectors[420], 0.7f);
        var expected = vectors.OrderByDescending(kv => Vectors.Dot(query, kv.Value)).Take(5).Select(kv => kv.Key);
        var hits = Searched.Of(index, query, 5, -1, CancellationToken.None);
        Assert.Equal(expected, hits.Select(h => h.Id));
        Assert.Equal(Vectors.Dot(query, vectors[420]), hits[0].Score, 5);
        Assert.Equal(1, source.Reads);
    }

    [Fact]
    public void Deleted_ids_are_never_returned_and_readding_replaces()
    {
        var (index, data) = Build(5_000, 3);
        Assert.True(index.Remove(42));
        Assert.False(index.Remove(42));
        Assert.Equal(4_999, index.Count);
        var hits = Searched.Of(index, data[42], 5, -1, CancellationToken.None);
        Assert.DoesNotContain(hits, h => h.Id == 42);

        index.Add(7, data[100]);
        var again = Searched.Of(index, data[100], 2, 0.99f, CancellationToken.None);
        Assert.Equal(new long[] { 7, 100 }.Order(), again.Select(h => h.Id).Order());
        Assert.Equal(4_999, index.Count);
        Assert.DoesNotContain(Searched.Of(index, data[7], 3, 0.99f, CancellationToken.None), h => h.Id == 7);
    }

    [Fact]
    public void Min_score_filters_and_wrong_dimension_throws()
    {
        var (index, data) = Build(1_000, 4);
        var hits = Searched.Of(index, data[5], 50, 0.5f, CancellationToken.None);
        Assert.Single(hits);
        Assert.Equal(5, hits[0].Id);
        Assert.Equal(1f, hits[0].Score, 4);
        Assert.Throws<ArgumentException>(() => Searched.Of(index, new float[10], 1, 0, CancellationToken.None));
        Assert.Throws<ArgumentException>(() => index.Add(1, new float[10]));
    }

    [Fact]
    public async Task Searches_run_while_vectors_are_added()
    {
        var (index, data) = Build(10_000, 5);
        var rng = new Random(6);
        var extra = Enumerable.Range(0, 2_000).Select(_ => Vectors.Unit(rng, Dim)).ToList();
        var writer = Task.Run(() =>
        {
            for (int i = 0; i < extra.Count; i++)
                index.Add(100_000 + i, extra[i]);
        });
        var reader = Task.Run(() =>
        {
            for (int i = 0; i < 30; i++)
                Assert.Equal(i, Searched.Of(index, data[i], 1, 0.99f, CancellationToken.None)[0].Id);
        });
        await Task.WhenAll(writer, reader);
        Assert.Equal(12_000, index.Count);
        Assert.Equal(101_999, Searched.Of(index, extra[^1], 1, 0.99f, CancellationToken.None)[0].Id);
    }
}

public sealed class SyntheticEmbeddingsTests
{
    [Fact]
    public void Faces_cluster_around_their_identity_and_identities_spread_like_impostors()
    {
        var gen = new SyntheticEmbeddings(512, seed: 9);
        var centres = Enumerable.Range(0, 200).Select(gen.Identity).ToList();
        var impostor = new List<float>();
        for (int i = 0; i < centres.Count; i++)
            for (int j = i + 1; j < centres.Count; j++)
                impostor.Add(Vectors.Dot(centres[i], centres[j]));
        double mean = impostor.Average(), sd = Math.Sqrt(impostor.Average(c => (c - mean) * (c - mean)));
        Assert.InRange(mean, -0.02, 0.02);
        Assert.InRange(sd, 0.07, 0.13);
        for (int v = 0; v < 20; v++)
            Assert.InRange(Vectors.Dot(gen.Face(centres[3], 3, v), centres[3]), 0.49f, 0.86f);
        Assert.Equal(gen.Face(centres[3], 3, 1), gen.Face(centres[3], 3, 1));
    }
}

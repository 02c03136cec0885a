namespace Sightline.Search.Tests;

public sealed class HnswIndexTests
{
    private const int Dim = 512;

    [Fact]
    public void Recall_against_brute_force_is_high_on_clustered_embeddings()
    {
        var gen = new SyntheticEmbeddings(Dim, seed: 3);
        var data = new List<float[]>();
        for (int id = 0; id < 5_000; id++)
        {
            var centre = gen.Identity(id);
            for (int v = 0; v < 4; v++)
                data.Add(gen.Face(centre, id, v));
        }
        using var index = new HnswIndex(Dim);
        for (int i = 0; i < data.Count; i++)
            index.Add(i, data[i]);
        int top1 = 0, queries = 100;
        double top10 = 0;
        for (int q = 0; q < queries; q++)
        {
            int identity = q * 37 % 5_000;
            var probe = gen.Face(gen.Identity(identity), identity, 100 + q);
            var exact = data.Select((v, i) => (Id: (long)i, Score: Vectors.Dot(probe, v))).OrderByDescending(x => x.Score).Take(10).Select(x => x.Id).ToList();
            var hits = index.Search(probe, 10, -1, CancellationToken.None);
            if (hits[0].Id == exact[0]) top1++;
            top10 += hits.Select(h => h.Id).Intersect(exact).Count() / 10.0;
            Assert.Equal(Vectors.Dot(probe, data[(int)hits[0].Id]), hits[0].Score, 4);
        }
        Assert.True(top1 >= 99, $"recall@1 {top1}/{queries}");
        // Beyond an identity's own few faces the top 10 are near-ties among strangers (cosine ~0.3), hard for any ANN.
        Assert.True(top10 / queries >= 0.9, $"recall@10 {top10 / queries:F3}");
    }

    [Fact]
    public void Deleted_nodes_are_not_returned_but_still_route()
    {
        var rng = new Random(5);
        var data = Enumerable.Range(0, 3_000).Select(_ => Vectors.Unit(rng, Dim)).ToList();
        using var index = new HnswIndex(Dim);
        for (int i = 0; i < data.Count; i++)
            index.Add(i, data[i]);
        for (int i = 0; i < 1_500; i++)
            Assert.True(index.Remove(i));
        Assert.Equal(1_500, index.Count);
        for (int q = 1_500; q < 1_600; q++)
        {
            var hits = index.Search(data[q], 5, -1, CancellationToken.None);
            Assert.Equal(q, hits[0].Id);
            Assert.All(hits, h => Assert.True(h.Id >= 1_500));
        }
        Assert.Empty(new HnswIndex(Dim).Search(data[0], 3, -1, CancellationToken.None));
        Assert.Throws<ArgumentOutOfRangeException>(() => new HnswIndex(Dim, new HnswOptions { M = 1 }));
    }
}

using Sightline.Search;

namespace Sightline.Search.Tests;

/// <summary>A search of an index whose re-ranking vectors are in memory: it completes without awaiting.</summary>
internal static class Searched
{
    public static IReadOnlyList<SearchHit> Of(IVectorIndex index, ReadOnlyMemory<float> query, int k, float minScore, CancellationToken cancellationToken)
    {
        var search = index.SearchAsync(query, k, minScore, cancellationToken);
        Assert.True(search.IsCompletedSuccessfully, "a search of an in-memory index completes synchronously");
        return search.Result;
    }
}

using Sightline.Search;

namespace Sightline.Benchmarks;

/// <summary>
/// Searches of indexes whose re-ranking vectors are in memory (their own copies or an in-memory source): such a
/// search completes without awaiting anything, so the benchmark times it as it runs, on the calling thread.
/// </summary>
internal static class InMemorySearch
{
    public static IReadOnlyList<SearchHit> Completed(ValueTask<IReadOnlyList<SearchHit>> search) =>
        search.IsCompletedSuccessfully ? search.Result
            : throw new InvalidOperationException("A search of an in-memory index did not complete synchronously.");
}

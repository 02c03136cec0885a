namespace Sightline.Storage.Postgres;

/// <summary>The face change log (written by triggers on the faces table; see migration 6).</summary>
public sealed partial class PostgresStore
{
    public IAsyncEnumerable<FaceChange> ReadFaceChangesAsync(string? collectionId, long afterSeq, int limit, CancellationToken cancellationToken) =>
        StreamAsync("SELECT seq, collection_id, row_id, added FROM face_changes WHERE (@c::text IS NULL OR collection_id = @c) AND seq > @after ORDER BY seq LIMIT @n;",
            r => new FaceChange(r.GetInt64(0), r.GetString(1), r.GetInt64(2), r.GetBoolean(3)), cancellationToken, ("c", collectionId), ("after", afterSeq), ("n", limit));

    public async Task<long> LastFaceChangeAsync(CancellationToken cancellationToken) =>
        (await QueryAsync("SELECT COALESCE(MAX(seq), 0) FROM face_changes;", r => r.GetInt64(0), cancellationToken).ConfigureAwait(false))[0];
}

using System.Runtime.CompilerServices;

namespace Sightline.Storage.Sqlite;

/// <summary>The face change log (written by triggers on the faces table; see migration 12).</summary>
public sealed partial class SqliteCollectionStore
{
    public async IAsyncEnumerable<FaceChange> ReadFaceChangesAsync(string? collectionId, long afterSeq, int limit, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var cmd = collectionId is null
            ? Command(connection, "SELECT seq, collection_id, row_id, added FROM face_changes WHERE seq > $after ORDER BY seq LIMIT $n;", null, ("$after", afterSeq), ("$n", limit))
            : Command(connection, "SELECT seq, collection_id, row_id, added FROM face_changes WHERE collection_id = $c AND seq > $after ORDER BY seq LIMIT $n;", null,
                ("$c", collectionId), ("$after", afterSeq), ("$n", limit));
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return new FaceChange(reader.GetInt64(0), reader.GetString(1), reader.GetInt64(2), reader.GetInt64(3) != 0);
        }
    }

    public async Task<long> LastFaceChangeAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        return (long)(await ScalarAsync(connection, null, "SELECT COALESCE(MAX(seq), 0) FROM face_changes;", cancellationToken).ConfigureAwait(false))!;
    }
}

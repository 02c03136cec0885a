namespace Sightline.Storage.Sqlite;

/// <summary>The face change log (written by triggers on the faces table; see migration 12).</summary>
public sealed partial class SqliteCollectionStore
{
    public IReadOnlyList<FaceChange> ReadFaceChanges(string? collectionId, long afterSeq, int limit)
    {
        using var connection = Open();
        using var cmd = collectionId is null
            ? Command(connection, "SELECT seq, collection_id, row_id, added FROM face_changes WHERE seq > $after ORDER BY seq LIMIT $n;", null, ("$after", afterSeq), ("$n", limit))
            : Command(connection, "SELECT seq, collection_id, row_id, added FROM face_changes WHERE collection_id = $c AND seq > $after ORDER BY seq LIMIT $n;", null,
                ("$c", collectionId), ("$after", afterSeq), ("$n", limit));
        using var reader = cmd.ExecuteReader();
        var changes = new List<FaceChange>();
        while (reader.Read())
            changes.Add(new FaceChange(reader.GetInt64(0), reader.GetString(1), reader.GetInt64(2), reader.GetInt64(3) != 0));
        return changes;
    }

    public long LastFaceChange()
    {
        using var connection = Open();
        using var cmd = Command(connection, "SELECT COALESCE(MAX(seq), 0) FROM face_changes;");
        return (long)cmd.ExecuteScalar()!;
    }
}

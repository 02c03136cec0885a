using Microsoft.Data.Sqlite;

namespace Sightline.Storage.Sqlite;

public sealed partial class SqliteCollectionStore : IStreamProcessorStore
{
    public async Task AddStreamProcessorAsync(AuditEntry audit, StreamProcessorRecord processor, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var tx = await BeginAsync(connection, cancellationToken).ConfigureAwait(false);
        try
        {
            await ExecAsync(connection, tx, "INSERT INTO stream_processors (name, document, status, created_at) VALUES ($name, $doc, $status, $at);", cancellationToken,
                ("$name", processor.Name), ("$doc", StreamProcessorDocument.Write(processor)), ("$status", processor.Status),
                ("$at", processor.CreatedAt.ToUnixTimeMilliseconds())).ConfigureAwait(false);
        }
        catch (SqliteException ex) when (ex.SqliteErrorCode == 19)
        {
            throw new SightlineException(ErrorKind.ResourceInUse, $"A stream processor named '{processor.Name}' already exists.", ex);
        }
        await CommitAuditedAsync(connection, tx, audit, StreamProcessorDocument.Details(processor), processor.CollectionId, cancellationToken).ConfigureAwait(false);
    }

    public async Task<StreamProcessorRecord?> GetStreamProcessorAsync(string name, CancellationToken cancellationToken) =>
        (await QueryAsync("SELECT name, document FROM stream_processors WHERE name = $name;", ReadStreamProcessor, cancellationToken, ("$name", name)).ConfigureAwait(false))
            .FirstOrDefault();

    public async Task<IReadOnlyList<StreamProcessorRecord>> ListStreamProcessorsAsync(CancellationToken cancellationToken) =>
        await QueryAsync("SELECT name, document FROM stream_processors ORDER BY name;", ReadStreamProcessor, cancellationToken).ConfigureAwait(false);

    public async Task<bool> UpdateStreamProcessorAsync(AuditEntry? audit, StreamProcessorRecord processor, string expectedStatus, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var tx = await BeginAsync(connection, cancellationToken).ConfigureAwait(false);
        if (await ExecAsync(connection, tx, "UPDATE stream_processors SET document = $doc, status = $status WHERE name = $name AND status = $expected;", cancellationToken,
            ("$name", processor.Name), ("$doc", StreamProcessorDocument.Write(processor)), ("$status", processor.Status), ("$expected", expectedStatus)).ConfigureAwait(false) == 0)
            return false;
        if (audit is null)
            await CommitAsync(tx, cancellationToken).ConfigureAwait(false);
        else
            await CommitAuditedAsync(connection, tx, audit, StreamProcessorDocument.Details(processor), processor.CollectionId, cancellationToken).ConfigureAwait(false);
        return true;
    }

    public async Task<bool> DeleteStreamProcessorAsync(AuditEntry audit, string name, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var tx = await BeginAsync(connection, cancellationToken).ConfigureAwait(false);
        if (await ExecAsync(connection, tx, "DELETE FROM stream_processors WHERE name = $name;", cancellationToken, ("$name", name)).ConfigureAwait(false) == 0)
            return false;
        await CommitAuditedAsync(connection, tx, audit, Ids([name]), null, cancellationToken).ConfigureAwait(false);
        return true;
    }

    private static StreamProcessorRecord ReadStreamProcessor(SqliteDataReader r) => StreamProcessorDocument.Read(r.GetString(1), r.GetString(0));
}

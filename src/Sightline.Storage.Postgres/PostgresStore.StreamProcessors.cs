using Npgsql;

namespace Sightline.Storage.Postgres;

public sealed partial class PostgresStore : IStreamProcessorStore
{
    public Task AddStreamProcessorAsync(AuditEntry audit, StreamProcessorRecord processor, CancellationToken cancellationToken) =>
        WriteAsync(async (c, tx) =>
        {
            await ExecAsync(c, tx, "INSERT INTO stream_processors (name, document, status, created_at) VALUES (@name, @doc, @status, @at);", cancellationToken,
                ("name", processor.Name), ("doc", StreamProcessorDocument.Write(processor)), ("status", processor.Status), ("at", Ms(processor.CreatedAt))).ConfigureAwait(false);
            await AppendAuditedAsync(c, tx, audit, StreamProcessorDocument.Details(processor), processor.CollectionId, cancellationToken).ConfigureAwait(false);
        }, cancellationToken, new Violation(ErrorKind.ResourceInUse, $"A stream processor named '{processor.Name}' already exists."));

    public async Task<StreamProcessorRecord?> GetStreamProcessorAsync(string name, CancellationToken cancellationToken) =>
        (await QueryAsync("SELECT name, document FROM stream_processors WHERE name = @name;", ReadStreamProcessor, cancellationToken, ("name", name)).ConfigureAwait(false))
            .FirstOrDefault();

    public async Task<IReadOnlyList<StreamProcessorRecord>> ListStreamProcessorsAsync(CancellationToken cancellationToken) =>
        await QueryAsync("SELECT name, document FROM stream_processors ORDER BY name;", ReadStreamProcessor, cancellationToken).ConfigureAwait(false);

    public Task<bool> UpdateStreamProcessorAsync(AuditEntry? audit, StreamProcessorRecord processor, string expectedStatus, CancellationToken cancellationToken) =>
        WriteAsync(async (c, tx) =>
        {
            if (await ExecAsync(c, tx, "UPDATE stream_processors SET document = @doc, status = @status WHERE name = @name AND status = @expected;", cancellationToken,
                ("name", processor.Name), ("doc", StreamProcessorDocument.Write(processor)), ("status", processor.Status), ("expected", expectedStatus)).ConfigureAwait(false) == 0)
                return false;
            if (audit is not null)
                await AppendAuditedAsync(c, tx, audit, StreamProcessorDocument.Details(processor), processor.CollectionId, cancellationToken).ConfigureAwait(false);
            return true;
        }, cancellationToken);

    public Task<bool> DeleteStreamProcessorAsync(AuditEntry audit, string name, CancellationToken cancellationToken) =>
        WriteAsync(async (c, tx) =>
        {
            if (await ExecAsync(c, tx, "DELETE FROM stream_processors WHERE name = @name;", cancellationToken, ("name", name)).ConfigureAwait(false) == 0)
                return false;
            await AppendAuditedAsync(c, tx, audit, Ids([name]), null, cancellationToken).ConfigureAwait(false);
            return true;
        }, cancellationToken);

    private static StreamProcessorRecord ReadStreamProcessor(NpgsqlDataReader r) => StreamProcessorDocument.Read(r.GetString(1), r.GetString(0));
}

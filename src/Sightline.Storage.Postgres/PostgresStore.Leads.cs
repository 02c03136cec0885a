using Npgsql;

namespace Sightline.Storage.Postgres;

public sealed partial class PostgresStore
{
    private const string LeadColumns = "id, search_seq, case_id, purpose, collection_id, subject_type, subject_id, similarity, searched_by, status, reviewer, note, created_at, reviewed_at, probe_sha";

    public Task<long> AppendSearchAsync(AuditEntry entry, IReadOnlyList<LeadMatch> matches, byte[]? probeImage, CancellationToken cancellationToken) =>
        WriteAsync((c, tx) => AppendSearchAsync(c, tx, entry, matches, probeImage, cancellationToken), cancellationToken);

    public async Task<byte[]?> GetLeadProbeAsync(string leadId, CancellationToken cancellationToken) =>
        (await QueryAsync("SELECT p.jpeg FROM leads l JOIN probe_images p ON p.sha = l.probe_sha WHERE l.id = @id;", r => (byte[])r.GetValue(0), cancellationToken, ("id", leadId)).ConfigureAwait(false))
            .FirstOrDefault();

    private async Task<long> AppendSearchAsync(NpgsqlConnection connection, NpgsqlTransaction tx, AuditEntry entry, IReadOnlyList<LeadMatch> matches, byte[]? probeImage, CancellationToken cancellationToken)
    {
        if (matches.Count == 0)
            return await AppendAsync(connection, tx, entry, cancellationToken).ConfigureAwait(false);
        // The leads table before the audit chain's head, the order every writer keeps (see LockHoldsAsync).
        await ExecAsync(connection, tx, "LOCK TABLE leads IN ROW EXCLUSIVE MODE;", cancellationToken).ConfigureAwait(false);
        long seq = await AppendAsync(connection, tx, entry, cancellationToken).ConfigureAwait(false);
        string? sha = probeImage is { Length: > 0 } ? ProbeImages.Sha256(probeImage) : null;
        if (sha is not null)
            await ExecAsync(connection, tx, "INSERT INTO probe_images (sha, jpeg) VALUES (@sha, @jpeg) ON CONFLICT (sha) DO NOTHING;", cancellationToken,
                ("sha", sha), ("jpeg", probeImage)).ConfigureAwait(false);
        await ExecAsync(connection, tx, $"""
            INSERT INTO leads ({LeadColumns})
            SELECT id, @seq, @case, @purpose, @c, type, subject, sim, @by, 'pending', NULL, NULL, @now, NULL, @probe::text
            FROM unnest(@ids::text[], @types::text[], @subjects::text[], @sims::real[]) WITH ORDINALITY AS m(id, type, subject, sim, n) ORDER BY n;
            """, cancellationToken,
            ("seq", seq), ("case", entry.Case), ("purpose", entry.Purpose), ("c", entry.CollectionId), ("by", entry.Actor), ("now", Ms(DateTimeOffset.UtcNow)), ("probe", sha),
            ("ids", matches.Select(_ => Guid.NewGuid().ToString()).ToArray()), ("types", matches.Select(m => m.SubjectType).ToArray()),
            ("subjects", matches.Select(m => m.SubjectId).ToArray()), ("sims", matches.Select(m => m.Similarity).ToArray())).ConfigureAwait(false);
        return seq;
    }

    public IAsyncEnumerable<Lead> ListLeadsAsync(string? caseId, string? status, int limit, CancellationToken cancellationToken) =>
        StreamAsync($"SELECT {LeadColumns} FROM leads WHERE (@case::text IS NULL OR case_id = @case) AND (@status::text IS NULL OR status = @status) ORDER BY created_at, search_seq, id LIMIT @limit;",
            ReadLead, cancellationToken, ("case", caseId), ("status", status), ("limit", limit));

    public async Task<Lead?> GetLeadAsync(string leadId, CancellationToken cancellationToken) =>
        (await QueryAsync($"SELECT {LeadColumns} FROM leads WHERE id = @id;", ReadLead, cancellationToken, ("id", leadId)).ConfigureAwait(false)).FirstOrDefault();

    public Task<Lead?> SetLeadDecisionAsync(AuditEntry audit, string leadId, string fromStatus, string status, string note, string reviewer, CancellationToken cancellationToken) =>
        WriteAsync<Lead?>(async (c, tx) =>
        {
            // A second decision waits on the row, then finds it no longer in fromStatus and writes nothing.
            await using var update = Command(c, $"UPDATE leads SET status = @s, reviewer = @r, note = @n, reviewed_at = @t WHERE id = @id AND status = @from RETURNING {LeadColumns};", tx,
                ("id", leadId), ("from", fromStatus), ("s", status), ("r", reviewer), ("n", note), ("t", Ms(DateTimeOffset.UtcNow)));
            if ((await ReadAllAsync(update, ReadLead, cancellationToken).ConfigureAwait(false)).FirstOrDefault() is not { } lead)
                return null;
            await AppendAuditedAsync(c, tx, audit, Ids([leadId, status, note]), lead.CollectionId, cancellationToken).ConfigureAwait(false);
            return lead;
        }, cancellationToken);

    private static Lead ReadLead(NpgsqlDataReader r) =>
        new(r.GetString(0), r.GetInt64(1), Text(r, 2), Text(r, 3), Text(r, 4), r.GetString(5), r.GetString(6), r.GetFloat(7), r.GetString(8),
            r.GetString(9), Text(r, 10), Text(r, 11), FromUnixMs(r.GetInt64(12)), Time(r, 13), Text(r, 14));
}

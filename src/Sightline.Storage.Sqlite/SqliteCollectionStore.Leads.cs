using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;

namespace Sightline.Storage.Sqlite;

public sealed partial class SqliteCollectionStore : ILeadStore
{
    private const string LeadColumns = "id, search_seq, case_id, purpose, collection_id, subject_type, subject_id, similarity, searched_by, status, reviewer, note, created_at, reviewed_at, probe_sha";

    public async Task<long> AppendSearchAsync(AuditEntry entry, IReadOnlyList<LeadMatch> matches, byte[]? probeImage, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var tx = await BeginAsync(connection, cancellationToken).ConfigureAwait(false);
        long seq = await AppendSearchAsync(connection, tx, entry, matches, probeImage, cancellationToken).ConfigureAwait(false);
        await CommitAsync(tx, cancellationToken).ConfigureAwait(false);
        return seq;
    }

    public async Task<bool> SucceedWithLeadsAsync(string jobId, AuditEntry entry, IReadOnlyList<LeadMatch> matches, DateTimeOffset completedAt, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var tx = await BeginAsync(connection, cancellationToken).ConfigureAwait(false);
        if (await ExecAsync(connection, tx, "UPDATE video_jobs SET status = 'SUCCEEDED', status_message = NULL, completed_at = $t WHERE id = $id AND status = 'IN_PROGRESS';", cancellationToken,
            ("$id", jobId), ("$t", completedAt.ToUnixTimeMilliseconds())).ConfigureAwait(false) == 0)
            return false;
        await AppendSearchAsync(connection, tx, entry, matches, null, cancellationToken).ConfigureAwait(false);
        await CommitAsync(tx, cancellationToken).ConfigureAwait(false);
        return true;
    }

    private async Task<long> AppendSearchAsync(SqliteConnection connection, SqliteTransaction tx, AuditEntry entry, IReadOnlyList<LeadMatch> matches, byte[]? probeImage, CancellationToken cancellationToken)
    {
        long seq = await AppendAsync(connection, tx, entry, cancellationToken).ConfigureAwait(false);
        long now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        string? sha = matches.Count > 0 && probeImage is { Length: > 0 } ? ProbeImages.Sha256(probeImage) : null;
        if (sha is not null)
            await ExecAsync(connection, tx, "INSERT INTO probe_images (sha, jpeg) VALUES ($sha, $jpeg) ON CONFLICT (sha) DO NOTHING;", cancellationToken,
                ("$sha", sha), ("$jpeg", probeImage)).ConfigureAwait(false);
        foreach (var m in matches)
        {
            await ExecAsync(connection, tx, $"INSERT INTO leads ({LeadColumns}) VALUES ($id, $seq, $case, $purpose, $c, $type, $subject, $sim, $by, 'pending', NULL, NULL, $now, NULL, $probe);", cancellationToken,
                ("$id", Guid.NewGuid().ToString()), ("$seq", seq), ("$case", entry.Case), ("$purpose", entry.Purpose), ("$c", entry.CollectionId),
                ("$type", m.SubjectType), ("$subject", m.SubjectId), ("$sim", m.Similarity), ("$by", entry.Actor), ("$now", now), ("$probe", sha)).ConfigureAwait(false);
        }
        return seq;
    }

    public async Task<byte[]?> GetLeadProbeAsync(string leadId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        return await ScalarAsync(connection, null, "SELECT p.jpeg FROM leads l JOIN probe_images p ON p.sha = l.probe_sha WHERE l.id = $id;", cancellationToken, ("$id", leadId)).ConfigureAwait(false) as byte[];
    }

    public async IAsyncEnumerable<Lead> ListLeadsAsync(string? caseId, string? status, int limit, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var cmd = Command(connection, $"SELECT {LeadColumns} FROM leads WHERE ($case IS NULL OR case_id = $case) AND ($status IS NULL OR status = $status) ORDER BY created_at, search_seq, id LIMIT $limit;", null,
            ("$case", caseId), ("$status", status), ("$limit", limit));
        await using var r = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return ReadLead(r);
        }
    }

    public async Task<Lead?> GetLeadAsync(string leadId, CancellationToken cancellationToken) =>
        (await QueryAsync($"SELECT {LeadColumns} FROM leads WHERE id = $id;", ReadLead, cancellationToken, ("$id", leadId)).ConfigureAwait(false)).FirstOrDefault();

    public async Task<Lead?> SetLeadDecisionAsync(AuditEntry audit, string leadId, string fromStatus, string status, string note, string reviewer, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var tx = await BeginAsync(connection, cancellationToken).ConfigureAwait(false);
        long now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        await using var update = Command(connection, $"UPDATE leads SET status = $s, reviewer = $r, note = $n, reviewed_at = $t WHERE id = $id AND status = $from RETURNING {LeadColumns};", tx,
            ("$id", leadId), ("$from", fromStatus), ("$s", status), ("$r", reviewer), ("$n", note), ("$t", now));
        if ((await ReadAllAsync(update, ReadLead, cancellationToken).ConfigureAwait(false)).FirstOrDefault() is not { } lead)
            return null;
        await CommitAuditedAsync(connection, tx, audit, Ids([leadId, status, note]), lead.CollectionId, cancellationToken).ConfigureAwait(false);
        return lead;
    }

    private static Lead ReadLead(SqliteDataReader r) =>
        new(r.GetString(0), r.GetInt64(1), Text(r, 2), Text(r, 3), Text(r, 4), r.GetString(5), r.GetString(6), r.GetFloat(7), r.GetString(8),
            r.GetString(9), Text(r, 10), Text(r, 11), FromUnixMs(r.GetInt64(12)), r.IsDBNull(13) ? null : FromUnixMs(r.GetInt64(13)), Text(r, 14));
}

using Npgsql;

namespace Sightline.Storage.Postgres;

public sealed partial class PostgresStore
{
    private const string JobColumns = "id, kind, status, status_message, request_json, client_request_token, job_tag, created_by, created_at, completed_at, case_id, purpose, role";

    public Task AddJobAsync(StoredJob job, CancellationToken cancellationToken) =>
        WriteAsync(async (c, tx) =>
        {
            await ExecAsync(c, tx, $"INSERT INTO video_jobs ({JobColumns}) VALUES (@id, @kind, @status, @message, @request, @token, @tag, @by, @created, NULL, @case, @purpose, @role);", cancellationToken,
                ("id", job.JobId), ("kind", job.Kind), ("status", job.Status), ("message", job.StatusMessage), ("request", job.RequestJson),
                ("token", job.ClientRequestToken), ("tag", job.JobTag), ("by", job.CreatedBy), ("created", Ms(job.CreatedAt)),
                ("case", job.Case), ("purpose", job.Purpose), ("role", job.Role)).ConfigureAwait(false);
        }, cancellationToken, new Violation(ErrorKind.Conflict, "A job with this id or client request token already exists."));

    public async Task<StoredJob?> GetJobAsync(string jobId, CancellationToken cancellationToken) =>
        (await QueryAsync($"SELECT {JobColumns} FROM video_jobs WHERE id = @a;", ReadJob, cancellationToken, ("a", jobId)).ConfigureAwait(false)).FirstOrDefault();

    public async Task<StoredJob?> FindJobByTokenAsync(string kind, string clientRequestToken, CancellationToken cancellationToken) =>
        (await QueryAsync($"SELECT {JobColumns} FROM video_jobs WHERE kind = @a AND client_request_token = @b;", ReadJob, cancellationToken,
            ("a", kind), ("b", clientRequestToken)).ConfigureAwait(false)).FirstOrDefault();

    public async Task<IReadOnlyList<StoredJob>> ListJobsAsync(string status, CancellationToken cancellationToken) =>
        await QueryAsync($"SELECT {JobColumns} FROM video_jobs WHERE status = @a ORDER BY created_at, id;", ReadJob, cancellationToken, ("a", status)).ConfigureAwait(false);

    public Task SetJobStatusAsync(string jobId, string status, string? statusMessage, DateTimeOffset? completedAt, CancellationToken cancellationToken) =>
        ExecuteAsync("UPDATE video_jobs SET status = @s, status_message = @m, completed_at = @t WHERE id = @id;", cancellationToken,
            ("id", jobId), ("s", status), ("m", statusMessage), ("t", Ms(completedAt)));

    public Task<bool> SucceedWithLeadsAsync(string jobId, AuditEntry entry, IReadOnlyList<LeadMatch> matches, DateTimeOffset completedAt, CancellationToken cancellationToken) =>
        WriteAsync(async (c, tx) =>
        {
            // A second caller waits on the row and then finds it no longer in progress: the leads are written once.
            if (await ExecAsync(c, tx, "UPDATE video_jobs SET status = 'SUCCEEDED', status_message = NULL, completed_at = @t WHERE id = @id AND status = 'IN_PROGRESS';", cancellationToken,
                ("id", jobId), ("t", Ms(completedAt))).ConfigureAwait(false) == 0)
                return false;
            await AppendSearchAsync(c, tx, entry, matches, null, cancellationToken).ConfigureAwait(false);
            return true;
        }, cancellationToken);

    public Task<StoredJob?> LeaseJobAsync(string holder, DateTimeOffset now, DateTimeOffset expiresAt, CancellationToken cancellationToken) =>
        // The candidate row is locked (rows other nodes are leasing at this moment are skipped) and its lease checked
        // again once locked: two nodes never leave with the same job while its lease is live.
        WriteAsync(async (c, tx) =>
        {
            await using var cmd = Command(c, $"""
                UPDATE video_jobs SET lease_holder = @h, lease_expires_at = @e
                WHERE id = (SELECT id FROM video_jobs WHERE status = 'IN_PROGRESS' AND (lease_holder IS NULL OR lease_holder = @h OR lease_expires_at < @now)
                            ORDER BY created_at, id LIMIT 1 FOR UPDATE SKIP LOCKED)
                RETURNING {JobColumns};
                """, tx, ("h", holder), ("e", Ms(expiresAt)), ("now", Ms(now)));
            return (await ReadAllAsync(cmd, ReadJob, cancellationToken).ConfigureAwait(false)).FirstOrDefault();
        }, cancellationToken);

    public async Task<bool> RenewJobLeaseAsync(string jobId, string holder, DateTimeOffset expiresAt, CancellationToken cancellationToken) =>
        await ExecuteAsync("UPDATE video_jobs SET lease_expires_at = @e WHERE id = @id AND lease_holder = @h AND status = 'IN_PROGRESS';", cancellationToken,
            ("id", jobId), ("h", holder), ("e", Ms(expiresAt))).ConfigureAwait(false) == 1;

    public async Task<bool> SaveJobResultsAsync(string jobId, string holder, string resultsJson, CancellationToken cancellationToken) =>
        await ExecuteAsync("""
            INSERT INTO video_job_results (job_id, results) SELECT id, @r FROM video_jobs WHERE id = @id AND lease_holder = @h AND status = 'IN_PROGRESS'
            ON CONFLICT (job_id) DO UPDATE SET results = excluded.results;
            """, cancellationToken, ("id", jobId), ("h", holder), ("r", resultsJson)).ConfigureAwait(false) == 1;

    public async Task<string?> GetJobResultsAsync(string jobId, CancellationToken cancellationToken) =>
        (await QueryAsync("SELECT results FROM video_job_results WHERE job_id = @id;", r => r.GetString(0), cancellationToken, ("id", jobId)).ConfigureAwait(false)).FirstOrDefault();

    public Task<bool> HoldWorkAsync(string work, string holder, DateTimeOffset now, DateTimeOffset expiresAt, CancellationToken cancellationToken) =>
        // The row is locked by the conflict: of two nodes asking at once, the second sees the first's fresh lease.
        WriteAsync(async (c, tx) =>
        {
            await using var cmd = Command(c, """
                INSERT INTO work_leases (work, holder, expires_at) VALUES (@w, @h, @e)
                ON CONFLICT (work) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
                WHERE work_leases.holder = excluded.holder OR work_leases.expires_at < @now
                RETURNING holder;
                """, tx, ("w", work), ("h", holder), ("e", Ms(expiresAt)), ("now", Ms(now)));
            return (await ReadAllAsync(cmd, r => r.GetString(0), cancellationToken).ConfigureAwait(false)).Count == 1;
        }, cancellationToken);

    private static StoredJob ReadJob(NpgsqlDataReader r) =>
        new(r.GetString(0), r.GetString(1), r.GetString(2), Text(r, 3), r.GetString(4), Text(r, 5), Text(r, 6), Text(r, 7), FromUnixMs(r.GetInt64(8)), Time(r, 9))
        {
            Case = Text(r, 10),
            Purpose = Text(r, 11),
            Role = Text(r, 12),
        };
}

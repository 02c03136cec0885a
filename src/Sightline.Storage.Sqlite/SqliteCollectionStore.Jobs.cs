using Microsoft.Data.Sqlite;

namespace Sightline.Storage.Sqlite;

public sealed partial class SqliteCollectionStore : IJobStore
{
    private const string JobColumns = "id, kind, status, status_message, request_json, client_request_token, job_tag, created_by, created_at, completed_at, case_id, purpose, role";

    public async Task AddJobAsync(StoredJob job, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await ExecAsync(connection, null, $"INSERT INTO video_jobs ({JobColumns}) VALUES ($id, $kind, $status, $message, $request, $token, $tag, $by, $created, NULL, $case, $purpose, $role);", cancellationToken,
                ("$id", job.JobId), ("$kind", job.Kind), ("$status", job.Status), ("$message", job.StatusMessage), ("$request", job.RequestJson),
                ("$token", job.ClientRequestToken), ("$tag", job.JobTag), ("$by", job.CreatedBy), ("$created", job.CreatedAt.ToUnixTimeMilliseconds()),
                ("$case", job.Case), ("$purpose", job.Purpose), ("$role", job.Role)).ConfigureAwait(false);
        }
        catch (SqliteException ex) when (ex.SqliteErrorCode == 19)
        {
            throw new SightlineException(ErrorKind.Conflict, $"A job with this id or client request token already exists.", ex);
        }
    }

    public async Task<StoredJob?> GetJobAsync(string jobId, CancellationToken cancellationToken) =>
        (await QueryAsync($"SELECT {JobColumns} FROM video_jobs WHERE id = $a;", ReadJob, cancellationToken, ("$a", jobId)).ConfigureAwait(false)).FirstOrDefault();

    public async Task<StoredJob?> FindJobByTokenAsync(string kind, string clientRequestToken, CancellationToken cancellationToken) =>
        (await QueryAsync($"SELECT {JobColumns} FROM video_jobs WHERE kind = $a AND client_request_token = $b;", ReadJob, cancellationToken,
            ("$a", kind), ("$b", clientRequestToken)).ConfigureAwait(false)).FirstOrDefault();

    public async Task<IReadOnlyList<StoredJob>> ListJobsAsync(string status, CancellationToken cancellationToken) =>
        await QueryAsync($"SELECT {JobColumns} FROM video_jobs WHERE status = $a ORDER BY created_at;", ReadJob, cancellationToken, ("$a", status)).ConfigureAwait(false);

    public async Task SetJobStatusAsync(string jobId, string status, string? statusMessage, DateTimeOffset? completedAt, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await ExecAsync(connection, null, "UPDATE video_jobs SET status = $s, status_message = $m, completed_at = $t WHERE id = $id;", cancellationToken,
            ("$id", jobId), ("$s", status), ("$m", statusMessage), ("$t", completedAt?.ToUnixTimeMilliseconds())).ConfigureAwait(false);
    }

    public async Task<StoredJob?> LeaseJobAsync(string holder, DateTimeOffset now, DateTimeOffset expiresAt, CancellationToken cancellationToken) =>
        // One statement: SQLite runs it under the database's write lock, so two processes never lease the same job.
        (await QueryAsync($"""
            UPDATE video_jobs SET lease_holder = $h, lease_expires_at = $e
            WHERE id = (SELECT id FROM video_jobs WHERE status = 'IN_PROGRESS' AND (lease_holder IS NULL OR lease_holder = $h OR lease_expires_at < $now)
                        ORDER BY created_at, id LIMIT 1)
            RETURNING {JobColumns};
            """, ReadJob, cancellationToken, ("$h", holder), ("$e", expiresAt.ToUnixTimeMilliseconds()), ("$now", now.ToUnixTimeMilliseconds())).ConfigureAwait(false)).FirstOrDefault();

    public async Task<bool> RenewJobLeaseAsync(string jobId, string holder, DateTimeOffset expiresAt, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        return await ExecAsync(connection, null, "UPDATE video_jobs SET lease_expires_at = $e WHERE id = $id AND lease_holder = $h AND status = 'IN_PROGRESS';", cancellationToken,
            ("$id", jobId), ("$h", holder), ("$e", expiresAt.ToUnixTimeMilliseconds())).ConfigureAwait(false) == 1;
    }

    public async Task<bool> SaveJobResultsAsync(string jobId, string holder, string resultsJson, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        return await ExecAsync(connection, null, """
            INSERT INTO video_job_results (job_id, results) SELECT id, $r FROM video_jobs WHERE id = $id AND lease_holder = $h AND status = 'IN_PROGRESS'
            ON CONFLICT (job_id) DO UPDATE SET results = excluded.results;
            """, cancellationToken, ("$id", jobId), ("$h", holder), ("$r", resultsJson)).ConfigureAwait(false) == 1;
    }

    public async Task<string?> GetJobResultsAsync(string jobId, CancellationToken cancellationToken) =>
        (await QueryAsync("SELECT results FROM video_job_results WHERE job_id = $id;", r => r.GetString(0), cancellationToken, ("$id", jobId)).ConfigureAwait(false)).FirstOrDefault();

    public async Task<bool> HoldWorkAsync(string work, string holder, DateTimeOffset now, DateTimeOffset expiresAt, CancellationToken cancellationToken) =>
        (await QueryAsync("""
            INSERT INTO work_leases (work, holder, expires_at) VALUES ($w, $h, $e)
            ON CONFLICT (work) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
            WHERE work_leases.holder = excluded.holder OR work_leases.expires_at < $now
            RETURNING holder;
            """, r => r.GetString(0), cancellationToken, ("$w", work), ("$h", holder), ("$e", expiresAt.ToUnixTimeMilliseconds()), ("$now", now.ToUnixTimeMilliseconds())).ConfigureAwait(false)).Count == 1;

    private static StoredJob ReadJob(SqliteDataReader r) =>
        new(r.GetString(0), r.GetString(1), r.GetString(2), Text(r, 3), r.GetString(4), Text(r, 5), Text(r, 6), Text(r, 7),
            FromUnixMs(r.GetInt64(8)), r.IsDBNull(9) ? null : FromUnixMs(r.GetInt64(9)))
        {
            Case = Text(r, 10),
            Purpose = Text(r, 11),
            Role = Text(r, 12),
        };
}

using Microsoft.Data.Sqlite;

namespace Sightline.Storage.Sqlite;

public sealed partial class SqliteCollectionStore : IJobStore
{
    private const string JobColumns = "id, kind, status, status_message, request_json, client_request_token, job_tag, created_by, created_at, completed_at, case_id, purpose, role";

    public void AddJob(StoredJob job)
    {
        using var connection = Open();
        using var cmd = Command(connection, $"INSERT INTO video_jobs ({JobColumns}) VALUES ($id, $kind, $status, $message, $request, $token, $tag, $by, $created, NULL, $case, $purpose, $role);", null,
            ("$id", job.JobId), ("$kind", job.Kind), ("$status", job.Status), ("$message", job.StatusMessage), ("$request", job.RequestJson),
            ("$token", job.ClientRequestToken), ("$tag", job.JobTag), ("$by", job.CreatedBy), ("$created", job.CreatedAt.ToUnixTimeMilliseconds()),
            ("$case", job.Case), ("$purpose", job.Purpose), ("$role", job.Role));
        try
        {
            cmd.ExecuteNonQuery();
        }
        catch (SqliteException ex) when (ex.SqliteErrorCode == 19)
        {
            throw new SightlineException(ErrorKind.Conflict, $"A job with this id or client request token already exists.", ex);
        }
    }

    public StoredJob? GetJob(string jobId) => QueryJobs($"SELECT {JobColumns} FROM video_jobs WHERE id = $a;", jobId).FirstOrDefault();

    public StoredJob? FindJobByToken(string kind, string clientRequestToken) =>
        QueryJobs($"SELECT {JobColumns} FROM video_jobs WHERE kind = $a AND client_request_token = $b;", kind, clientRequestToken).FirstOrDefault();

    public IReadOnlyList<StoredJob> ListJobs(string status) => QueryJobs($"SELECT {JobColumns} FROM video_jobs WHERE status = $a ORDER BY created_at;", status);

    public void SetJobStatus(string jobId, string status, string? statusMessage, DateTimeOffset? completedAt)
    {
        using var connection = Open();
        using var cmd = Command(connection, "UPDATE video_jobs SET status = $s, status_message = $m, completed_at = $t WHERE id = $id;", null,
            ("$id", jobId), ("$s", status), ("$m", statusMessage), ("$t", completedAt?.ToUnixTimeMilliseconds()));
        cmd.ExecuteNonQuery();
    }

    private List<StoredJob> QueryJobs(string sql, string a, string? b = null)
    {
        using var connection = Open();
        using var cmd = Command(connection, sql, null, ("$a", a), ("$b", b));
        using var r = cmd.ExecuteReader();
        var jobs = new List<StoredJob>();
        while (r.Read())
        {
            jobs.Add(new StoredJob(r.GetString(0), r.GetString(1), r.GetString(2), r.IsDBNull(3) ? null : r.GetString(3), r.GetString(4),
                r.IsDBNull(5) ? null : r.GetString(5), r.IsDBNull(6) ? null : r.GetString(6), r.IsDBNull(7) ? null : r.GetString(7),
                FromUnixMs(r.GetInt64(8)), r.IsDBNull(9) ? null : FromUnixMs(r.GetInt64(9)))
            {
                Case = r.IsDBNull(10) ? null : r.GetString(10),
                Purpose = r.IsDBNull(11) ? null : r.GetString(11),
                Role = r.IsDBNull(12) ? null : r.GetString(12),
            });
        }
        return jobs;
    }
}

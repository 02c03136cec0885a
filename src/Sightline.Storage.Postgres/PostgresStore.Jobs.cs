using Npgsql;

namespace Sightline.Storage.Postgres;

public sealed partial class PostgresStore
{
    private const string JobColumns = "id, kind, status, status_message, request_json, client_request_token, job_tag, created_by, created_at, completed_at, case_id, purpose, role";

    public void AddJob(StoredJob job) =>
        Write((c, tx) =>
        {
            using var cmd = Command(c, $"INSERT INTO video_jobs ({JobColumns}) VALUES (@id, @kind, @status, @message, @request, @token, @tag, @by, @created, NULL, @case, @purpose, @role);", tx,
                ("id", job.JobId), ("kind", job.Kind), ("status", job.Status), ("message", job.StatusMessage), ("request", job.RequestJson),
                ("token", job.ClientRequestToken), ("tag", job.JobTag), ("by", job.CreatedBy), ("created", Ms(job.CreatedAt)),
                ("case", job.Case), ("purpose", job.Purpose), ("role", job.Role));
            cmd.ExecuteNonQuery();
        }, new Violation(ErrorKind.Conflict, "A job with this id or client request token already exists."));

    public StoredJob? GetJob(string jobId) => Query($"SELECT {JobColumns} FROM video_jobs WHERE id = @a;", ReadJob, ("a", jobId)).FirstOrDefault();

    public StoredJob? FindJobByToken(string kind, string clientRequestToken) =>
        Query($"SELECT {JobColumns} FROM video_jobs WHERE kind = @a AND client_request_token = @b;", ReadJob, ("a", kind), ("b", clientRequestToken)).FirstOrDefault();

    public IReadOnlyList<StoredJob> ListJobs(string status) =>
        Query($"SELECT {JobColumns} FROM video_jobs WHERE status = @a ORDER BY created_at, id;", ReadJob, ("a", status));

    public void SetJobStatus(string jobId, string status, string? statusMessage, DateTimeOffset? completedAt) =>
        Execute("UPDATE video_jobs SET status = @s, status_message = @m, completed_at = @t WHERE id = @id;",
            ("id", jobId), ("s", status), ("m", statusMessage), ("t", Ms(completedAt)));

    public bool SucceedWithLeads(string jobId, AuditEntry entry, IReadOnlyList<LeadMatch> matches, DateTimeOffset completedAt) =>
        Write((c, tx) =>
        {
            // A second caller waits on the row and then finds it no longer in progress: the leads are written once.
            using var update = Command(c, "UPDATE video_jobs SET status = 'SUCCEEDED', status_message = NULL, completed_at = @t WHERE id = @id AND status = 'IN_PROGRESS';", tx,
                ("id", jobId), ("t", Ms(completedAt)));
            if (update.ExecuteNonQuery() == 0)
                return false;
            AppendSearch(c, tx, entry, matches);
            return true;
        });

    private static StoredJob ReadJob(NpgsqlDataReader r) =>
        new(r.GetString(0), r.GetString(1), r.GetString(2), Text(r, 3), r.GetString(4), Text(r, 5), Text(r, 6), Text(r, 7), FromUnixMs(r.GetInt64(8)), Time(r, 9))
        {
            Case = Text(r, 10),
            Purpose = Text(r, 11),
            Role = Text(r, 12),
        };
}

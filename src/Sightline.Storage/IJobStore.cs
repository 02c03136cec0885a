namespace Sightline.Storage;

/// <summary>A stored-video job: what was asked (the request as JSON), by whom, and where it stands.</summary>
public sealed record StoredJob(
    string JobId,
    string Kind,
    string Status,
    string? StatusMessage,
    string RequestJson,
    string? ClientRequestToken,
    string? JobTag,
    string? CreatedBy,
    DateTimeOffset CreatedAt,
    DateTimeOffset? CompletedAt)
{
    /// <summary>The case, purpose and role a face search job was started under (its matches become leads under them).</summary>
    public string? Case { get; init; }

    public string? Purpose { get; init; }

    public string? Role { get; init; }
}

/// <summary>Durable job records, so a job accepted before a crash is resumed after it.</summary>
public interface IJobStore
{
    /// <summary>Conflict when the id, or the kind and client request token, is taken.</summary>
    Task AddJobAsync(StoredJob job, CancellationToken cancellationToken);

    Task<StoredJob?> GetJobAsync(string jobId, CancellationToken cancellationToken);

    Task<StoredJob?> FindJobByTokenAsync(string kind, string clientRequestToken, CancellationToken cancellationToken);

    Task SetJobStatusAsync(string jobId, string status, string? statusMessage, DateTimeOffset? completedAt, CancellationToken cancellationToken);

    /// <summary>
    /// Marks an in-progress face search job SUCCEEDED and records its audit entry and leads, in one transaction:
    /// a crash leaves either both or neither, so a job resumed after a crash never records its leads twice.
    /// False (nothing written) when the job is not in progress.
    /// </summary>
    Task<bool> SucceedWithLeadsAsync(string jobId, AuditEntry entry, IReadOnlyList<LeadMatch> matches, DateTimeOffset completedAt, CancellationToken cancellationToken);

    Task<IReadOnlyList<StoredJob>> ListJobsAsync(string status, CancellationToken cancellationToken);

    /// <summary>
    /// Leases the oldest in-progress job that no one else holds a live lease on (never leased, its lease run out, or
    /// already <paramref name="holder"/>'s) to <paramref name="holder"/> until <paramref name="expiresAt"/>, and returns
    /// it; null when there is none. Atomic across processes sharing the database: while a lease is live, no other
    /// holder is given its job, and a job whose holder died is given to the next that asks once the lease runs out.
    /// </summary>
    Task<StoredJob?> LeaseJobAsync(string holder, DateTimeOffset now, DateTimeOffset expiresAt, CancellationToken cancellationToken);

    /// <summary>Extends <paramref name="holder"/>'s lease of an in-progress job; false when it no longer holds it (taken over, or finished).</summary>
    Task<bool> RenewJobLeaseAsync(string jobId, string holder, DateTimeOffset expiresAt, CancellationToken cancellationToken);

    /// <summary>
    /// Stores a job's results (JSON) where every server sharing the database reads them, only while
    /// <paramref name="holder"/> holds the lease of the job in progress (replacing any it stored before); false, and
    /// nothing stored, when it does not.
    /// </summary>
    Task<bool> SaveJobResultsAsync(string jobId, string holder, string resultsJson, CancellationToken cancellationToken);

    /// <summary>A job's stored results, or null when none were stored.</summary>
    Task<string?> GetJobResultsAsync(string jobId, CancellationToken cancellationToken);

    /// <summary>
    /// Holds the lease on a piece of work that runs once for the whole database (a retention sweep), for
    /// <paramref name="holder"/> until <paramref name="expiresAt"/>: true when it holds it now (it was free, its last
    /// holder's lease ran out, or it is renewing its own), false while another holds a live lease.
    /// </summary>
    Task<bool> HoldWorkAsync(string work, string holder, DateTimeOffset now, DateTimeOffset expiresAt, CancellationToken cancellationToken);
}

using Npgsql;

namespace Sightline.Storage.Postgres;

/// <summary>What an integrity violation (SQLSTATE class 23) means for one call: the error the SQLite store raises for it.</summary>
internal sealed record Violation(ErrorKind Kind, string Message);

/// <summary>The one place where PostgreSQL's SQLSTATEs become Sightline's errors.</summary>
internal static class PostgresErrors
{
    public const string UniqueViolation = "23505";
    public const string ForeignKeyViolation = "23503";
    public const string SerializationFailure = "40001";
    public const string DeadlockDetected = "40P01";
    public const string TooManyConnections = "53300";
    public const string CannotConnectNow = "57P03";
    public const string RaiseException = "P0001";

    /// <summary>The transaction lost a race and may simply be run again.</summary>
    public static bool IsRetryable(PostgresException ex) => ex.SqlState is SerializationFailure or DeadlockDetected;

    /// <summary>
    /// The Sightline error for a server error, or null to let it through as it is. An integrity violation takes the
    /// call's <paramref name="violation"/> when it has one (SQLite reports unique, foreign-key, not-null and check
    /// violations alike as SQLITE_CONSTRAINT, and its store maps them per call).
    /// </summary>
    public static SightlineException? Translate(PostgresException ex, Violation? violation) => ex.SqlState switch
    {
        _ when ex.SqlState.StartsWith("23", StringComparison.Ordinal) && violation is not null => new SightlineException(violation.Kind, violation.Message, ex),
        SerializationFailure or DeadlockDetected => new SightlineException(ErrorKind.Throttling, "The database is busy with conflicting writes; try again.", ex),
        TooManyConnections or CannotConnectNow => new SightlineException(ErrorKind.Throttling, "The database accepts no more connections just now; try again.", ex),
        _ => null,
    };
}

using Microsoft.Extensions.Options;
using Sightline.Storage.Sqlite;

namespace Sightline.Hosting;

/// <summary>Checks the options before anything is built: a bad path or database names itself in one message.</summary>
internal sealed class SightlineOptionsValidator : IValidateOptions<SightlineOptions>
{
    public ValidateOptionsResult Validate(string? name, SightlineOptions options)
    {
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.DataDirectory) || !Path.IsPathFullyQualified(options.DataDirectory))
            failures.Add($"The data directory must be an absolute path, got '{options.DataDirectory}'.");
        if (options.SecretsDirectory is { } secrets && !Path.IsPathFullyQualified(secrets))
            failures.Add($"The secrets directory must be an absolute path, got '{secrets}'.");
        if (options.Database is { } database && StorageChoice.Describe(database) is { } problem)
            failures.Add(problem);
        foreach (var (what, dir) in new[] { ("faces", options.Faces.ModelsDirectory), ("labels", options.Labels.ModelsDirectory), ("text", options.Text.ModelsDirectory) })
        {
            if (string.IsNullOrWhiteSpace(dir))
                failures.Add($"The models directory for {what} is empty.");
        }
        if (options.Alerts.QueueCapacity < 1 || options.Alerts.Concurrency < 1 || options.Alerts.MaxRetries < 0)
            failures.Add("Alert delivery needs a queue capacity and concurrency of at least 1 and no negative retries.");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

/// <summary>Which storage provider a <c>--database</c> value names.</summary>
internal static class StorageChoice
{
    public static bool IsPostgres(string database) =>
        database.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase) || database.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase)
        || database.Contains("Host=", StringComparison.OrdinalIgnoreCase);

    /// <summary>Null when the value names a provider this build has; otherwise why not.</summary>
    public static string? Describe(string database)
    {
        if (string.IsNullOrWhiteSpace(database))
            return "--database is empty; leave it out for the embedded default.";
        if (SqliteStorage.Accepts(database))
            return null;
        return IsPostgres(database)
            ? "--database names a PostgreSQL server, but this build has no PostgreSQL provider; use the embedded default or a SQLite file."
            : $"--database '{database}' names no known database: give a SQLite path (or sqlite:PATH).";
    }
}

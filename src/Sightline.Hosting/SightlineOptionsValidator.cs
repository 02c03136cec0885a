using Microsoft.Extensions.Options;
using Sightline.Alerts;
using Sightline.Outbound;
using Sightline.Storage.Postgres;
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
        else if (StorageChoice.IsShared(options.Database) && SightlineSecrets.Missing(options.Secrets) is { Count: > 0 } missing)
            failures.Add($"The secrets directory {options.Secrets} has no {string.Join(", ", missing)}. A shared database's keys are provisioned once, "
                + "not minted by whichever process starts first: run 'sightline secrets init --secrets DIR' on one machine and give every process that opens the database the same directory.");
        foreach (var (what, dir) in new[] { ("faces", options.Faces.ModelsDirectory), ("labels", options.Labels.ModelsDirectory), ("text", options.Text.ModelsDirectory) })
        {
            if (string.IsNullOrWhiteSpace(dir))
                failures.Add($"The models directory for {what} is empty.");
        }
        foreach (string entry in options.AllowOutbound)
        {
            try
            {
                OutboundPolicy.ParseEntry(entry);
            }
            catch (SightlineException ex)
            {
                failures.Add(ex.Message);
            }
        }
        if (!NodeNames.Valid().IsMatch(options.Node))
            failures.Add($"The node name must be 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit; got '{options.Node}'.");
        foreach (var (arn, target) in options.JobTopics)
        {
            if (StoredVideo.JobNotifications.Problem(arn, target) is { } topicProblem)
                failures.Add(topicProblem);
            else if (target == StoredVideo.JobNotifications.Mqtt && options.Mqtt.Mode == Live.Feeds.MqttMode.Off)
                failures.Add($"The job topic {arn} maps to MQTT, which is off.");
        }
        if (options.Alerts.QueueCapacity < 1 || options.Alerts.Concurrency < 1 || options.Alerts.MaxRetries < 0)
            failures.Add("Alert delivery needs a queue capacity and concurrency of at least 1 and no negative retries.");
        failures.AddRange(new AlertChannels(options.Smtp, options.SmsGateways).Problems(new OutboundPolicy(options.AllowOutbound)));
        var live = options.Live;
        if (live.MaxCameras < 0 || live.RingSeconds <= 0 || live.StallTimeout <= TimeSpan.Zero || live.FirstBackoff <= TimeSpan.Zero || live.MaxBackoff < live.FirstBackoff
            || live.SyncInterval <= TimeSpan.Zero || live.StatusInterval <= TimeSpan.Zero || live.DefaultDetectWidth < 64)
            failures.Add("Live cameras need a camera limit of 0 or more, positive intervals, a ring of some length, a last backoff no shorter than the first and a detect width of at least 64.");
        failures.AddRange(options.Mqtt.Problems());
        if (!(live.ClipPreSeconds is >= 0 and <= 60) || !(live.ClipPostSeconds is >= 0 and <= 60) || !(live.MaxClipSeconds is >= 1 and <= 3600)
            || live.ClipPreSeconds + live.ClipPostSeconds >= live.MaxClipSeconds || live.MaxClipsPerCamera is < 0 or > 16)
            failures.Add("Event clips need ClipPreSeconds and ClipPostSeconds of 0–60, a MaxClipSeconds of 1–3600 longer than the two together, and MaxClipsPerCamera of 0–16.");
        if (live.OrphanEventDays is < 1 or > Storage.RetentionRule.MaxDays)
            failures.Add($"OrphanEventDays must be from 1 to {Storage.RetentionRule.MaxDays}.");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

/// <summary>Which storage provider a <c>--database</c> value names.</summary>
internal static class StorageChoice
{
    /// <summary>A database other processes on other machines may open too, so its keys must be provisioned, never minted.</summary>
    public static bool IsShared(string? database) => database is not null && PostgresStorage.Accepts(database);

    /// <summary>Null when the value names a provider this build has; otherwise why not.</summary>
    public static string? Describe(string database)
    {
        if (string.IsNullOrWhiteSpace(database))
            return "--database is empty; leave it out for the embedded default.";
        if (PostgresStorage.Accepts(database))
            return PostgresStorage.Describe(database);
        if (SqliteStorage.Accepts(database))
            return null;
        return $"--database '{database}' names no known database: give a SQLite path (or sqlite:PATH), a postgresql:// URI or Host=...;Database=... keywords.";
    }
}

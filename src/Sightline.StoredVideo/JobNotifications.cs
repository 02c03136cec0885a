using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Sightline.Storage;

namespace Sightline.StoredVideo;

/// <summary>
/// NotificationChannel for stored-video jobs: the server maps Amazon SNS topic ARNs to a webhook URL (a JSON POST)
/// or to MQTT (<c>PREFIX/jobs/TOPIC</c>), and a job started with a mapped topic has its completion told there in the
/// shape Rekognition publishes to SNS (JobId, Status, API, JobTag, Timestamp, Video). A webhook is tried three times;
/// a notification is told at most once (one lost to a crash at the moment the job ends is not told again).
/// </summary>
public sealed partial class JobNotifications(IReadOnlyDictionary<string, string> topics, HttpClient http, Func<string, string, bool>? mqtt, ILogger logger)
{
    public const string Mqtt = "mqtt";

    /// <summary>Why a mapping cannot be used, or null: an SNS topic ARN to an http(s) URL or <see cref="Mqtt"/>.</summary>
    public static string? Problem(string arn, string target)
    {
        if (!IsTopicArn(arn))
            return $"'{arn}' is not an SNS topic ARN (arn:aws:sns:REGION:ACCOUNT:TOPIC).";
        if (target == Mqtt)
            return null;
        return Uri.TryCreate(target, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" && string.IsNullOrEmpty(uri.UserInfo)
            ? null : $"The job topic {arn} must map to an http(s) URL without credentials or to '{Mqtt}', got '{target}'.";
    }

    /// <summary>The topic a Start* request named, when this server maps it; InvalidParameter naming the ARN otherwise.</summary>
    public string Check(string? arn, string kind)
    {
        if (arn is null || !IsTopicArn(arn))
            throw SightlineException.InvalidParameter("NotificationChannel.SNSTopicArn must be an SNS topic ARN (arn:aws:sns:REGION:ACCOUNT:TOPIC).");
        if (!topics.ContainsKey(arn))
            throw SightlineException.InvalidParameter($"NotificationChannel.SNSTopicArn {arn} is not mapped on this server (serve --job-topic ARN=URL|mqtt); "
                + $"leave NotificationChannel out and poll Get{kind}.");
        return arn;
    }

    internal async Task NotifyAsync(StoredJob job, VideoJobSpec spec, CancellationToken ct)
    {
        if (spec.NotificationTopic is not { } arn || !topics.TryGetValue(arn, out var target))
            return;
        string body = Message(job, spec);
        if (target == Mqtt)
        {
            if (mqtt?.Invoke(arn[(arn.LastIndexOf(':') + 1)..], body) != true)
                LogFailed(logger, job.JobId, arn, "MQTT is off");
            return;
        }
        for (int attempt = 1; attempt <= 3; attempt++)
        {
            try
            {
                using var content = new StringContent(body, Encoding.UTF8, "application/json");
                using var request = new HttpRequestMessage(HttpMethod.Post, target) { Content = content };
                request.Headers.Add("X-Sightline-Topic", arn);
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
                timeout.CancelAfter(TimeSpan.FromSeconds(10));
                using var response = await http.SendAsync(request, timeout.Token).ConfigureAwait(false);
                if (response.IsSuccessStatusCode)
                    return;
                LogFailed(logger, job.JobId, arn, $"HTTP {(int)response.StatusCode} (attempt {attempt})");
            }
            catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException or SightlineException && !ct.IsCancellationRequested)
            {
                LogFailed(logger, job.JobId, arn, $"{ex.Message} (attempt {attempt})");
            }
            await Task.Delay(TimeSpan.FromSeconds(attempt * 2), ct).ConfigureAwait(false);
        }
    }

    /// <summary>Rekognition's completion message: {"JobId", "Status", "API", "JobTag", "Timestamp", "Video": {"S3ObjectName", "S3Bucket"}}.</summary>
    internal static string Message(StoredJob job, VideoJobSpec spec)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("JobId", job.JobId);
            w.WriteString("Status", job.Status);
            w.WriteString("API", "Start" + job.Kind);
            if (job.JobTag is { } tag)
                w.WriteString("JobTag", tag);
            w.WriteNumber("Timestamp", (job.CompletedAt ?? DateTimeOffset.UtcNow).ToUnixTimeMilliseconds());
            w.WriteStartObject("Video");
            w.WriteString("S3ObjectName", spec.Video.Name);
            w.WriteString("S3Bucket", spec.Video.Bucket);
            w.WriteEndObject();
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static bool IsTopicArn(string arn)
    {
        var parts = arn.Split(':');
        return arn.Length <= 256 && parts.Length == 6 && parts[0] == "arn" && parts[1].StartsWith("aws", StringComparison.Ordinal) && parts[2] == "sns"
            && parts[5].Length is > 0 and <= 256 && parts[5].All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_')
            && parts[4].All(char.IsAsciiDigit) && parts[3].All(c => char.IsAsciiLetterOrDigit(c) || c == '-');
    }

    [LoggerMessage(EventId = 13, Level = LogLevel.Warning, Message = "video job {JobId}: the completion for {Topic} was not delivered: {Reason}")]
    private static partial void LogFailed(ILogger logger, string jobId, string topic, string reason);
}

using System.Net.Sockets;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;
using Polly;
using Polly.Retry;
using Polly.Timeout;
using Sightline.Storage;

namespace Sightline.Alerts;

/// <summary>
/// Sends an alert by email through the configured SMTP server (MailKit): one plain-text message to all of the rule's
/// addresses with the event's snapshot JPEG attached when there is one. Retried like webhooks on connection failures,
/// timeouts and transient (4xx) SMTP replies; a permanent (5xx) reply or a refused login is not retried.
/// </summary>
public sealed class EmailDelivery
{
    private readonly SmtpSettings _smtp;
    private readonly Func<string, CancellationToken, Task<string?>> _snapshotPath;
    private readonly ResiliencePipeline _pipeline;

    /// <param name="snapshotPath">A local path holding an event's snapshot, from its id; null when it has none.</param>
    public EmailDelivery(SmtpSettings smtp, AlertOptions options, Func<string, CancellationToken, Task<string?>> snapshotPath)
    {
        (_smtp, _snapshotPath) = (smtp, snapshotPath);
        _pipeline = new ResiliencePipelineBuilder()
            .AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = options.MaxRetries,
                Delay = options.FirstRetryDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = false,
                ShouldHandle = new PredicateBuilder()
                    .Handle<SmtpCommandException>(ex => (int)ex.StatusCode is >= 400 and < 500)
                    .Handle<SmtpProtocolException>()
                    .Handle<ServiceNotConnectedException>()
                    .Handle<IOException>()
                    .Handle<SocketException>()
                    .Handle<TimeoutRejectedException>(),
            })
            .AddTimeout(options.AttemptTimeout)
            .Build();
    }

    public async Task<DeliveryOutcome> SendAsync(AlertRecord alert, AlertRule rule, CancellationToken ct)
    {
        if (rule.Emails.Count == 0)
            return DeliveryOutcome.Failed("the rule has no email addresses");
        int attempts = 0;
        try
        {
            (string User, string Password)? login = _smtp.Username is { Length: > 0 } user && _smtp.PasswordFile is { } file
                ? (user, (await File.ReadAllTextAsync(file, ct).ConfigureAwait(false)).TrimEnd('\r', '\n'))
                : null;
            using var message = await MessageAsync(alert, rule, ct).ConfigureAwait(false);
            await _pipeline.ExecuteAsync(async token =>
            {
                attempts++;
                using var client = new SmtpClient();
                await client.ConnectAsync(_smtp.Host, _smtp.Port, Socket(_smtp.Security), token).ConfigureAwait(false);
                if (login is { } l)
                    await client.AuthenticateAsync(l.User, l.Password, token).ConfigureAwait(false);
                await client.SendAsync(message, token).ConfigureAwait(false);
                await client.DisconnectAsync(true, token).ConfigureAwait(false);
            }, ct).ConfigureAwait(false);
            return new DeliveryOutcome(true, attempts, null);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            // The message names what failed, never the password.
            return new DeliveryOutcome(false, attempts, ex is AuthenticationException ? "the SMTP server refused the login" : $"{ex.GetType().Name}: {ex.Message}");
        }
    }

    /// <summary>The message: subject and plain-text body from <see cref="AlertMessage"/>, the snapshot attached as <c>ID.jpg</c>.</summary>
    public async Task<MimeMessage> MessageAsync(AlertRecord alert, AlertRule rule, CancellationToken ct)
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(_smtp.From));
        foreach (string to in rule.Emails)
            message.To.Add(MailboxAddress.Parse(to));
        message.Subject = AlertMessage.Subject(alert);
        message.Headers.Add("X-Sightline-Alert", alert.Id);
        var body = new BodyBuilder { TextBody = AlertMessage.Body(alert) };
        if (AlertMessage.EventId(alert) is { } id && await _snapshotPath(id, ct).ConfigureAwait(false) is { } path && File.Exists(path))
        {
            var snapshot = File.OpenRead(path);
            await using (snapshot.ConfigureAwait(false))
                await body.Attachments.AddAsync(id + ".jpg", snapshot, new ContentType("image", "jpeg"), ct).ConfigureAwait(false); // copied into the message
        }
        message.Body = body.ToMessageBody();
        return message;
    }

    private static SecureSocketOptions Socket(string security) => security switch
    {
        SmtpSecurity.None => SecureSocketOptions.None,
        SmtpSecurity.Tls => SecureSocketOptions.SslOnConnect,
        _ => SecureSocketOptions.StartTls,
    };
}

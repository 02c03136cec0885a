namespace Sightline.Alerts;

/// <summary>The SMTP server alert emails are sent through. The password lives in its own file, never in the options.</summary>
public sealed record SmtpSettings
{
    public string Host { get; init; } = "";

    public int Port { get; init; } = 587;

    /// <summary><c>none</c>, <c>starttls</c> (upgrade after connecting, default) or <c>tls</c> (TLS from the first byte).</summary>
    public string Security { get; init; } = SmtpSecurity.StartTls;

    public string? Username { get; init; }

    /// <summary>A file holding the password (trailing newline ignored); needed with <see cref="Username"/>.</summary>
    public string? PasswordFile { get; init; }

    /// <summary>The sender, e.g. <c>Sightline &lt;alerts@example.org&gt;</c>.</summary>
    public string From { get; init; } = "";
}

public static class SmtpSecurity
{
    public const string None = "none";
    public const string StartTls = "starttls";
    public const string Tls = "tls";
}

/// <summary>
/// An SMS gateway as an HTTP request template: <see cref="Body"/>, the <see cref="Url"/> and the header values carry
/// placeholders (<see cref="SmsTemplate.Placeholders"/>), escaped for the URL and for the body's content type.
/// </summary>
public sealed record SmsGateway
{
    public string Url { get; init; } = "";

    public string Method { get; init; } = "POST";

    public string ContentType { get; init; } = "application/x-www-form-urlencoded";

    public string Body { get; init; } = "";

    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();

    /// <summary>A file holding the Authorization header's whole value (e.g. <c>Basic …</c>); never logged or returned.</summary>
    public string? AuthorizationFile { get; init; }
}

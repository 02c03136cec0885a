using MimeKit;
using Sightline.Outbound;

namespace Sightline.Alerts;

/// <summary>The email server and SMS gateways alerts may use, and the checks on them and on a rule's targets.</summary>
public sealed class AlertChannels(SmtpSettings? smtp, IReadOnlyDictionary<string, SmsGateway> gateways)
{
    public const int MaxTargets = 16;
    private static readonly string[] s_methods = ["POST", "PUT", "GET"];

    public static AlertChannels None { get; } = new(null, new Dictionary<string, SmsGateway>());

    public SmtpSettings? Smtp => smtp;

    public IReadOnlyDictionary<string, SmsGateway> Gateways => gateways;

    /// <summary>What is wrong with the settings (empty when nothing): checked before anything starts.</summary>
    public IReadOnlyList<string> Problems(OutboundPolicy outbound)
    {
        var problems = new List<string>();
        if (smtp is { } s)
        {
            if (string.IsNullOrWhiteSpace(s.Host) || Uri.CheckHostName(s.Host) == UriHostNameType.Unknown)
                problems.Add($"Smtp.Host must be a host name or address, got '{s.Host}'.");
            if (s.Port is < 1 or > 65535)
                problems.Add($"Smtp.Port must be 1–65535, got {s.Port}.");
            if (s.Security is not (SmtpSecurity.None or SmtpSecurity.StartTls or SmtpSecurity.Tls))
                problems.Add($"Smtp.Security must be none, starttls or tls, got '{s.Security}'.");
            if (!MailboxAddress.TryParse(s.From, out var from) || !IsAddress(from))
                problems.Add($"Smtp.From must be one email address, got '{s.From}'.");
            if (s.Username is { Length: > 0 })
            {
                if (s.PasswordFile is not { } file || !Path.IsPathFullyQualified(file) || !File.Exists(file))
                    problems.Add("Smtp.PasswordFile must be the absolute path of an existing file when Smtp.Username is given.");
                if (s.Security == SmtpSecurity.None && !IsLoopback(s.Host))
                    problems.Add("Smtp.Security none with a username would send the password in the clear: use starttls or tls (none is for a relay on loopback).");
            }
        }
        foreach (var (name, g) in gateways)
        {
            if (!CameraNames.IsValid(name))
                problems.Add($"SmsGateways: a gateway name is 1–{CameraNames.MaxLength} letters, digits, '-' or '_'; got '{name}'.");
            if (!Uri.TryCreate(g.Url, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
                problems.Add($"SmsGateways.{name}.Url must be an absolute http:// or https:// URL, got '{g.Url}'.");
            else
                Collect(problems, () => outbound.Check(url, $"SmsGateways.{name}.Url"));
            if (!s_methods.Contains(g.Method, StringComparer.OrdinalIgnoreCase))
                problems.Add($"SmsGateways.{name}.Method must be POST, PUT or GET, got '{g.Method}'.");
            if (!System.Net.Http.Headers.MediaTypeHeaderValue.TryParse(g.ContentType, out _))
                problems.Add($"SmsGateways.{name}.ContentType must be a media type, got '{g.ContentType}'.");
            Collect(problems, () => SmsTemplate.Check(g.Url, $"SmsGateways.{name}.Url"));
            Collect(problems, () => SmsTemplate.Check(g.Body, $"SmsGateways.{name}.Body"));
            foreach (var (header, value) in g.Headers)
            {
                if (string.IsNullOrWhiteSpace(header) || header.Any(c => c <= ' ' || c == ':' || c > '~') || header.Equals("Authorization", StringComparison.OrdinalIgnoreCase))
                    problems.Add($"SmsGateways.{name}.Headers: '{header}' is not a header name this may set (Authorization comes from AuthorizationFile).");
                Collect(problems, () => SmsTemplate.Check(value, $"SmsGateways.{name}.Headers.{header}"));
            }
            if (g.AuthorizationFile is { } auth && (!Path.IsPathFullyQualified(auth) || !File.Exists(auth)))
                problems.Add($"SmsGateways.{name}.AuthorizationFile must be the absolute path of an existing file, got '{auth}'.");
        }
        return problems;
    }

    /// <summary>The rule's email targets: each one address (MimeKit's parser), at most <see cref="MaxTargets"/>; needs Smtp.</summary>
    public IReadOnlyList<string> Emails(IReadOnlyList<string>? given)
    {
        var result = Distinct(given, "email");
        if (result.Count > 0 && smtp is null)
            throw SightlineException.InvalidParameter("email alerts need an SMTP server in the options (Smtp); none is configured.");
        foreach (string address in result)
        {
            if (!MailboxAddress.TryParse(address, out var mailbox) || !IsAddress(mailbox) || mailbox.Name is { Length: > 0 })
                throw SightlineException.InvalidParameter($"email must be a bare address such as officer@example.org, got '{address}'.");
        }
        return result;
    }

    /// <summary>The rule's SMS targets, each <c>GATEWAY:NUMBER</c> with a configured gateway and an E.164 number (+ and 8–15 digits).</summary>
    public IReadOnlyList<string> Sms(IReadOnlyList<string>? given)
    {
        var result = Distinct(given, "sms");
        foreach (string target in result)
        {
            int colon = target.IndexOf(':', StringComparison.Ordinal);
            string gateway = colon > 0 ? target[..colon] : "", number = colon > 0 ? target[(colon + 1)..] : "";
            if (!gateways.ContainsKey(gateway))
                throw SightlineException.InvalidParameter($"sms must be GATEWAY:+NUMBER with a gateway named in the options (SmsGateways: {(gateways.Count == 0 ? "none configured" : string.Join(", ", gateways.Keys))}), got '{target}'.");
            if (!IsPhoneNumber(number))
                throw SightlineException.InvalidParameter($"sms number must be in E.164 form, '+' and 8–15 digits (e.g. +15551234567), got '{number}'.");
        }
        return result;
    }

    public static bool IsPhoneNumber(string number) => number.Length is >= 9 and <= 16 && number[0] == '+' && number[1] != '0' && number.Skip(1).All(char.IsAsciiDigit);

    private static List<string> Distinct(IReadOnlyList<string>? given, string what)
    {
        var result = (given ?? []).Select(v => v?.Trim() ?? "").Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        if (result.Any(v => v.Length == 0))
            throw SightlineException.InvalidParameter($"{what} has an empty entry.");
        if (result.Count > MaxTargets)
            throw SightlineException.InvalidParameter($"{what} names {result.Count} targets; at most {MaxTargets}.");
        return result;
    }

    private static bool IsAddress(MailboxAddress mailbox) =>
        mailbox.Address is { Length: > 0 } a && a.IndexOf('@', StringComparison.Ordinal) is > 0 and var at && at < a.Length - 1 && !a.Any(char.IsWhiteSpace);

    private static bool IsLoopback(string host) =>
        host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || (System.Net.IPAddress.TryParse(host, out var ip) && System.Net.IPAddress.IsLoopback(ip));

    private static void Collect(List<string> problems, Action check)
    {
        try
        {
            check();
        }
        catch (SightlineException ex)
        {
            problems.Add(ex.Message);
        }
    }
}

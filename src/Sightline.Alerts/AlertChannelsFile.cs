using System.Text.Json;
using System.Text.Json.Serialization;

namespace Sightline.Alerts;

/// <summary>
/// The alert channels file (<c>--alert-channels FILE</c>): JSON with <c>Smtp</c> and <c>SmsGateways</c> as in the
/// options (property names case-insensitive). It holds no secrets itself: passwords and Authorization values are in
/// the files it names.
/// </summary>
public sealed record AlertChannelsFile
{
    public const long MaxBytes = 1 << 20;

    public SmtpSettings? Smtp { get; init; }

    public Dictionary<string, SmsGateway> SmsGateways { get; init; } = new(StringComparer.Ordinal);

    public static AlertChannelsFile Load(string path)
    {
        try
        {
            var info = new FileInfo(path);
            if (!info.Exists)
                throw SightlineException.InvalidParameter($"The alert channels file {path} does not exist.");
            if (info.Length > MaxBytes)
                throw SightlineException.InvalidParameter($"The alert channels file {path} is larger than {MaxBytes} bytes.");
            var file = JsonSerializer.Deserialize(File.ReadAllBytes(path), AlertChannelsJson.Default.AlertChannelsFile)
                ?? throw SightlineException.InvalidParameter($"The alert channels file {path} is empty (null).");
            // The generated reader sets every init-only property, so an absent one arrives as null, not its default.
            return file with
            {
                Smtp = file.Smtp is { } s ? Defaults(s) : null,
                SmsGateways = (file.SmsGateways ?? []).ToDictionary(g => g.Key, g => Defaults(g.Value), StringComparer.Ordinal),
            };
        }
        catch (JsonException ex)
        {
            throw SightlineException.InvalidParameter($"The alert channels file {path} is not valid: {ex.Message}");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw SightlineException.InvalidParameter($"The alert channels file {path} cannot be read: {ex.Message}");
        }
    }

    private static SmtpSettings Defaults(SmtpSettings s)
    {
        var d = new SmtpSettings();
        return s with
        {
            Host = s.Host ?? d.Host,
            Port = s.Port == 0 ? d.Port : s.Port,
            Security = s.Security ?? d.Security,
            From = s.From ?? d.From,
        };
    }

    private static SmsGateway Defaults(SmsGateway g)
    {
        var d = new SmsGateway();
        return g with
        {
            Url = g.Url ?? d.Url,
            Method = g.Method ?? d.Method,
            ContentType = g.ContentType ?? d.ContentType,
            Body = g.Body ?? d.Body,
            Headers = g.Headers ?? d.Headers,
        };
    }
}

[JsonSourceGenerationOptions(PropertyNameCaseInsensitive = true, ReadCommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow)]
[JsonSerializable(typeof(AlertChannelsFile))]
internal sealed partial class AlertChannelsJson : JsonSerializerContext;

using System.Globalization;
using System.Text;
using Sightline.Storage;

namespace Sightline.Alerts;

/// <summary>
/// What an email or SMS says about an alert: the label, camera (or other source), zones, score, time and event id —
/// nothing the alert itself does not carry (no face or plate text beyond its label).
/// </summary>
public static class AlertMessage
{
    public const string CameraPrefix = "camera:";
    public const string EventPrefix = "event:";

    public static string? Camera(AlertRecord alert) => alert.Source.StartsWith(CameraPrefix, StringComparison.Ordinal) ? alert.Source[CameraPrefix.Length..] : null;

    public static string? EventId(AlertRecord alert) => alert.ImageRef is { } image && image.StartsWith(EventPrefix, StringComparison.Ordinal) ? image[EventPrefix.Length..] : null;

    public static string Time(AlertRecord alert) => alert.At.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    public static string Score(AlertRecord alert) => alert.Confidence.ToString("F1", CultureInfo.InvariantCulture);

    /// <summary>The placeholder values of an SMS template (<see cref="SmsTemplate.Placeholders"/>).</summary>
    public static Dictionary<string, string> Values(AlertRecord alert, string to) => new(StringComparer.Ordinal)
    {
        ["to"] = to,
        ["label"] = alert.Label,
        ["camera"] = Camera(alert) ?? alert.Source,
        ["zones"] = string.Join(",", alert.Zones),
        ["score"] = Score(alert),
        ["time"] = Time(alert),
        ["event"] = EventId(alert) ?? "",
        ["alert"] = alert.Id,
        ["rule"] = alert.RuleId,
    };

    public static string Subject(AlertRecord alert) => $"Sightline alert: {alert.Label} at {Camera(alert) ?? alert.Source}";

    public static string Body(AlertRecord alert)
    {
        var b = new StringBuilder();
        b.Append("Sightline alert\n\n");
        b.Append("Label:  ").Append(alert.Label).Append('\n');
        if (Camera(alert) is { } camera)
            b.Append("Camera: ").Append(camera).Append('\n');
        else
            b.Append("Source: ").Append(alert.Source).Append('\n');
        b.Append("Zones:  ").Append(alert.Zones.Count == 0 ? "-" : string.Join(", ", alert.Zones)).Append('\n');
        b.Append("Score:  ").Append(Score(alert)).Append('\n');
        b.Append("Time:   ").Append(Time(alert)).Append('\n');
        if (EventId(alert) is { } id)
            b.Append("Event:  ").Append(id).Append('\n');
        b.Append("Alert:  ").Append(alert.Id).Append(" (rule ").Append(alert.RuleId).Append(")\n");
        return b.ToString();
    }
}

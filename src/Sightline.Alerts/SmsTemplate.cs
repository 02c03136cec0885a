using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Sightline.Alerts;

/// <summary>
/// Renders an SMS gateway template. A placeholder is <c>{name}</c> with a name from <see cref="Placeholders"/>; other
/// text (JSON braces included) is kept as written. Values are escaped for where they land: percent-encoded in the URL
/// and in a form body, JSON-string-escaped in a JSON body (the template supplies the quotes), control characters
/// removed in header values and plain bodies.
/// </summary>
public static partial class SmsTemplate
{
    public static readonly IReadOnlyList<string> Placeholders = ["to", "label", "camera", "zones", "score", "time", "event", "alert", "rule"];

    public enum Escaping
    {
        Url,
        Json,
        Plain,
    }

    [GeneratedRegex(@"\{([A-Za-z_]+)\}")]
    private static partial Regex Placeholder();

    /// <summary>Throws naming the first unknown placeholder in <paramref name="template"/>.</summary>
    public static void Check(string template, string what)
    {
        foreach (Match m in Placeholder().Matches(template))
        {
            if (!Placeholders.Contains(m.Groups[1].Value))
                throw SightlineException.InvalidParameter($"{what} has an unknown placeholder {m.Value}; known: {string.Join(", ", Placeholders.Select(p => "{" + p + "}"))}.");
        }
    }

    /// <summary>How the body's values are escaped for a content type: JSON for <c>*/json</c> and <c>*+json</c>, URL for forms, else plain.</summary>
    public static Escaping ForContentType(string contentType)
    {
        string media = contentType.Split(';')[0].Trim();
        if (media.EndsWith("/json", StringComparison.OrdinalIgnoreCase) || media.EndsWith("+json", StringComparison.OrdinalIgnoreCase))
            return Escaping.Json;
        return media.Equals("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase) ? Escaping.Url : Escaping.Plain;
    }

    public static string Render(string template, IReadOnlyDictionary<string, string> values, Escaping escaping) =>
        Placeholder().Replace(template, m => values.TryGetValue(m.Groups[1].Value, out var value) ? Escape(value, escaping) : m.Value);

    public static string Escape(string value, Escaping escaping) => escaping switch
    {
        Escaping.Url => Uri.EscapeDataString(value),
        // Relaxed: the body is JSON, not HTML, so '+' and non-ASCII stay readable; quotes, backslashes and controls are escaped.
        Escaping.Json => JsonEncodedText.Encode(value, JavaScriptEncoder.UnsafeRelaxedJsonEscaping).ToString(),
        _ => StripControls(value),
    };

    private static string StripControls(string value)
    {
        var b = new StringBuilder(value.Length);
        foreach (char c in value)
        {
            if (!char.IsControl(c))
                b.Append(c);
        }
        return b.ToString();
    }
}

using System.Text;

namespace Sightline.Live.Feeds;

/// <summary>
/// The topic tree, after Frigate's: <c>PREFIX/available</c>, <c>PREFIX/events</c>, <c>PREFIX/CAMERA/status</c>,
/// <c>PREFIX/CAMERA/LABEL</c> (active count) and <c>PREFIX/CAMERA/LABEL/snapshot</c>. Camera names are already
/// topic-safe; in labels anything but letters, digits, '-' and '_' becomes '_' ("traffic light" → traffic_light).
/// </summary>
public sealed class MqttTopics(string prefix)
{
    public string Prefix { get; } = prefix;

    public string Available => Prefix + "/available";

    public string Events => Prefix + "/events";

    public string Status(string camera) => $"{Prefix}/{Segment(camera)}/status";

    public string Count(string camera, string label) => $"{Prefix}/{Segment(camera)}/{Segment(label)}";

    public string Snapshot(string camera, string label) => $"{Prefix}/{Segment(camera)}/{Segment(label)}/snapshot";

    /// <summary>One level of a topic: never empty, never a wildcard or a separator.</summary>
    public static string Segment(string name)
    {
        if (name.Length == 0)
            return "_";
        var b = new StringBuilder(name.Length);
        foreach (char c in name)
            b.Append(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? c : '_');
        return b.ToString();
    }

    /// <summary>Why a prefix cannot head the tree, or null: levels of letters, digits, '-', '_' and '.', separated by '/'.</summary>
    public static string? PrefixProblem(string? prefix)
    {
        const int maxLength = 128;
        bool ok = prefix is { Length: > 0 and <= maxLength }
            && prefix.Split('/').All(level => level.Length > 0 && level.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'));
        return ok ? null : $"The MQTT topic prefix is 1–{maxLength} characters: levels of letters, digits, '-', '_' or '.' separated by '/' (no wildcards, no leading or trailing '/'); got '{prefix}'.";
    }
}

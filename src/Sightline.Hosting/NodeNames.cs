using System.Text.RegularExpressions;

namespace Sightline.Hosting;

/// <summary>The names processes sharing one database go by (<see cref="SightlineOptions.Node"/>).</summary>
public static partial class NodeNames
{
    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")]
    public static partial Regex Valid();

    /// <summary>The host name, made a valid node name (other characters as '-').</summary>
    public static string Default { get; } = MakeValid(Environment.MachineName);

    private static string MakeValid(string name)
    {
        string cleaned = new([.. name.Take(64).Select(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' ? c : '-')]);
        return cleaned.Length > 0 && char.IsAsciiLetterOrDigit(cleaned[0]) ? cleaned : "node" + cleaned[..Math.Min(cleaned.Length, 60)];
    }
}

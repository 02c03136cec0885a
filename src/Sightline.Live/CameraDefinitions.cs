using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Sightline.Objects;
using Sightline.Storage;

namespace Sightline.Live;

/// <summary>
/// The boundary for cameras (API and CLI): validates a request into stored settings, sealing the URL's credentials,
/// and renders what may be shown (never the credentials).
/// </summary>
public static partial class CameraDefinitions
{
    public const int MaxNameLength = CameraNames.MaxLength;
    public const int MaxUrlLength = 2048;
    public const double MaxFps = 10;
    public const int MaxWidth = 3840;
    public const int MaxHeight = 2160;
    public const int MinSide = 64;
    public const int MaxLabels = 32;
    public const int MaxZones = 16;
    public const int MaxMasks = 16;
    public const int MaxPolygonPoints = 64;
    public const int MaxLoiterSeconds = 3600;

    private static Regex NamePattern() => CameraNames.Pattern();

    public static string Name(string? name) =>
        name is not null && NamePattern().IsMatch(name) ? name
            : throw SightlineException.InvalidParameter($"A camera name is 1–{MaxNameLength} letters, digits, '-' or '_', starting with a letter or digit; got '{name}'.");

    /// <summary>The labels a camera may watch: the default detector's (COCO) and the registered detectors'.</summary>
    public static async Task<IReadOnlyDictionary<string, string>> KnownLabelsAsync(IDetectorStore detectors, CancellationToken ct)
    {
        var known = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var info in LabelTaxonomy.Coco)
            known.TryAdd(info.Name, info.Name.ToLowerInvariant());
        foreach (var d in await detectors.ListDetectorsAsync(ct).ConfigureAwait(false))
        {
            foreach (var label in d.Labels.Where(l => !Detectors.DetectorLabels.IsBackground(l)))
                known.TryAdd(label, label);
        }
        return known;
    }

    /// <summary>A new camera's settings; <paramref name="current"/> (an update) supplies what the request leaves out.</summary>
    public static CameraSettings Settings(CameraRequest request, string name, IReadOnlyDictionary<string, string> knownLabels, CameraSecrets secrets, CameraSettings? current = null)
    {
        var (url, credentials) = request.Url is null && current is not null ? (current.Url, (string?)null) : SplitUrl(request.Url);
        string? sealedCredentials = credentials is null ? (request.Url is null ? current?.SealedCredentials : null) : secrets.Seal(name, credentials);
        string transport = (request.RtspTransport ?? current?.RtspTransport ?? "tcp").ToLowerInvariant();
        if (transport is not ("tcp" or "udp"))
            throw SightlineException.InvalidParameter($"rtspTransport must be tcp or udp, got '{request.RtspTransport}'.");
        double fps = request.Fps ?? current?.Fps ?? 5;
        if (double.IsNaN(fps) || fps <= 0 || fps > MaxFps)
            throw SightlineException.InvalidParameter($"fps must be above 0 and at most {MaxFps}, got {fps.ToString(CultureInfo.InvariantCulture)}.");
        var (width, height) = request.Size is { } size ? ParseSize(size) : (current?.Width, current?.Height);
        var labels = request.Labels is { } asked ? Labels(asked, knownLabels) : current?.Labels ?? ["person"];
        var zones = request.Zones is { } z ? Zones(z, labels) : current?.Zones ?? [];
        var masks = request.MotionMasks is { } m ? Masks(m) : current?.MotionMasks ?? [];
        bool plates = request.ReadPlates ?? current?.ReadPlates ?? false;
        if (plates && !labels.Any(Plates.LivePlates.Reads))
            throw SightlineException.InvalidParameter($"readPlates needs a vehicle or plate label among the camera's labels ({string.Join(", ", Plates.LivePlates.Labels)}); it watches {string.Join(", ", labels)}.");
        return new CameraSettings
        {
            Url = url,
            SealedCredentials = sealedCredentials,
            RtspTransport = transport,
            Fps = fps,
            Width = width,
            Height = height,
            Labels = labels,
            Zones = zones,
            MotionMasks = masks,
            ReadPlates = plates,
            Enabled = request.Enabled ?? current?.Enabled ?? true,
            RetainDays = RetentionRule.Check("retainDays", request.RetainDays) ?? current?.RetainDays ?? CameraSettings.DefaultRetainDays,
        };
    }

    /// <summary>The URL without its user information, and the user information (still percent-encoded) if any.</summary>
    public static (string Url, string? Credentials) SplitUrl(string? text)
    {
        if (string.IsNullOrWhiteSpace(text) || text.Length > MaxUrlLength)
            throw SightlineException.InvalidParameter($"url is required: an rtsp://, rtsps://, http(s):// or file:// URL of at most {MaxUrlLength} characters.");
        if (!Uri.TryCreate(text.Trim(), UriKind.Absolute, out var uri) || uri.Scheme is not ("rtsp" or "rtsps" or "http" or "https" or "file"))
            throw SightlineException.InvalidParameter($"url must be an absolute rtsp://, rtsps://, http(s):// (MJPEG or HLS) or file:// URL; got '{Redact(text)}'.");
        if (uri.IsFile)
        {
            if (!File.Exists(uri.LocalPath))
                throw SightlineException.InvalidParameter($"The file {uri.LocalPath} does not exist (file:// sources are played in a loop, for testing).");
            return (uri.AbsoluteUri, null);
        }
        if (string.IsNullOrEmpty(uri.Host))
            throw SightlineException.InvalidParameter($"url has no host: '{Redact(text)}'.");
        if (IPAddress.TryParse(uri.Host.Trim('[', ']'), out var address) && Forbidden(address))
            throw SightlineException.InvalidParameter($"url names a link-local or cloud-metadata address ({address}), which is never a camera.");
        string? credentials = uri.UserInfo is { Length: > 0 } info ? info : null;
        var bare = new UriBuilder(uri) { UserName = "", Password = "" }.Uri;
        return (bare.AbsoluteUri, credentials);
    }

    /// <summary>The URL to open: credentials put back (percent-encoded as given).</summary>
    public static string SourceUrl(string camera, CameraSettings settings, CameraSecrets secrets)
    {
        if (settings.SealedCredentials is not { } sealedText)
            return settings.Url;
        var uri = new Uri(settings.Url);
        return uri.Scheme + "://" + secrets.Open(camera, sealedText) + "@" + uri.Authority + uri.PathAndQuery + uri.Fragment;
    }

    /// <summary>Any user information in a URL-bearing text replaced by "***" (for messages and logs).</summary>
    public static string Redact(string text) => Credentials().Replace(text, "$1***@");

    [GeneratedRegex(@"([a-zA-Z][a-zA-Z0-9+.-]*://)[^/@\s]*@")]
    private static partial Regex Credentials();

    private static bool Forbidden(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
            address = address.MapToIPv4();
        byte[] b = address.GetAddressBytes();
        return address.IsIPv6LinkLocal || (b.Length == 4 && b[0] == 169 && b[1] == 254) || address.Equals(IPAddress.Parse("fd00:ec2::254"));
    }

    public static (int Width, int Height) ParseSize(string text)
    {
        var parts = text.ToLowerInvariant().Split('x');
        if (parts.Length == 2 && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int w) && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int h)
            && w >= MinSide && h >= MinSide && w <= MaxWidth && h <= MaxHeight && w % 2 == 0 && h % 2 == 0)
            return (w, h);
        throw SightlineException.InvalidParameter($"size must be WIDTHxHEIGHT, even numbers from {MinSide} to {MaxWidth}×{MaxHeight}; got '{text}'.");
    }

    private static IReadOnlyList<string> Labels(IReadOnlyList<string> asked, IReadOnlyDictionary<string, string> known)
    {
        var result = new List<string>();
        foreach (var raw in asked.SelectMany(a => (a ?? "").Split(',')).Select(a => a.Trim()).Where(a => a.Length > 0))
        {
            if (!known.TryGetValue(raw, out var label))
                throw SightlineException.InvalidParameter($"'{raw}' is not a label of the default detector (COCO) or of a registered detector.");
            if (!result.Contains(label, StringComparer.OrdinalIgnoreCase))
                result.Add(label);
        }
        if (result.Count == 0 || result.Count > MaxLabels)
            throw SightlineException.InvalidParameter($"A camera watches 1 to {MaxLabels} labels, got {result.Count}.");
        return result;
    }

    private static IReadOnlyList<CameraZone> Zones(IReadOnlyList<ZoneRequest> zones, IReadOnlyList<string> labels)
    {
        if (zones.Count > MaxZones)
            throw SightlineException.InvalidParameter($"A camera has at most {MaxZones} zones, got {zones.Count}.");
        var result = new List<CameraZone>();
        foreach (var z in zones)
        {
            string name = z?.Name is { } n && NamePattern().IsMatch(n) ? n
                : throw SightlineException.InvalidParameter($"A zone name is 1–{MaxNameLength} letters, digits, '-' or '_'; got '{z?.Name}'.");
            if (result.Any(r => r.Name == name))
                throw SightlineException.InvalidParameter($"Zone '{name}' is given twice.");
            var zoneLabels = new List<string>();
            foreach (var l in (z.Labels ?? []).SelectMany(l => (l ?? "").Split(',')).Select(l => l.Trim()).Where(l => l.Length > 0))
            {
                string label = labels.FirstOrDefault(c => string.Equals(c, l, StringComparison.OrdinalIgnoreCase))
                    ?? throw SightlineException.InvalidParameter($"Zone '{name}' names label '{l}', which the camera does not watch ({string.Join(", ", labels)}).");
                zoneLabels.Add(label);
            }
            int loiter = z.LoiterSeconds ?? 0;
            if (loiter < 0 || loiter > MaxLoiterSeconds)
                throw SightlineException.InvalidParameter($"Zone '{name}': loiterSeconds is 0 to {MaxLoiterSeconds}, got {loiter}.");
            result.Add(new CameraZone(name, Polygon(z.Polygon, $"zone '{name}'"), zoneLabels) { LoiterSeconds = loiter });
        }
        return result;
    }

    private static IReadOnlyList<IReadOnlyList<RelativePoint>> Masks(IReadOnlyList<IReadOnlyList<float>> masks) =>
        masks.Count <= MaxMasks ? [.. masks.Select((m, i) => Polygon(m, $"motion mask {i + 1}"))]
            : throw SightlineException.InvalidParameter($"A camera has at most {MaxMasks} motion masks, got {masks.Count}.");

    public static IReadOnlyList<RelativePoint> Polygon(IReadOnlyList<float>? flat, string what)
    {
        if (flat is null || flat.Count % 2 != 0 || flat.Count < 6 || flat.Count > 2 * MaxPolygonPoints)
            throw SightlineException.InvalidParameter($"The polygon of {what} must be 3 to {MaxPolygonPoints} points as x1,y1,x2,y2,… (relative, 0–1); got {flat?.Count ?? 0} numbers.");
        if (flat.Any(v => float.IsNaN(v) || v < 0 || v > 1))
            throw SightlineException.InvalidParameter($"The polygon of {what} has a coordinate outside 0–1.");
        return [.. Enumerable.Range(0, flat.Count / 2).Select(i => new RelativePoint(flat[2 * i], flat[2 * i + 1]))];
    }

    /// <summary>Parses the CLI's <c>NAME=x1,y1,x2,y2,…[:label,label]</c>.</summary>
    public static ZoneRequest ParseZone(string text)
    {
        int eq = text.IndexOf('=', StringComparison.Ordinal);
        if (eq <= 0)
            throw SightlineException.InvalidParameter($"--zone is NAME=x1,y1,x2,y2,…[:label,…]; got '{text}'.");
        string rest = text[(eq + 1)..];
        int colon = rest.IndexOf(':', StringComparison.Ordinal);
        string coords = colon < 0 ? rest : rest[..colon];
        return new ZoneRequest(text[..eq], ParseNumbers(coords, "--zone"), colon < 0 ? [] : rest[(colon + 1)..].Split(','));
    }

    /// <summary>Applies the CLI's <c>--loiter ZONE=SECONDS</c> options to the zones given beside them.</summary>
    public static IReadOnlyList<ZoneRequest> ApplyLoiter(IReadOnlyList<ZoneRequest> zones, IReadOnlyList<string> loiter)
    {
        var result = zones.ToList();
        foreach (var text in loiter)
        {
            int eq = text.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0 || !int.TryParse(text.AsSpan(eq + 1), NumberStyles.None, CultureInfo.InvariantCulture, out int seconds))
                throw SightlineException.InvalidParameter($"--loiter is ZONE=SECONDS (whole seconds); got '{text}'.");
            string name = text[..eq];
            int i = result.FindIndex(z => z.Name == name);
            if (i < 0)
                throw SightlineException.InvalidParameter($"--loiter names zone '{name}', which no --zone of this command defines.");
            result[i] = result[i] with { LoiterSeconds = seconds };
        }
        return result;
    }

    public static IReadOnlyList<float> ParseNumbers(string text, string what)
    {
        var parts = text.Split(',');
        var values = new float[parts.Length];
        for (int i = 0; i < parts.Length; i++)
        {
            if (!float.TryParse(parts[i].Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out values[i]))
                throw SightlineException.InvalidParameter($"{what} takes numbers separated by commas; '{parts[i]}' is not one.");
        }
        return values;
    }

    public static CameraView View(CameraRecord camera, CameraStatus? status, DateTimeOffset now, TimeSpan staleAfter)
    {
        var s = camera.Settings;
        bool fresh = status is not null && now - status.UpdatedAt <= staleAfter && status.UpdatedAt >= camera.UpdatedAt.AddSeconds(-1);
        string state = !s.Enabled ? CameraStates.Disabled : fresh ? status!.State : CameraStates.Idle;
        string? reason = state == CameraStates.Idle ? "no server has reported on this camera in the last " + staleAfter.TotalSeconds.ToString(CultureInfo.InvariantCulture) + " s" : fresh ? status!.Reason : null;
        return new CameraView(camera.Name, s.Url, s.SealedCredentials is not null, s.RtspTransport, s.Fps, status?.Width ?? s.Width, status?.Height ?? s.Height, s.Labels, s.Zones,
            s.MotionMasks.Count, s.ReadPlates, s.Enabled, s.RetainDays, state, reason, fresh ? status!.MeasuredFps : 0, status?.FramesReceived ?? 0, status?.FramesAnalysed ?? 0,
            status?.FramesDropped ?? 0, status?.FramesWithMotion ?? 0, status?.Restarts ?? 0, status?.LastFrameAt, status?.UpdatedAt, status?.Node, camera.CreatedAt, camera.UpdatedAt);
    }
}

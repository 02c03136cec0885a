using System.Text.RegularExpressions;
using Sightline.Rekognition;
using Sightline.Storage;

namespace Sightline.Live.Processors;

/// <summary>
/// How a stream processor's request is read: its name, the camera its input ARN names, ConnectedHome's labels and
/// the COCO labels they stand for, regions of interest. Each refusal names the field, as Rekognition does.
/// </summary>
public static partial class StreamProcessorRules
{
    public const int MaxRegions = 10;
    public const int MaxPolygonPoints = 10;
    public const int MaxStopSeconds = 120;
    public const float DefaultMinConfidence = 50;

    /// <summary>ConnectedHome's labels and the default detector's labels each stands for (PACKAGE: the nearest COCO classes).</summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<string>> ConnectedHomeLabels { get; } = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal)
    {
        ["PERSON"] = ["person"],
        ["PET"] = ["cat", "dog"],
        ["PACKAGE"] = ["suitcase", "backpack", "handbag"],
        ["ALL"] = ["person", "cat", "dog", "suitcase", "backpack", "handbag"],
    };

    [GeneratedRegex("^[a-zA-Z0-9_.\\-]{1,128}$")]
    private static partial Regex NamePattern();

    /// <summary><c>arn:aws:kinesisvideo:REGION:ACCOUNT:stream/CAMERA[/CREATION]</c> names camera CAMERA.</summary>
    [GeneratedRegex("^arn:aws[a-z\\-]*:kinesisvideo:[a-z0-9\\-]*:[0-9]*:stream/(?<camera>[^/]{1,64})(/[0-9]+)?$")]
    private static partial Regex VideoStreamArn();

    [GeneratedRegex("^arn:aws[a-z\\-]*:kinesis:[a-z0-9\\-]*:[0-9]*:stream/[a-zA-Z0-9_.\\-]{1,128}$")]
    private static partial Regex DataStreamArn();

    [GeneratedRegex("^arn:aws[a-z\\-]*:sns:[a-z0-9\\-]*:[0-9]*:[a-zA-Z0-9_\\-]{1,256}$")]
    private static partial Regex TopicArn();

    public static string Name(string? name) =>
        name is not null && NamePattern().IsMatch(name) ? name
            : throw SightlineException.InvalidParameter("Name must be 1 to 128 characters of letters, digits, '_', '.' and '-'.");

    public static string Arn(string name) => $"arn:aws:rekognition:us-east-1:000000000000:streamprocessor/{name}";

    public static string Camera(string? arn)
    {
        var m = arn is null ? null : VideoStreamArn().Match(arn);
        return m is { Success: true } ? CameraDefinitions.Name(m.Groups["camera"].Value)
            : throw SightlineException.InvalidParameter("Input.KinesisVideoStream.Arn must name a camera: arn:aws:kinesisvideo:REGION:ACCOUNT:stream/CAMERA_NAME[/CREATION_TIME].");
    }

    public static string DataStream(string? arn) =>
        arn is not null && DataStreamArn().IsMatch(arn) ? arn
            : throw SightlineException.InvalidParameter("A FaceSearch processor needs Output.KinesisDataStream.Arn (arn:aws:kinesis:REGION:ACCOUNT:stream/NAME).");

    public static string Topic(string? arn) =>
        arn is not null && TopicArn().IsMatch(arn) ? arn
            : throw SightlineException.InvalidParameter("A ConnectedHome processor needs NotificationChannel.SNSTopicArn (arn:aws:sns:REGION:ACCOUNT:TOPIC).");

    public static IReadOnlyList<string> Labels(IReadOnlyList<string>? labels)
    {
        if (labels is not { Count: > 0 and <= 4 })
            throw SightlineException.InvalidParameter("Settings.ConnectedHome.Labels must hold 1 to 4 of PERSON, PET, PACKAGE, ALL.");
        foreach (var label in labels)
        {
            if (label is null || !ConnectedHomeLabels.ContainsKey(label))
                throw SightlineException.InvalidParameter($"Unknown ConnectedHome label '{label}'. Valid: PERSON, PET, PACKAGE, ALL.");
        }
        return [.. labels.Distinct(StringComparer.Ordinal)];
    }

    public static float? Confidence(string name, float? value) =>
        value is null or (>= 0 and <= 100) ? value : throw SightlineException.InvalidParameter($"{name} must be between 0 and 100.");

    /// <summary>The detector labels a ConnectedHome processor's labels stand for.</summary>
    public static HashSet<string> DetectorLabels(IEnumerable<string> labels) =>
        new(labels.SelectMany(l => ConnectedHomeLabels.GetValueOrDefault(l, [])), StringComparer.OrdinalIgnoreCase);

    public static IReadOnlyList<RegionOfInterest> Regions(IReadOnlyList<RegionOfInterestShape>? regions)
    {
        if (regions is null)
            return [];
        if (regions.Count > MaxRegions)
            throw SightlineException.InvalidParameter($"RegionsOfInterest holds at most {MaxRegions} regions.");
        var result = new List<RegionOfInterest>();
        foreach (var r in regions)
        {
            if (r is null || (r.BoundingBox is null) == (r.Polygon is null))
                throw SightlineException.InvalidParameter("Each region of interest is exactly one of BoundingBox and Polygon.");
            if (r.BoundingBox is { } b)
            {
                if (b is not { Left: >= 0 and <= 1, Top: >= 0 and <= 1, Width: > 0 and <= 1, Height: > 0 and <= 1 } || b.Left + b.Width > 1.0001f || b.Top + b.Height > 1.0001f)
                    throw SightlineException.InvalidParameter("A region's BoundingBox needs Left, Top, Width and Height as ratios of the frame (0 to 1) inside it.");
                result.Add(new RegionOfInterest(new NormalBox(b.Left.Value, b.Top.Value, b.Width.Value, b.Height.Value), null));
                continue;
            }
            var points = r.Polygon!;
            if (points.Count is < 3 or > MaxPolygonPoints || points.Any(p => p is not { X: >= 0 and <= 1, Y: >= 0 and <= 1 }))
                throw SightlineException.InvalidParameter($"A region's Polygon has 3 to {MaxPolygonPoints} points with X and Y between 0 and 1.");
            result.Add(new RegionOfInterest(null, [.. points.Select(p => new RelativePoint(p.X!.Value, p.Y!.Value))]));
        }
        return result;
    }

    /// <summary>Whether a box's centre lies in one of the regions (every box does when there are none).</summary>
    public static bool InRegions(IReadOnlyList<RegionOfInterest> regions, float x1, float y1, float x2, float y2)
    {
        if (regions.Count == 0)
            return true;
        float cx = (x1 + x2) / 2, cy = (y1 + y2) / 2;
        return regions.Any(r => r.Box is { } b ? cx >= b.Left && cx <= b.Left + b.Width && cy >= b.Top && cy <= b.Top + b.Height
            : Tracking.ObjectTracker.Inside(r.Polygon!, cx, cy));
    }

    public static IReadOnlyList<RegionOfInterestShape>? Shapes(IReadOnlyList<RegionOfInterest> regions) =>
        regions.Count == 0 ? null
            : [.. regions.Select(r => r.Box is { } b ? new RegionOfInterestShape(new RoiBox(b.Width, b.Height, b.Left, b.Top), null)
                : new RegionOfInterestShape(null, [.. r.Polygon!.Select(p => new RoiPoint(p.X, p.Y))]))];
}

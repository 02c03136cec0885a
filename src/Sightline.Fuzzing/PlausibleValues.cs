using System.Globalization;
using System.Text.Json.Nodes;

namespace Sightline.Fuzzing;

/// <summary>
/// Values a real client would send, chosen by field name, so most requests get past parsing into the code behind it:
/// ids that exist on the server under test, thresholds in range, images that decode. URLs are only ever loopback,
/// link-local, private or not URLs at all: a campaign never makes the server reach beyond this machine.
/// </summary>
internal sealed class PlausibleValues(FuzzTarget target, ImageCorpus images)
{
    private static readonly string[] s_urls =
    [
        "http://127.0.0.1:9/hook", "http://localhost:9/hook", "http://169.254.169.254/latest/meta-data/", "http://[fd00:ec2::254]/",
        "http://100.100.100.200/", "http://10.0.0.1/hook", "http://192.168.1.1/", "http://[::1]:9/", "http://0.0.0.0:9/", "http://2130706433/",
        "http://0x7f.0.0.1/", "file:///etc/passwd", "gopher://127.0.0.1:25/", "ftp://127.0.0.1/", "http://127.0.0.1:99999/", "http://", "not a url",
        "http://user:pass@127.0.0.1:9/", "https://127.0.0.1:9/", "http://[fe80::1%25eth0]/",
    ];

    public JsonNode? Value(Random rng, Shape shape, string name, int depth, List<string> notes)
    {
        string key = name.ToLowerInvariant();
        switch (shape)
        {
            case Shape.Bytes:
                var image = images.Next(rng, out string mutation);
                notes.Add(mutation);
                return Convert.ToBase64String(image);
            case Shape.Record record:
                var obj = new JsonObject();
                foreach (var (field, fieldShape) in record.Fields)
                {
                    // Fields a caller would send most of the time; the rest sometimes, so optional paths are reached too.
                    if (depth < 8 && rng.Chance(Likely(field.ToLowerInvariant()) ? 0.9 : 0.45))
                        obj[field] = Value(rng, fieldShape, field, depth + 1, notes);
                }
                return obj;
            case Shape.List list:
                var array = new JsonArray();
                int n = key is "faceids" ? rng.Next(1, 4) : rng.Next(0, 3);
                for (int i = 0; i < n && depth < 8; i++)
                    array.Add(Value(rng, list.Item, Singular(key), depth + 1, notes));
                return array;
            case Shape.Map map:
                var entries = new JsonObject();
                for (int i = rng.Next(0, 3); i > 0; i--)
                    entries["k" + rng.Next(100)] = Value(rng, map.Value, "value", depth + 1, notes);
                return entries;
            case Shape.Integer:
                return key.StartsWith("max", StringComparison.Ordinal) ? rng.Next(1, 101) : key.EndsWith("days", StringComparison.Ordinal) ? rng.Next(1, 3651) : rng.Next(0, 100);
            case Shape.Real:
                return key is "left" or "top" or "width" or "height" or "x" or "y" or "minboundingboxheight" or "minboundingboxwidth"
                    ? Math.Round(rng.NextDouble(), 3)
                    : Math.Round(rng.NextDouble() * 100, 2);
            case Shape.Bool:
                return rng.Chance(0.5);
            case Shape.Any:
                return rng.Chance(0.5) ? new JsonObject() : JsonValue.Create("x");
            default:
                return Text(rng, key);
        }
    }

    private static bool Likely(string field) => field is "collectionid" or "image" or "bytes" or "faceid" or "faceids" or "userid" or "jobid"
        or "video" or "s3object" or "bucket" or "name" or "sourceimage" or "targetimage" or "resourcearn" or "tags" or "tagkeys" or "status" or "label";

    private static string Singular(string key) => key switch
    {
        "faceids" => "faceid",
        "tagkeys" => "tagkey",
        "attributes" or "detectionattributes" => "attribute",
        "features" => "feature",
        _ => key,
    };

    private string Text(Random rng, string key) => key switch
    {
        "collectionid" => rng.Chance(0.85) ? rng.One(target.Collections) : "fuzz-new-" + rng.Next(20),
        "faceid" => target.FaceIds.Count > 0 && rng.Chance(0.8) ? rng.One(target.FaceIds) : rng.Guid().ToString(),
        "userid" => target.UserIds.Count > 0 && rng.Chance(0.7) ? rng.One(target.UserIds) : "fuzz-user-" + rng.Next(20),
        "jobid" => target.JobIds.Count > 0 && rng.Chance(0.8) ? rng.One(target.JobIds) : rng.Guid().ToString("N"),
        "bucket" => rng.Chance(0.85) ? target.Bucket : rng.One(["other-bucket", "Bad_Bucket", "a", ""]),
        "name" => target.Objects.Count > 0 && rng.Chance(0.85) ? rng.One(target.Objects) : rng.One(["missing.mp4", "../outside.mp4", "/etc/passwd", "dir/", ""]),
        "version" => "1",
        "attribute" => rng.One(["ALL", "DEFAULT", "AGE_RANGE", "EMOTIONS", "FACE_OCCLUDED", "NOPE"]),
        "feature" => rng.One(["GENERAL_LABELS", "IMAGE_PROPERTIES", "NOPE"]),
        "qualityfilter" => rng.One(["NONE", "AUTO", "LOW", "MEDIUM", "HIGH", "none"]),
        "faceattributes" => rng.One(["DEFAULT", "ALL", "NONE"]),
        "sortby" => rng.One(["TIMESTAMP", "INDEX", "NAME"]),
        "resourcearn" => "arn:aws:rekognition:us-east-1:000000000000:collection/" + rng.One(target.Collections),
        "tagkey" => "k" + rng.Next(100),
        "status" => rng.One(["confirmed", "rejected", "inconclusive", "pending", "CONFIRMED"]),
        "label" => rng.One(["person", "car", "dog", "Person", ""]),
        "webhook" or "url" or "endpoint" => rng.One(s_urls),
        "expiresat" => new DateTimeOffset(DateTime.UtcNow.Date, TimeSpan.Zero).AddDays(rng.Next(-10, 400)).ToString("O", CultureInfo.InvariantCulture),
        "nexttoken" => rng.One(["", "0", "1", "100", "eyJ9", "fuzz"]),
        "clientrequesttoken" => rng.Guid().ToString(),
        "projectversionarn" => "arn:aws:rekognition:us-east-1:000000000000:project/fuzz/version/v1/1",
        _ => "fuzz-" + rng.Next(1000).ToString(CultureInfo.InvariantCulture),
    };
}

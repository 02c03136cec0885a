using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Sightline.Fuzzing;

/// <summary>
/// Requests to the native API, generated from the server's own OpenAPI document: every path and method it lists,
/// path parameters that exist or are hostile, query parameters, bodies of each declared content type built from the
/// schema and then damaged, and bodies of every other content type; bearer keys right and wrong.
/// </summary>
internal sealed class NativeCases
{
    private sealed record Endpoint(string Method, string Path, IReadOnlyList<string> ContentTypes, Shape? Body);

    private static readonly string[] s_queryNames =
    [
        "limit", "maxFaces", "maxLabels", "maxResults", "maxUsers", "faceMatchThreshold", "userMatchThreshold", "similarityThreshold",
        "minConfidence", "threshold", "minBoundingBoxHeight", "minBoundingBoxWidth", "attributes", "case", "purpose", "csv", "externalImageId",
        "format", "from", "to", "groupColumn", "list", "nextToken", "qualityFilter", "sortBy", "status", "userId",
    ];

    private static readonly string[] s_otherTypes =
    [
        "text/plain", "application/xml", "application/x-www-form-urlencoded", "application/json; charset=utf-16", "image/gif", "video/mp4",
        "multipart/form-data", "application/zip", "application/json", "image/jpeg", "a/b/c;;;=", "application/x-amz-json-1.1", "*/*", "",
    ];

    private readonly List<Endpoint> _endpoints;
    private readonly FuzzTarget _target;
    private readonly PlausibleValues _values;
    private readonly ImageCorpus _images;

    public NativeCases(JsonDocument openApi, FuzzTarget target, PlausibleValues values, ImageCorpus images)
    {
        (_target, _values, _images) = (target, values, images);
        var root = openApi.RootElement;
        var components = root.TryGetProperty("components", out var c) ? c : default;
        _endpoints = [];
        foreach (var path in root.GetProperty("paths").EnumerateObject())
        {
            foreach (var operation in path.Value.EnumerateObject())
            {
                if (operation.Name is not ("get" or "post" or "put" or "delete" or "patch"))
                    continue;
                var types = new List<string>();
                Shape? body = null;
                if (operation.Value.TryGetProperty("requestBody", out var requestBody) && requestBody.TryGetProperty("content", out var content))
                {
                    foreach (var type in content.EnumerateObject())
                    {
                        types.Add(type.Name);
                        if (type.Name == "application/json" && type.Value.TryGetProperty("schema", out var schema))
                            body = Shape.Of(schema, components);
                    }
                }
                _endpoints.Add(new Endpoint(operation.Name.ToUpperInvariant(), path.Name, types, body));
            }
        }
        if (_endpoints.Count == 0)
            throw new InvalidOperationException("The server's OpenAPI document lists no operations.");
    }

    public int Operations => _endpoints.Count;

    public FuzzCase Create(Random rng, long index)
    {
        var endpoint = rng.One(_endpoints);
        string method = rng.Chance(0.03) ? rng.One(["GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD"]) : endpoint.Method;
        var headers = new List<KeyValuePair<string, string>>();
        var notes = new List<string>();
        string path = Path(rng, endpoint.Path, notes) + Query(rng, notes);
        var (body, contentType) = Body(rng, endpoint, notes);
        if (contentType is not null)
            headers.Add(new("content-type", contentType));
        Auth(rng, headers, notes);
        CaseHeaders.Add(rng, headers, notes);
        string operation = $"{endpoint.Method} {endpoint.Path}";
        return new FuzzCase(index, "native", operation, notes.Count == 0 ? "valid" : string.Join('+', notes), method, path, headers, body);
    }

    private string Path(Random rng, string template, List<string> notes)
    {
        var text = new StringBuilder();
        foreach (string segment in template.Split('/'))
        {
            if (text.Length > 0 || segment.Length > 0)
                text.Append('/');
            if (!(segment.StartsWith('{') && segment.EndsWith('}')))
            {
                text.Append(segment);
                continue;
            }
            string name = segment[1..^1];
            if (rng.Chance(0.8))
            {
                text.Append(Uri.EscapeDataString(Plausible(rng, name)));
                continue;
            }
            notes.Add("path-" + name);
            string hostile = Hostile.String(rng);
            if (hostile.Length > 20_000) hostile = hostile[..20_000];
            text.Append(rng.Chance(0.8) ? Uri.EscapeDataString(hostile) : rng.One(["..", ".", "%", "%zz", "%2F", "%00", "%c0%ae", "a%2F..%2F..", "~", "%E2%80%AE"]));
        }
        return text.ToString();
    }

    private string Plausible(Random rng, string name) => name switch
    {
        "collectionId" => rng.One(_target.Collections),
        "faceId" => _target.FaceIds.Count > 0 ? rng.One(_target.FaceIds) : rng.Guid().ToString(),
        "userId" => _target.UserIds.Count > 0 ? rng.One(_target.UserIds) : "fuzz-user",
        "jobId" => _target.JobIds.Count > 0 ? rng.One(_target.JobIds) : rng.Guid().ToString("N"),
        "caseId" => "CASE-FUZZ-" + rng.Next(5),
        "list" => rng.One(["stolen", "amber", "fuzz"]),
        "plate" => rng.One(["ABC123", "7XYZ999", "A"]),
        "key" => "k" + rng.Next(100),
        _ => rng.Chance(0.5) ? rng.Guid().ToString() : "fuzz-" + rng.Next(10),
    };

    private static string Query(Random rng, List<string> notes)
    {
        if (rng.Chance(0.55))
            return "";
        var parts = new List<string>();
        bool hostile = false;
        for (int n = rng.Next(1, 5); n > 0; n--)
        {
            string name = rng.Chance(0.92) ? rng.One(s_queryNames) : Hostile.String(rng);
            string value = rng.Next(3) switch
            {
                0 => rng.Next(-5, 120).ToString(System.Globalization.CultureInfo.InvariantCulture),
                1 => rng.One(Hostile.Numbers),
                _ => Hostile.String(rng),
            };
            hostile = true;
            if (value.Length > 10_000) value = value[..10_000];
            if (name.Length > 1_000) name = name[..1_000];
            parts.Add(Uri.EscapeDataString(name) + (rng.Chance(0.95) ? "=" + Uri.EscapeDataString(value) : ""));
        }
        if (hostile) notes.Add("query");
        return "?" + string.Join('&', parts);
    }

    private (byte[] Body, string? ContentType) Body(Random rng, Endpoint endpoint, List<string> notes)
    {
        bool declared = endpoint.ContentTypes.Count > 0 && rng.Chance(0.85);
        string type = declared ? rng.One(endpoint.ContentTypes) : rng.One(s_otherTypes);
        if (!declared && endpoint.ContentTypes.Count > 0) notes.Add("undeclared-content-type");
        if (!declared && endpoint.ContentTypes.Count == 0 && rng.Chance(0.7))
            return ([], null); // a GET or DELETE as clients send it
        switch (type)
        {
            case "application/json":
            case "application/json; charset=utf-16":
                var json = endpoint.Body is { } shape && _values.Value(rng, shape, "", 0, notes) is JsonObject obj ? obj : new JsonObject { ["x"] = 1 };
                var (bytes, mutation) = JsonMutator.Mutate(rng, json);
                notes.Add(mutation);
                return (bytes, type);
            case "multipart/form-data":
                var parts = Parts(rng, endpoint.Path);
                var (body, contentType, odd) = Uploads.Multipart(rng, parts, name => name switch
                {
                    "model" => rng.Chance(0.5) ? ImageCorpus.Noise(rng, rng.Next(0, 4096)) : [0x08, 0x07, 0x12, 0x04, 0x66, 0x75, 0x7A, 0x7A],
                    "labels" => Encoding.UTF8.GetBytes(rng.Chance(0.7) ? "person\ncar\n" : Hostile.String(rng)),
                    "id" => Encoding.UTF8.GetBytes(rng.Chance(0.7) ? "fuzz-detector" : Hostile.String(rng)),
                    "layout" => Encoding.UTF8.GetBytes(rng.One(["auto", "yolov5", "yolov8", "ssd", "nope"])),
                    "inputSize" => Encoding.UTF8.GetBytes(rng.One(["320", "0", "-1", "99999999999", "x"])),
                    _ => Image(rng, notes),
                });
                notes.Add(odd);
                return (body, contentType);
            case "application/zip":
                var (zip, zipMutation) = Uploads.Zip(rng, _images);
                notes.Add(zipMutation);
                return (zip, type);
            case "" :
                notes.Add("no-content-type");
                return (Image(rng, notes), null);
            default:
                return type.StartsWith("image/", StringComparison.Ordinal) || type == "application/octet-stream"
                    ? (Image(rng, notes), type)
                    : (rng.Chance(0.5) ? Encoding.UTF8.GetBytes("{\"collectionId\":\"fuzz\"}") : Image(rng, notes), type);
        }
    }

    private byte[] Image(Random rng, List<string> notes)
    {
        var bytes = _images.Next(rng, out string mutation);
        notes.Add(mutation);
        return bytes;
    }

    private static List<string> Parts(Random rng, string path)
    {
        var parts = path switch
        {
            "/v1/faces/compare" => new List<string> { "source", "target" },
            "/v1/detectors" => ["model", "labels", "id", "layout", "inputSize"],
            _ => ["image"],
        };
        if (rng.Chance(0.15))
            parts = [.. Enumerable.Range(0, rng.Next(1, 4)).Select(_ => rng.One(Uploads.PartNames))];
        return parts;
    }

    private void Auth(Random rng, List<KeyValuePair<string, string>> headers, List<string> notes)
    {
        if (rng.Chance(0.93))
        {
            headers.Add(new("authorization", $"Bearer {_target.AccessKeyId}:{_target.SecretAccessKey}"));
            return;
        }
        notes.Add("bad-bearer");
        string? value = rng.Next(9) switch
        {
            0 => null,
            1 => "Bearer",
            2 => "Bearer " + _target.AccessKeyId,
            3 => $"Bearer {_target.AccessKeyId}:wrong",
            4 => "Basic " + Convert.ToBase64String("a:b"u8),
            5 => "Bearer " + new string('A', rng.One([100, 10_000])),
            6 => $"Bearer {_target.AccessKeyId}:{_target.SecretAccessKey}:extra",
            7 => $"bearer  {_target.AccessKeyId}:{_target.SecretAccessKey}",
            _ => "Bearer " + Hostile.Unicode(rng),
        };
        if (value is not null)
            headers.Add(new("authorization", value));
    }
}

/// <summary>The case and purpose an identification search is recorded under: usually given, sometimes hostile.</summary>
internal static class CaseHeaders
{
    public static void Add(Random rng, List<KeyValuePair<string, string>> headers, List<string> notes)
    {
        switch (rng.Weighted([70, 20, 10]))
        {
            case 0:
                headers.Add(new("x-sightline-case", "CASE-FUZZ-" + rng.Next(5)));
                headers.Add(new("x-sightline-purpose", rng.One(["investigation", "missing-person", "training"])));
                break;
            case 2:
                notes.Add("hostile-case");
                headers.Add(new("x-sightline-case", Hostile.String(rng) is { Length: <= 4000 } s ? s : "x"));
                headers.Add(new("x-sightline-purpose", Hostile.String(rng) is { Length: <= 4000 } p ? p : "x"));
                break;
        }
    }
}

using System.Collections;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Sightline.Server;

namespace Sightline.Cli.Tests;

/// <summary>How a hostile body must be answered.</summary>
public enum HostileExpectation
{
    /// <summary>A value of the wrong JSON type: 400 SerializationException naming the field's path.</summary>
    WrongType,

    /// <summary>Not a JSON object of the request's shape at all: 400 SerializationException.</summary>
    Malformed,

    /// <summary>Well-typed but hostile (huge or non-finite numbers, garbage images): any 4xx, never a 5xx.</summary>
    Refused,
}

public sealed record HostileCase(string Operation, string Body, HostileExpectation Expect, string? Path);

/// <summary>
/// Hostile bodies for an operation, generated from its request shape (the server's own typed request): every field
/// gets values of each wrong JSON type and, where it takes numbers or bytes, hostile values; then bodies that are not
/// a request object at all. Bounded: at most a few dozen per operation.
/// </summary>
public static class HostileRequests
{
    private enum FieldKind { Text, Integer, Real, Bool, Bytes, List, Map, Record, Any }

    /// <summary>Valid base64 of bytes that are no image.</summary>
    public static readonly string GarbageImage = Convert.ToBase64String("this is not an image, only text"u8.ToArray());

    public static IReadOnlyList<HostileCase> For(string operation)
    {
        var cases = new List<HostileCase>();
        Fields(operation, RekognitionRequestReader.RequestType(operation), [], cases);
        foreach (string body in Structural())
            cases.Add(new HostileCase(operation, body, HostileExpectation.Malformed, null));
        // A lone surrogate is valid JSON text but no valid string; where it is read it must still not be a 5xx.
        cases.Add(new HostileCase(operation, "{\"CollectionId\":\"\\ud800\",\"JobId\":\"\\udfff\",\"ResourceArn\":\"\\ud800\"}", HostileExpectation.Refused, null));
        // Each body once: the same signed body twice in one second would be (rightly) refused as a replay.
        return [.. cases.DistinctBy(c => c.Body, StringComparer.Ordinal)];
    }

    /// <summary>A real photo damaged three ways (truncated, header only, bytes overwritten), as Image.Bytes bodies.</summary>
    public static IReadOnlyList<string> DamagedImages(byte[] jpeg)
    {
        var overwritten = (byte[])jpeg.Clone();
        Array.Fill(overwritten, (byte)0xFF, overwritten.Length / 3, Math.Min(4096, overwritten.Length / 3));
        return [.. new[] { jpeg[..(jpeg.Length / 2)], jpeg[..Math.Min(600, jpeg.Length)], overwritten }
            .Select(bytes => "{\"CollectionId\":\"hostile\",\"Image\":{\"Bytes\":\"" + Convert.ToBase64String(bytes) + "\"}}")];
    }

    private static void Fields(string operation, JsonTypeInfo type, IReadOnlyList<string> path, List<HostileCase> cases)
    {
        foreach (var property in type.Properties)
        {
            string[] here = [.. path, property.Name];
            var kind = KindOf(property.PropertyType);
            foreach (string value in WrongTypes(kind))
                cases.Add(new HostileCase(operation, Wrap(here, value), HostileExpectation.WrongType, "$." + string.Join('.', here)));
            foreach (string value in HostileValues(kind))
                cases.Add(new HostileCase(operation, Wrap(here, value), HostileExpectation.Refused, null));
            if (kind == FieldKind.Record && path.Count < 2)
                Fields(operation, type.Options.GetTypeInfo(Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType), here, cases);
        }
    }

    private static IEnumerable<string> WrongTypes(FieldKind kind) => kind switch
    {
        FieldKind.Text => ["12345", "{}", "[\"a\"]", "true"],
        FieldKind.Integer or FieldKind.Real => ["\"ninety-nine\"", "{}", "[1]", "true"],
        FieldKind.Bool => ["\"yes\"", "1"],
        FieldKind.Bytes => ["42", "{}", "\"!!! not base64 !!!\"", "\"abc\""],
        FieldKind.List => ["\"text\"", "42", "{}"],
        FieldKind.Map => ["\"text\"", "[]", "42"],
        FieldKind.Record => ["\"text\"", "42", "[]"],
        _ => [],
    };

    private static IEnumerable<string> HostileValues(FieldKind kind) => kind switch
    {
        FieldKind.Integer => ["9.3e18", "1e39", "-1e39", "1.5", "-2147483649"],
        FieldKind.Real => ["1e39", "-1e39", "1e308", "-0.0001"],
        FieldKind.Bytes => [JsonSerializer.Serialize(GarbageImage), "\"\""],
        _ => [],
    };

    /// <summary>Bodies that are no request object: empty, other roots, truncated, non-JSON literals, too deep.</summary>
    private static IEnumerable<string> Structural()
    {
        string deep = new string('[', 100) + new string(']', 100);
        return
        [
            "", "[]", "\"text\"", "42", "null", "true", "{", "{\"CollectionId\":\"a\"", "{\"CollectionId\":}", "{\"FaceMatchThreshold\":NaN}",
            "{\"FaceMatchThreshold\":Infinity}", "{\"MaxFaces\":-Infinity}", "{\"X\":" + deep + "}", "{\"Image\":{\"Bytes\":\"" + GarbageImage + "\"}} trailing",
            "{'CollectionId':'a'}",
        ];
    }

    private static string Wrap(IReadOnlyList<string> path, string value)
    {
        string body = value;
        for (int i = path.Count - 1; i >= 0; i--)
            body = "{" + JsonSerializer.Serialize(path[i]) + ":" + body + "}";
        return body;
    }

    private static FieldKind KindOf(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type == typeof(string)) return FieldKind.Text;
        if (type == typeof(int) || type == typeof(long)) return FieldKind.Integer;
        if (type == typeof(float) || type == typeof(double)) return FieldKind.Real;
        if (type == typeof(bool)) return FieldKind.Bool;
        if (type == typeof(byte[])) return FieldKind.Bytes;
        if (type == typeof(JsonElement)) return FieldKind.Any;
        if (type.GetInterfaces().Any(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IDictionary<,>))) return FieldKind.Map;
        if (typeof(IEnumerable).IsAssignableFrom(type)) return FieldKind.List;
        return FieldKind.Record;
    }
}

using System.Collections;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Sightline.Fuzzing;

/// <summary>What a JSON field takes, read from the server's own request types (AWS) or its OpenAPI document (native).</summary>
public abstract record Shape
{
    public sealed record Text : Shape;

    public sealed record Integer : Shape;

    public sealed record Real : Shape;

    public sealed record Bool : Shape;

    /// <summary>A base64 blob (Image.Bytes).</summary>
    public sealed record Bytes : Shape;

    public sealed record List(Shape Item) : Shape;

    public sealed record Map(Shape Value) : Shape;

    public sealed record Record(IReadOnlyList<KeyValuePair<string, Shape>> Fields) : Shape;

    /// <summary>Anything (a raw JSON element).</summary>
    public sealed record Any : Shape;

    /// <summary>The shape of a source-generated type: properties by their JSON names, element types of lists and maps.</summary>
    public static Shape Of(JsonTypeInfo info, int depth = 0)
    {
        var type = Nullable.GetUnderlyingType(info.Type) ?? info.Type;
        if (type == typeof(string)) return new Text();
        if (type == typeof(int) || type == typeof(long)) return new Integer();
        if (type == typeof(float) || type == typeof(double)) return new Real();
        if (type == typeof(bool)) return new Bool();
        if (type == typeof(byte[])) return new Bytes();
        if (type == typeof(JsonElement) || depth > 6) return new Any();
        if (info.Kind == JsonTypeInfoKind.Dictionary)
            return new Map(Of(info.Options.GetTypeInfo(info.ElementType!), depth + 1));
        if (info.Kind == JsonTypeInfoKind.Enumerable || typeof(IEnumerable).IsAssignableFrom(type))
            return new List(Of(info.Options.GetTypeInfo(info.ElementType!), depth + 1));
        if (info.Kind == JsonTypeInfoKind.Object)
            return new Record([.. info.Properties.Select(p => new KeyValuePair<string, Shape>(p.Name, Of(info.Options.GetTypeInfo(p.PropertyType), depth + 1)))]);
        return new Any();
    }

    /// <summary>The shape of an OpenAPI schema (references resolved against the document's components).</summary>
    public static Shape Of(JsonElement schema, JsonElement components, int depth = 0)
    {
        if (depth > 6) return new Any();
        if (schema.TryGetProperty("$ref", out var reference) && reference.GetString() is { } r && r.StartsWith("#/components/schemas/", StringComparison.Ordinal)
            && components.TryGetProperty("schemas", out var schemas) && schemas.TryGetProperty(r["#/components/schemas/".Length..], out var target))
            return Of(target, components, depth + 1);
        string? type = TypeName(schema);
        return type switch
        {
            "string" => schema.TryGetProperty("format", out var f) && f.GetString() == "byte" ? new Bytes() : new Text(),
            "integer" => new Integer(),
            "number" => new Real(),
            "boolean" => new Bool(),
            "array" => new List(schema.TryGetProperty("items", out var items) ? Of(items, components, depth + 1) : new Any()),
            "object" when schema.TryGetProperty("properties", out var props) =>
                new Record([.. props.EnumerateObject().Select(p => new KeyValuePair<string, Shape>(p.Name, Of(p.Value, components, depth + 1)))]),
            "object" when schema.TryGetProperty("additionalProperties", out var values) && values.ValueKind == JsonValueKind.Object =>
                new Map(Of(values, components, depth + 1)),
            _ => new Any(),
        };
    }

    /// <summary>The schema's type; "type" may be a string or, for nullable fields, an array such as ["null", "string"].</summary>
    private static string? TypeName(JsonElement schema)
    {
        if (!schema.TryGetProperty("type", out var type))
            return schema.TryGetProperty("properties", out _) ? "object" : null;
        if (type.ValueKind == JsonValueKind.String)
            return type.GetString();
        if (type.ValueKind == JsonValueKind.Array)
            return type.EnumerateArray().Select(t => t.GetString()).FirstOrDefault(t => t is not null and not "null");
        return null;
    }
}

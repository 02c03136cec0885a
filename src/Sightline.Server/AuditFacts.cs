using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Sightline.Access;
using Sightline.Storage;

namespace Sightline.Server;

/// <summary>
/// Builds audit entries from requests: who (access key, role), the case and purpose (request headers
/// <c>X-Sightline-Case</c> / <c>X-Sightline-Purpose</c> or query <c>case</c> / <c>purpose</c>, else the key's
/// defaults), the collection and threshold asked for, and a SHA-256 of the probe image — never the image — and
/// extracts the ids and similarities a search returned.
/// </summary>
public static class AuditFacts
{
    public const string CaseHeader = "X-Sightline-Case";
    public const string PurposeHeader = "X-Sightline-Purpose";

    /// <summary>State-changing calls and identification searches are audited; reads and plain detection are not.</summary>
    public static bool IsAudited(Capability capability) => capability is Capability.Index or Capability.Search or Capability.Administer or Capability.Review;

    public static AuditEntry Entry(HttpContext context, Principal principal, string operation, ReadOnlySpan<byte> body)
    {
        string? Text(string header, string query) =>
            context.Request.Headers[header].FirstOrDefault() is { Length: > 0 } h ? h
            : context.Request.Query[query].FirstOrDefault() is { Length: > 0 } q ? q : null;
        var entry = new AuditEntry(principal.AccessKeyId, principal.Role, operation)
        {
            Case = Limit(Text(CaseHeader, "case") ?? principal.DefaultCase, 128),
            Purpose = Limit(Text(PurposeHeader, "purpose") ?? principal.DefaultPurpose, 64),
            CollectionId = Limit(context.Request.RouteValues["collectionId"] as string, 255),
        };
        return body.IsEmpty || body[0] != (byte)'{' ? entry : FromJson(entry, body);
    }

    /// <summary>Adds what a JSON 1.1 request names: CollectionId, the match threshold, the probe.</summary>
    private static AuditEntry FromJson(AuditEntry entry, ReadOnlySpan<byte> body)
    {
        try
        {
            var reader = new Utf8JsonReader(body);
            using var doc = JsonDocument.ParseValue(ref reader);
            var root = doc.RootElement;
            string? collection = root.TryGetProperty("CollectionId", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString() : null;
            float? threshold = (root.TryGetProperty("FaceMatchThreshold", out var t) || root.TryGetProperty("UserMatchThreshold", out t)) && t.TryGetSingle(out float f) ? f : null;
            return entry with { CollectionId = Limit(collection, 255) ?? entry.CollectionId, Threshold = threshold, Probe = Probe(root) };
        }
        catch (JsonException)
        {
            return entry; // the operation itself reports the malformed body
        }
    }

    private static string? Probe(JsonElement root)
    {
        foreach (string name in new[] { "Image", "Video" })
        {
            if (!root.TryGetProperty(name, out var input) || input.ValueKind != JsonValueKind.Object)
                continue;
            if (input.TryGetProperty("Bytes", out var bytes) && bytes.ValueKind == JsonValueKind.String && bytes.TryGetBytesFromBase64(out var data))
                return "sha256:" + Convert.ToHexStringLower(SHA256.HashData(data));
            if (input.TryGetProperty("S3Object", out var o) && o.ValueKind == JsonValueKind.Object)
                return Limit($"s3://{(o.TryGetProperty("Bucket", out var b) ? b.GetString() : "")}/{(o.TryGetProperty("Name", out var n) ? n.GetString() : "")}", 1100);
        }
        return null;
    }

    /// <summary>SHA-256 of an uploaded probe (native API).</summary>
    public static string ProbeOf(ReadOnlySpan<byte> image) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(image));

    /// <summary>The ids and similarities a search returned, as compact JSON (from the response JSON, any casing).</summary>
    public static string Matches(string responseJson) => Details(MatchList(responseJson));

    public static string Details(IReadOnlyList<LeadMatch> matches) =>
        "[" + string.Join(',', matches.Select(m => $"{{\"{m.SubjectType}Id\":{JsonSerializer.Serialize(m.SubjectId)},\"similarity\":{m.Similarity.ToString("R", System.Globalization.CultureInfo.InvariantCulture)}}}")) + "]";

    /// <summary>The faces and users a search returned with their similarities: one lead each.</summary>
    public static IReadOnlyList<LeadMatch> MatchList(string responseJson)
    {
        using var doc = JsonDocument.Parse(responseJson);
        var found = new List<LeadMatch>();
        Collect(doc.RootElement, found, null);
        return found;
    }

    private static void Collect(JsonElement e, List<LeadMatch> found, float? similarity)
    {
        if (e.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in e.EnumerateArray())
                Collect(item, found, similarity);
            return;
        }
        if (e.ValueKind != JsonValueKind.Object)
            return;
        foreach (var p in e.EnumerateObject())
        {
            if ((p.NameEquals("Similarity") || p.NameEquals("similarity")) && p.Value.TryGetSingle(out float s))
                similarity = s;
        }
        foreach (var p in e.EnumerateObject())
        {
            bool isId = p.Name is "FaceId" or "faceId" or "UserId" or "userId";
            if (isId && similarity is { } sim && p.Value.ValueKind == JsonValueKind.String)
                found.Add(new LeadMatch(p.Name is "FaceId" or "faceId" ? "face" : "user", p.Value.GetString()!, sim));
            else if (p.Value.ValueKind is JsonValueKind.Object or JsonValueKind.Array)
                Collect(p.Value, found, similarity);
        }
    }

    private static string? Limit(string? value, int max) => value is null ? null : value.Length <= max ? value : value[..max];
}

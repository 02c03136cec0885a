using Microsoft.AspNetCore.Http;
using Sightline.Access;
using Sightline.Identification;
using Sightline.Storage;

namespace Sightline.Server;

/// <summary>
/// Builds audit entries from requests: who (access key, role), the case and purpose (request headers
/// <c>X-Sightline-Case</c> / <c>X-Sightline-Purpose</c> or query <c>case</c> / <c>purpose</c>, else the key's
/// defaults), and, from the typed request, the collection and threshold asked for and a SHA-256 of the probe image —
/// never the image.
/// </summary>
public static class AuditFacts
{
    public const string CaseHeader = "X-Sightline-Case";
    public const string PurposeHeader = "X-Sightline-Purpose";

    /// <summary>State-changing calls and identification searches are audited; reads and plain detection are not.</summary>
    public static bool IsAudited(Capability capability) => capability is Capability.Index or Capability.Search or Capability.Administer or Capability.Review or Capability.Respond;

    /// <summary>What is known before the body is read: the caller, the case and purpose, the route's collection.</summary>
    public static AuditEntry Entry(HttpContext context, Principal principal, string operation)
    {
        string? Text(string header, string query) =>
            context.Request.Headers[header].FirstOrDefault() is { Length: > 0 } h ? h
            : context.Request.Query[query].FirstOrDefault() is { Length: > 0 } q ? q : null;
        return new AuditEntry(principal.AccessKeyId, principal.Role, operation)
        {
            Case = Limit(Text(CaseHeader, "case") ?? principal.DefaultCase, 128),
            Purpose = Limit(Text(PurposeHeader, "purpose") ?? principal.DefaultPurpose, 64),
            CollectionId = Limit(context.Request.RouteValues["collectionId"] as string, 255),
        };
    }

    /// <summary>Adds what the typed request names; a threshold that is not a valid percentage is left out.</summary>
    public static AuditEntry With(AuditEntry entry, IAuditedRequest? request) => request is null ? entry : entry with
    {
        CollectionId = Limit(request.CollectionId, 255) ?? entry.CollectionId,
        Threshold = MatchThreshold.Recordable(request.MatchThreshold),
        Probe = Recordable(ProbeOf(request.ProbeInput)),
    };

    /// <summary>How a record names an image input: a SHA-256 of its bytes, or its S3 location.</summary>
    public static string? ProbeOf(ImageInput? input) => input switch
    {
        { Bytes: { } bytes } => Probe.Of(bytes),
        { S3Object: { } location } => Probe.OfS3(location.Bucket, location.Name),
        _ => null,
    };

    private static string? Limit(string? value, int max) => Recordable(value is null ? null : value.Length <= max ? value : value[..max]);

    /// <summary>
    /// Text as an audit record can hold it: a NUL (which PostgreSQL text cannot store) becomes U+FFFD, so the refusal
    /// of a request that carried one is still recorded rather than failing in the server.
    /// </summary>
    private static string? Recordable(string? value) => value?.Replace('\0', '\uFFFD');
}

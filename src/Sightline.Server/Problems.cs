using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Sightline.Server;

/// <summary>RFC 7807 problem details for the native API: type, title, status, detail, and the Rekognition error name.</summary>
public static class Problems
{
    public const string ContentType = "application/problem+json";

    /// <summary>
    /// Longest error message sent, in characters. Messages quote the value they refuse; a value of megabytes would
    /// otherwise come back escaped at several times its size, and the escaping buffers stay pooled in the process.
    /// </summary>
    public const int MaxMessageChars = 1024;

    /// <summary>An error message as sent: at most <see cref="MaxMessageChars"/> characters, marked where it was cut.</summary>
    public static string Bounded(string message) =>
        message.Length <= MaxMessageChars ? message : string.Concat(message.AsSpan(0, MaxMessageChars), $"… ({message.Length - MaxMessageChars:N0} more characters)");

    private static readonly JsonSerializerOptions s_json = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static Task WriteAsync(HttpContext context, SightlineException ex)
    {
        context.Response.StatusCode = ex.Kind switch
        {
            ErrorKind.ResourceNotFound => StatusCodes.Status404NotFound,
            ErrorKind.ResourceAlreadyExists or ErrorKind.Conflict or ErrorKind.ResourceInUse => StatusCodes.Status409Conflict,
            ErrorKind.ImageTooLarge => StatusCodes.Status413PayloadTooLarge,
            ErrorKind.InvalidImageFormat => StatusCodes.Status415UnsupportedMediaType,
            ErrorKind.MissingAuthentication or ErrorKind.UnrecognizedClient or ErrorKind.IncompleteSignature or ErrorKind.InvalidSignature => StatusCodes.Status401Unauthorized,
            ErrorKind.AccessDenied => StatusCodes.Status403Forbidden,
            _ => ex.HttpStatus,
        };
        if (ex.RetryAfter is { } retryAfter)
            context.Response.Headers.RetryAfter = RetryAfterSeconds(retryAfter);
        if (context.Response.StatusCode == StatusCodes.Status401Unauthorized)
            context.Response.Headers.WWWAuthenticate = "Bearer realm=\"sightline\"";
        context.Response.ContentType = ContentType;
        var problem = new Dictionary<string, object?>
        {
            ["type"] = "https://sightline.local/problems/" + ex.Kind.ToString().ToLowerInvariant(),
            ["title"] = Title(ex.Kind),
            ["status"] = context.Response.StatusCode,
            ["detail"] = Bounded(ex.Message),
            ["errorType"] = ex.RekognitionType,
            ["requestId"] = context.TraceIdentifier,
        };
        return context.Response.WriteAsync(JsonSerializer.Serialize(problem, s_json));
    }

    /// <summary>Whole seconds, at least one, as <c>Retry-After</c> takes them.</summary>
    public static string RetryAfterSeconds(TimeSpan retryAfter) =>
        Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static string Title(ErrorKind kind) => kind switch
    {
        ErrorKind.InvalidParameter => "Invalid parameter",
        ErrorKind.Serialization => "Malformed request body",
        ErrorKind.InvalidImageFormat => "Unsupported or damaged image",
        ErrorKind.ImageTooLarge => "Image or request too large",
        ErrorKind.ResourceNotFound => "Not found",
        ErrorKind.ResourceAlreadyExists => "Already exists",
        ErrorKind.Conflict => "Conflict",
        ErrorKind.ResourceInUse => "In use",
        ErrorKind.AccessDenied => "Access denied",
        ErrorKind.Throttling => "Too many requests",
        ErrorKind.MissingAuthentication or ErrorKind.UnrecognizedClient or ErrorKind.IncompleteSignature or ErrorKind.InvalidSignature => "Not authenticated",
        _ => "Server error",
    };
}

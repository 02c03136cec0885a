using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http;

namespace Sightline.Server.Native;

public sealed record CreateCollectionBody(string? CollectionId);

public sealed record CreateUserBody(string? UserId);

public sealed record FaceIdsBody(IReadOnlyList<string>? FaceIds);

public sealed record TagsBody(Dictionary<string, string>? Tags);

public sealed record ReviewBody(string? Status, string? Note);

public sealed record RevokeBody(string? Reason);

public sealed record RetentionBody(int? FaceDays, int? LeadDays);

public sealed record HoldBody(string? Reason);

/// <summary>PATCH /v1/events/{id}: the case to file the event under (null: under none); the property must be given.</summary>
public sealed record EventBody([property: JsonRequired] string? Case);

/// <summary>What a person did about a live event: acknowledge, escalate or note, with a note (required for a note).</summary>
public sealed record EventActionBody(string? Action, string? Note);

public sealed record VideoLocation(string? Bucket, string? Name);

public sealed record VideoJobBody(VideoLocation? Video, string? CollectionId, float? FaceMatchThreshold, string? FaceAttributes, string? JobTag, string? ClientRequestToken)
{
    public float? MinConfidence { get; init; }
    public DetectLabelsSettings? Settings { get; init; }
    public VideoFiltersInput? Filters { get; init; }
    public IReadOnlyList<string>? SegmentTypes { get; init; }
    public IReadOnlyList<string>? Labels { get; init; }
    public NotificationChannelInput? NotificationChannel { get; init; }
}

/// <summary>Query and JSON inputs of the native API, parsed here so every mistake gets a problem naming it.</summary>
public static class NativeInput
{

    public static int? Int(HttpRequest request, string name, int min, int max)
    {
        string? value = request.Query[name];
        if (value is null)
            return null;
        return int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out int n) && n >= min && n <= max
            ? n
            : throw SightlineException.InvalidParameter($"Query parameter '{name}' must be a whole number from {min} to {max}, got '{value}'.");
    }

    public static float? Float(HttpRequest request, string name, float min, float max)
    {
        string? value = request.Query[name];
        if (value is null)
            return null;
        return float.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out float f) && f >= min && f <= max
            ? f
            : throw SightlineException.InvalidParameter($"Query parameter '{name}' must be a number from {min} to {max}, got '{value}'.");
    }

    /// <summary>An instant in the query: an ISO 8601 date (midnight UTC) or date and time (UTC unless it names an offset).</summary>
    public static DateTimeOffset? Instant(HttpRequest request, string name)
    {
        string? value = request.Query[name];
        if (value is null)
            return null;
        return value.Length >= 10 && char.IsAsciiDigit(value[0]) && value[4] == '-' && value[7] == '-'
            && DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var at)
            ? at
            : throw SightlineException.InvalidParameter($"Query parameter '{name}' must be an ISO 8601 date or date-time (e.g. 2026-01-01 or 2026-01-01T08:00:00Z), got '{value}'.");
    }

    public static string? Text(HttpRequest request, string name) => request.Query[name] is { Count: > 0 } v ? v.ToString() : null;

    /// <summary>
    /// Reads a multipart/form-data body. A malformed one — no closing boundary, a part without Content-Disposition,
    /// headers past the limit, a body cut short — is the caller's mistake: 400 naming what is wrong.
    /// </summary>
    public static async Task<IFormCollection> FormAsync(HttpRequest request, CancellationToken ct)
    {
        try
        {
            return await request.ReadFormAsync(ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException && !request.HttpContext.RequestAborted.IsCancellationRequested)
        {
            throw SightlineException.InvalidParameter($"The multipart/form-data body is malformed: {ex.Message}");
        }
    }

    public static async Task<T> JsonAsync<T>(HttpRequest request, CancellationToken ct)
        where T : class
    {
        if (!request.HasJsonContentType())
            throw SightlineException.InvalidParameter($"Send a JSON body with Content-Type application/json; got '{request.ContentType}'.");
        try
        {
            var type = NativeJsonContext.Default.GetTypeInfo(typeof(T)) as JsonTypeInfo<T>
                ?? throw new InvalidOperationException($"{typeof(T).Name} is not registered in NativeJsonContext.");
            return await JsonSerializer.DeserializeAsync(request.Body, type, ct).ConfigureAwait(false)
                ?? throw SightlineException.InvalidParameter("The JSON body is empty.");
        }
        catch (JsonException ex)
        {
            throw BodyRefused(ex);
        }
    }

    /// <summary>
    /// Reads a native API JSON body of type <paramref name="type"/> (one of the bodies above) from bytes, with the same
    /// rules and refusals as <see cref="JsonAsync{T}"/>: for tests and fuzzing, which have bytes rather than a request.
    /// </summary>
    public static object ReadBody(Type type, ReadOnlySpan<byte> body)
    {
        var info = NativeJsonContext.Default.GetTypeInfo(type) ?? throw new ArgumentException($"{type.Name} is not a native API body.", nameof(type));
        try
        {
            return JsonSerializer.Deserialize(body, info) ?? throw SightlineException.InvalidParameter("The JSON body is empty.");
        }
        catch (JsonException ex)
        {
            throw BodyRefused(ex);
        }
    }

    private static SightlineException BodyRefused(JsonException ex) =>
        SightlineException.Serialization($"The JSON body is not valid for this request at {RekognitionRequestReader.Describe(ex)}", ex);
}

/// <summary>
/// The native API's JSON bodies, source-generated: camelCase and case-insensitive names as the web defaults, but
/// numbers must be JSON numbers (the web defaults also read them from strings) and nesting is bounded.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, NumberHandling = JsonNumberHandling.Strict, MaxDepth = RekognitionRequestReader.MaxDepth)]
[JsonSerializable(typeof(CreateCollectionBody))]
[JsonSerializable(typeof(CreateUserBody))]
[JsonSerializable(typeof(FaceIdsBody))]
[JsonSerializable(typeof(TagsBody))]
[JsonSerializable(typeof(ReviewBody))]
[JsonSerializable(typeof(RetentionBody))]
[JsonSerializable(typeof(HoldBody))]
[JsonSerializable(typeof(EventBody))]
[JsonSerializable(typeof(VideoJobBody))]
[JsonSerializable(typeof(HotlistEntryBody))]
[JsonSerializable(typeof(AlertRuleBody))]
[JsonSerializable(typeof(Sightline.Live.CameraRequest))]
[JsonSerializable(typeof(Sightline.Live.Faces.AuthorizationRequest))]
[JsonSerializable(typeof(RevokeBody))]
[JsonSerializable(typeof(Sightline.Server.Web.SignInBody))]
[JsonSerializable(typeof(EventActionBody))]
[JsonSerializable(typeof(KeyBody))]
internal sealed partial class NativeJsonContext : JsonSerializerContext;

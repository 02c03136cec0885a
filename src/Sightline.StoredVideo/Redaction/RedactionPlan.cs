using System.Text.Json;
using System.Text.Json.Serialization;

namespace Sightline.StoredVideo.Redaction;

[JsonConverter(typeof(JsonStringEnumConverter<TrackKind>))]
public enum TrackKind
{
    [JsonStringEnumMemberName("face")]
    Face,

    [JsonStringEnumMemberName("plate")]
    Plate,

    [JsonStringEnumMemberName("region")]
    Region,
}

/// <summary>The area covered on one frame, in pixels of the frame (margin included, inside the frame). Written as [frame, x, y, width, height].</summary>
[JsonConverter(typeof(TrackBoxConverter))]
public readonly record struct TrackBox(int Frame, int X, int Y, int Width, int Height);

/// <summary>
/// One thing followed through the video: a face, a plate or a manual region, with the box to cover on each frame
/// from <see cref="FirstFrame"/> to <see cref="LastFrame"/> (one box per frame, in order). <see cref="DetectedFrames"/>
/// counts the frames the detector saw it on; the rest were bridged or extended.
/// </summary>
public sealed record RedactionTrack(int Index, TrackKind Kind, int FirstFrame, int LastFrame, int DetectedFrames, IReadOnlyList<TrackBox> Boxes)
{
    public int CoveredFrames => Boxes.Count;

    /// <summary>The box on <paramref name="frame"/>, if the track covers it.</summary>
    public TrackBox? At(long frame) => frame >= FirstFrame && frame <= LastFrame ? Boxes[(int)(frame - FirstFrame)] : null;
}

/// <summary>The video a plan was made for: its SHA-256, frame size, exact frame rate (a ratio) and frame count as decoded.</summary>
public sealed record RedactionSource(string Sha256, int Width, int Height, string FrameRate, int Frames, long DurationMillis, string? AudioCodec)
{
    [JsonIgnore]
    public double Fps => Sightline.Video.StreamFacts.PerSecond(FrameRate);
}

/// <summary>
/// Pass 1's result: every track to cover, for one source video. Indexes are stable for that video and those options,
/// so a person can choose from a plan which faces to keep before the export.
/// </summary>
public sealed record RedactionPlan(RedactionSource Source, RedactionOptions Options, string Detector, IReadOnlyList<RedactionTrack> Tracks)
{
    /// <summary>Checks that every index to keep names a face track of this plan.</summary>
    public void CheckKept(IReadOnlyList<int> keep)
    {
        foreach (int index in keep)
        {
            var track = Tracks.FirstOrDefault(t => t.Index == index)
                ?? throw SightlineException.InvalidParameter($"The plan has no track {index} (it has {Tracks.Count}); run the plan again to see its tracks.");
            if (track.Kind != TrackKind.Face)
                throw SightlineException.InvalidParameter($"Track {index} is a {track.Kind.ToString().ToLowerInvariant()}; only faces can be kept.");
        }
    }

    public string ToJson() => JsonSerializer.Serialize(this, RedactionJsonContext.Default.RedactionPlan);

    public static RedactionPlan FromJson(string json) =>
        JsonSerializer.Deserialize(json, RedactionJsonContext.Default.RedactionPlan) ?? throw new SightlineException(ErrorKind.Internal, "The redaction plan is unreadable.");
}

internal sealed class TrackBoxConverter : JsonConverter<TrackBox>
{
    public override TrackBox Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        Span<int> v = stackalloc int[5];
        if (reader.TokenType != JsonTokenType.StartArray)
            throw new JsonException("A box is [frame, x, y, width, height].");
        for (int i = 0; i < 5; i++)
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.Number)
                throw new JsonException("A box is [frame, x, y, width, height].");
            v[i] = reader.GetInt32();
        }
        if (!reader.Read() || reader.TokenType != JsonTokenType.EndArray)
            throw new JsonException("A box is [frame, x, y, width, height].");
        return new TrackBox(v[0], v[1], v[2], v[3], v[4]);
    }

    public override void Write(Utf8JsonWriter writer, TrackBox value, JsonSerializerOptions options)
    {
        writer.WriteStartArray();
        writer.WriteNumberValue(value.Frame);
        writer.WriteNumberValue(value.X);
        writer.WriteNumberValue(value.Y);
        writer.WriteNumberValue(value.Width);
        writer.WriteNumberValue(value.Height);
        writer.WriteEndArray();
    }
}

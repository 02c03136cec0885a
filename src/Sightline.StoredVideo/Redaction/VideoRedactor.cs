using System.Security.Cryptography;
using Sightline.Faces;
using Sightline.Faces.Detection;
using Sightline.Inference;
using Sightline.Text;
using Sightline.Video;

namespace Sightline.StoredVideo.Redaction;

/// <summary>
/// Redaction of a stored video for release, in two passes over every frame at the video's own rate. Pass 1
/// (<see cref="PlanAsync"/>) detects faces (and plates) on every frame and follows them into tracks; pass 2
/// (<see cref="ExportAsync"/>) covers each planned box and encodes a new H.264 MP4 with the same size, rate and
/// frame count. The source is only read. One video at a time per call; the detector parallelises within a frame.
/// </summary>
/// <param name="plates">The plate reader, made on first use (its models load only for a redaction that asks for plates).</param>
public sealed partial class VideoRedactor(FaceEngine faces, Func<PlateReader>? plates = null)
{
    /// <summary>
    /// Detector score a redaction accepts, below the engine's (0.7 for UltraFace): a missed face is released, a box on
    /// a face-like texture only covers a little more. With a 20 px smallest face, 0.5 found 659 faces in the 105 frames
    /// of the 1080p street clip where the engine's defaults found 575 (docs/redaction.md).
    /// </summary>
    public const float ScoreThreshold = 0.5f;

    /// <summary>Score the confirming detector (BlazeFace) accepts for a redaction, below its 0.42 default for the same reason.</summary>
    public const float VerifierThreshold = 0.3f;

    public VideoLimits Limits { get; init; } = new();

    /// <summary>
    /// The face detector of a redaction: the engine's models (the same sessions), looking for faces down to
    /// <paramref name="minFaceSize"/> pixels at the lower scores above. The engine's own detector otherwise. Never
    /// disposed by its user: it borrows the engine's sessions.
    /// </summary>
    public IFaceDetector DetectorFor(int minFaceSize) => faces.Detector is TiledFaceDetector tiled
        ? new TiledFaceDetector(tiled.Inner, new DetectorOptions { ScoreThreshold = ScoreThreshold, Tiling = new TilingOptions { MinFaceSize = minFaceSize } },
            ScoreThreshold, tiled.Verifier, VerifierThreshold)
        : faces.Detector;

    /// <summary>What a plan records of its detector: the model and how it looked.</summary>
    private static string Describe(IFaceDetector detector, int minFaceSize) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{detector.ModelId} (faces from {minFaceSize} px, score {ScoreThreshold})");

    /// <summary>Pass 1: decodes every frame, detects and tracks, and returns the tracks to cover.</summary>
    public async Task<RedactionPlan> PlanAsync(string path, RedactionOptions options, IProgress<(int Done, int Total)>? progress, CancellationToken ct)
    {
        options = options.Validated();
        var (info, facts) = await ProbeAsync(path, ct).ConfigureAwait(false);
        string sha = await Sha256Async(path, ct).ConfigureAwait(false);
        double fps = StreamFacts.PerSecond(facts.FrameRate);
        int expected = (int)Math.Min(int.MaxValue, facts.StatedFrames ?? (long)Math.Round(info.DurationMillis * fps / 1000));
        int gap = RedactionOptions.Frames(options.MaxGapSeconds, fps), extend = RedactionOptions.Frames(options.ExtendSeconds, fps);
        long order = 0;
        long Next() => order++;
        var faceTracks = new TrackBuilder(TrackKind.Face, gap, Next);
        // Plates are read on every PlateStride-th frame: the frames between count as a gap, and a track is extended over them.
        var plateTracks = new TrackBuilder(TrackKind.Plate, gap + options.PlateStride - 1, Next);
        var detector = DetectorFor(options.MinFaceSize);
        var plateReader = options.Plates ? (plates ?? throw SightlineException.InvalidParameter("Plate redaction is not available here."))() : null;
        int frames = 0;
        await foreach (var frame in NativeFrames.ReadAsync(path, info, ct).ConfigureAwait(false))
        {
            int index = (int)frame.Index;
            if (options.Faces)
                faceTracks.Add(index, [.. detector.Detect(frame.Bgr, ct).Select(d => d.Box)]);
            if (plateReader is not null && index % options.PlateStride == 0)
                plateTracks.Add(index, [.. plateReader.Read(frame.Bgr, ct).Select(p => p.Quad.Bounds)]);
            frames = index + 1;
            progress?.Report((frames, Math.Max(expected, frames)));
        }
        if (frames == 0)
            throw new SightlineException(ErrorKind.InvalidImageFormat, "The video has no frame that could be decoded.");
        var source = new RedactionSource(sha, info.Width, info.Height, facts.FrameRate, frames, info.DurationMillis, facts.AudioCodec);
        var sightings = faceTracks.Finish().Concat(plateTracks.Finish()).OrderBy(t => t.Seen[0].Frame).ThenBy(t => t.Order).ToList();
        var tracks = new List<RedactionTrack>(sightings.Count + options.Regions.Count);
        foreach (var track in sightings)
        {
            int reach = track.Kind == TrackKind.Plate ? Math.Max(extend, options.PlateStride - 1) : extend;
            tracks.Add(TrackCoverage.Cover(tracks.Count, track, reach, options.Margin, frames, info.Width, info.Height));
        }
        foreach (var region in options.Regions)
            tracks.Add(TrackCoverage.Region(tracks.Count, region, fps, frames, info.Width, info.Height));
        return new RedactionPlan(source, options, Describe(detector, options.MinFaceSize), tracks);
    }

    /// <summary>What ffprobe says of the video, checked against <see cref="Limits"/>; a file that is not a video is InvalidParameter saying so.</summary>
    public async Task<(VideoInfo Info, StreamFacts Facts)> ProbeAsync(string path, CancellationToken ct)
    {
        try
        {
            var info = await VideoProbe.ProbeAsync(path, Limits, ct).ConfigureAwait(false);
            return (info, await StreamFacts.ProbeAsync(path, ct).ConfigureAwait(false));
        }
        catch (SightlineException ex) when (ex.Kind == ErrorKind.InvalidImageFormat)
        {
            throw SightlineException.InvalidParameter($"{Path.GetFileName(path)} is not a video that can be read: {ex.Message}");
        }
    }

    public static async Task<string> Sha256Async(string path, CancellationToken ct)
    {
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, FileOptions.Asynchronous | FileOptions.SequentialScan);
        await using (stream.ConfigureAwait(false))
            return Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, ct).ConfigureAwait(false));
    }

}

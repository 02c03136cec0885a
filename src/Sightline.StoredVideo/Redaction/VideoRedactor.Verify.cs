using Sightline.Video;

namespace Sightline.StoredVideo.Redaction;

public sealed partial class VideoRedactor
{
    /// <summary>Frames listed in a check: enough to find them, bounded for a long video that went wrong.</summary>
    private const int MaxListedFrames = 100;

    /// <summary>
    /// Runs the engine's face detector (as every other analysis uses it) on every frame of a redacted video: a face
    /// found with its centre outside every kept person's box on that frame is one the redaction missed. Not the plan's
    /// more sensitive settings: at those, badges and lettering next to a covered face score as faces (seven such boxes
    /// in the 150 frames of the tests' panned photo, none a face).
    /// </summary>
    public Task<RedactionCheck> VerifyAsync(string path, RedactionPlan plan, IReadOnlySet<int> kept, IProgress<(int Done, int Total)>? progress, CancellationToken ct)
    {
        var keptTracks = plan.Tracks.Where(t => kept.Contains(t.Index)).ToList();
        return CheckAsync(path, (frame, box) => keptTracks.Any(t => t.At(frame) is { } k
            && box.CenterX >= k.X && box.CenterX <= k.X + k.Width && box.CenterY >= k.Y && box.CenterY <= k.Y + k.Height), progress, ct);
    }

    /// <summary>
    /// The faces the engine's detector finds on every frame of any video (a release made here or elsewhere), those
    /// <paramref name="expected"/> accepts (a kept person's) apart.
    /// </summary>
    public async Task<RedactionCheck> CheckAsync(string path, Func<long, Inference.RectF, bool>? expected, IProgress<(int Done, int Total)>? progress, CancellationToken ct)
    {
        var (info, facts) = await ProbeAsync(path, ct).ConfigureAwait(false);
        int total = (int)Math.Min(int.MaxValue, facts.StatedFrames ?? (long)Math.Round(info.DurationMillis * StreamFacts.PerSecond(facts.FrameRate) / 1000));
        int frames = 0, found = 0, missed = 0;
        var listed = new List<int>();
        await foreach (var frame in NativeFrames.ReadAsync(path, info, ct).ConfigureAwait(false))
        {
            frames++;
            foreach (var face in faces.Detector.Detect(frame.Bgr, ct))
            {
                found++;
                if (expected?.Invoke(frame.Index, face.Box) == true)
                    continue;
                missed++;
                if (listed.Count < MaxListedFrames && (listed.Count == 0 || listed[^1] != frame.Index))
                    listed.Add((int)frame.Index);
            }
            progress?.Report((frames, Math.Max(total, frames)));
        }
        return new RedactionCheck(frames, found, missed, listed);
    }
}

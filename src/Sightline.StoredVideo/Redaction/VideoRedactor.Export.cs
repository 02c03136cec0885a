using System.Diagnostics;
using System.Globalization;
using Sightline.Storage;
using Sightline.Video;

namespace Sightline.StoredVideo.Redaction;

/// <summary>
/// What an export decides beyond the plan: whom to keep visible, the sound, how boxes are covered, and whether the
/// face detector checks every frame of the output before it is released (<see cref="Verify"/>: a third pass).
/// </summary>
public sealed record ExportChoices(IReadOnlyList<int> KeepPersons, bool Audio, CoverStyle Style, bool Verify = false)
{
    public static ExportChoices Of(RedactionOptions options, bool verify = false) => new(options.KeepPersons, options.Audio, options.Style, verify);
}

public sealed partial class VideoRedactor
{
    /// <summary>x264's speed preset: on 2 cores encoding 1080p at veryfast costs far less than detecting faces on the same frames.</summary>
    private const string Preset = "veryfast";

    /// <summary>Visually transparent for body-worn and CCTV footage at about the source's bit rate.</summary>
    private const int Crf = 20;

    /// <summary>
    /// Pass 2: decodes the source again, covers every planned box except the kept tracks', and encodes H.264 (yuv420p)
    /// MP4 with the source's size, frame rate and frame count, with its sound (AAC) or none. The output and its log are
    /// written beside <paramref name="outputPath"/> under temporary names, checked (frame count, size, rate), recorded
    /// in the audit chain under <paramref name="entry"/> (the source's SHA-256 as the probe, the output's and the log's
    /// in the details), and only then moved into place. The source must be the one the plan was made for.
    /// </summary>
    public async Task<RedactionLog> ExportAsync(string sourcePath, string sourceName, RedactionPlan plan, ExportChoices choices, string outputPath,
        AuditEntry entry, IAuditStore audit, IProgress<(int Done, int Total)>? progress, CancellationToken ct)
    {
        plan.CheckKept(choices.KeepPersons);
        CheckOutput(sourcePath, outputPath);
        string sha = await Sha256Async(sourcePath, ct).ConfigureAwait(false);
        if (sha != plan.Source.Sha256)
            throw new SightlineException(ErrorKind.Conflict, "The source video changed after it was planned; plan it again.");
        var (info, facts) = await ProbeAsync(sourcePath, ct).ConfigureAwait(false);
        string directory = Path.GetDirectoryName(Path.GetFullPath(outputPath)) ?? ".";
        Directory.CreateDirectory(directory);
        string stem = Path.Combine(directory, "." + Path.GetFileName(outputPath) + "." + Guid.NewGuid().ToString("N")[..12]);
        string tempVideo = stem + ".mp4", tempLog = stem + ".json";
        try
        {
            bool audio = choices.Audio && facts.AudioCodec is not null;
            await RenderAsync(sourcePath, info, plan, choices, audio ? facts.AudioCodec : null, tempVideo, progress, ct).ConfigureAwait(false);
            var written = await StreamFacts.CountAsync(tempVideo, ct).ConfigureAwait(false);
            if (written.Frames != plan.Source.Frames || Math.Abs(StreamFacts.PerSecond(written.FrameRate) / plan.Source.Fps - 1) > 1e-3)
                throw new SightlineException(ErrorKind.Internal, $"The encoded video has {written.Frames} frames at {written.FrameRate}; the source has {plan.Source.Frames} at {plan.Source.FrameRate}.");
            var kept = choices.KeepPersons.ToHashSet();
            var check = choices.Verify ? await VerifyAsync(tempVideo, plan, kept, progress, ct).ConfigureAwait(false) : null;
            var log = new RedactionLog(DateTimeOffset.UtcNow, RedactedBy.Of(entry),
                new LoggedVideo(sourceName, sha, plan.Source.Width, plan.Source.Height, plan.Source.FrameRate, plan.Source.Frames, facts.AudioCodec),
                new LoggedVideo(Path.GetFileName(outputPath), await Sha256Async(tempVideo, ct).ConfigureAwait(false), written.Width, written.Height, written.FrameRate,
                    (int)written.Frames, audio ? "aac" : null),
                plan.Options with { KeepPersons = choices.KeepPersons, Audio = choices.Audio, Style = choices.Style }, plan.Detector,
                [.. plan.Tracks.Select(t => new LoggedTrack(t.Index, t.Kind, t.FirstFrame, t.LastFrame, t.DetectedFrames, kept.Contains(t.Index) ? 0 : t.CoveredFrames, kept.Contains(t.Index)))])
            {
                Verification = check,
            };
            string json = log.ToJson();
            await File.WriteAllTextAsync(tempLog, json, ct).ConfigureAwait(false);
            string logSha = await Sha256Async(tempLog, ct).ConfigureAwait(false);
            // Recorded before the output exists under its name: no released file lacks its record.
            await audit.AppendAuditAsync(entry with { Probe = "sha256:" + sha, Details = log.AuditDetails(logSha) }, ct).ConfigureAwait(false);
            File.Move(tempVideo, outputPath, overwrite: true);
            File.Move(tempLog, RedactionLog.PathFor(outputPath), overwrite: true);
            return log;
        }
        finally
        {
            File.Delete(tempVideo);
            File.Delete(tempLog);
        }
    }

    /// <summary>The source is never written: an output path naming it (or its log's path) is refused.</summary>
    public static void CheckOutput(string sourcePath, string outputPath)
    {
        string source = Path.GetFullPath(sourcePath), output = Path.GetFullPath(outputPath);
        if (string.Equals(source, output, StringComparison.Ordinal) || string.Equals(source, RedactionLog.PathFor(output), StringComparison.Ordinal))
            throw SightlineException.InvalidParameter("The output would replace the source; write it to another file.");
    }

    private static async Task RenderAsync(string sourcePath, VideoInfo info, RedactionPlan plan, ExportChoices choices, string? audioCodec, string output,
        IProgress<(int Done, int Total)>? progress, CancellationToken ct)
    {
        using var encoder = Process.Start(EncoderArguments(sourcePath, plan.Source, audioCodec, output))
            ?? throw new SightlineException(ErrorKind.Internal, "ffmpeg could not be started; install it (scripts/setup.sh does).");
        var errors = encoder.StandardError.ReadToEndAsync(CancellationToken.None);
        var kept = choices.KeepPersons.ToHashSet();
        var pending = new Queue<RedactionTrack>(plan.Tracks.Where(t => !kept.Contains(t.Index) && t.CoveredFrames > 0).OrderBy(t => t.FirstFrame));
        var active = new List<RedactionTrack>();
        int frames = 0;
        try
        {
            var stdin = encoder.StandardInput.BaseStream;
            await foreach (var frame in NativeFrames.ReadAsync(sourcePath, info, ct).ConfigureAwait(false))
            {
                if (frame.Index >= plan.Source.Frames)
                    throw new SightlineException(ErrorKind.Conflict, "The source decodes to more frames than were planned; plan it again.");
                while (pending.Count > 0 && pending.Peek().FirstFrame <= frame.Index)
                    active.Add(pending.Dequeue());
                active.RemoveAll(t => t.LastFrame < frame.Index);
                foreach (var track in active)
                {
                    if (track.At(frame.Index) is { } box)
                        Cover.Apply(frame.Bgr, box, choices.Style);
                }
                try
                {
                    await stdin.WriteAsync(frame.Pixels, ct).ConfigureAwait(false);
                }
                catch (IOException)
                {
                    break; // the encoder stopped: its exit code and message say why
                }
                frames++;
                progress?.Report((frames, plan.Source.Frames));
            }
            try
            {
                stdin.Close();
            }
            catch (IOException)
            {
                // the encoder stopped early: its exit code and message say why
            }
            await encoder.WaitForExitAsync(ct).ConfigureAwait(false);
            if (encoder.ExitCode != 0)
                throw new SightlineException(ErrorKind.Internal, $"The video could not be encoded: {NativeFrames.FirstLine(await errors.ConfigureAwait(false))}");
            if (frames != plan.Source.Frames)
                throw new SightlineException(ErrorKind.Conflict, $"The source decoded to {frames} frames; {plan.Source.Frames} were planned. Plan it again.");
        }
        finally
        {
            if (!encoder.HasExited)
                encoder.Kill(entireProcessTree: true);
        }
    }

    private static ProcessStartInfo EncoderArguments(string sourcePath, RedactionSource source, string? audioCodec, string output)
    {
        var psi = new ProcessStartInfo("ffmpeg") { RedirectStandardInput = true, RedirectStandardError = true, UseShellExecute = false };
        var args = new List<string>
        {
            "-v", "error", "-y",
            "-f", "rawvideo", "-pix_fmt", "bgr24", "-s", string.Create(CultureInfo.InvariantCulture, $"{source.Width}x{source.Height}"), "-framerate", source.FrameRate, "-i", "pipe:0",
        };
        if (audioCodec is not null)
            args.AddRange(["-i", sourcePath, "-map", "0:v:0", "-map", "1:a:0", "-c:a", audioCodec == "aac" ? "copy" : "aac", "-b:a", "160k"]);
        else
            args.AddRange(["-map", "0:v:0", "-an"]);
        // yuv420p needs even sides: an odd side gains one pixel (of the edge repeated).
        if (source.Width % 2 != 0 || source.Height % 2 != 0)
            args.AddRange(["-vf", "pad=ceil(iw/2)*2:ceil(ih/2)*2"]);
        // No metadata of the source travels with a release (device, place, time).
        args.AddRange(["-map_metadata", "-1", "-map_chapters", "-1", "-sn", "-dn",
            "-c:v", "libx264", "-preset", Preset, "-crf", Crf.ToString(CultureInfo.InvariantCulture), "-pix_fmt", "yuv420p",
            "-movflags", "+faststart", "-f", "mp4", output]);
        foreach (string a in args)
            psi.ArgumentList.Add(a);
        return psi;
    }
}

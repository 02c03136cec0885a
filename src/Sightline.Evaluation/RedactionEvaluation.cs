using System.Diagnostics;
using OpenCvSharp;
using Sightline.Imaging;
using Sightline.Inference;
using Sightline.StoredVideo.Redaction;

namespace Sightline.Evaluation;

/// <summary>
/// Redaction recall against labelled faces: how many labelled faces, frame by frame, a redaction plan leaves
/// uncovered. Sightings are labelled faces on frames; a sighting counts as covered when the plan's boxes on that frame
/// cover at least <see cref="RedactionEvaluation.CoveredShare"/> of its labelled box.
/// </summary>
public sealed record RedactionRecallResult(int Images, int Faces, int Frames, int Sightings, int Covered, int Left, double Recall, double MeanCoverage,
    IReadOnlyList<string> FilesWithFacesLeft, string Detector);

/// <summary>
/// Makes a video of labelled images (file,x,y,w,h in pixels, as <c>eval detect</c> reads them): each image at its own size (shrunk to fit) in
/// a 1280×720 frame and held for <c>hold</c> frames at 10 fps while it drifts 4 px a frame to the left, so that every
/// frame differs and the faces move; then plans its redaction with the defaults and checks each labelled face on each
/// frame against the boxes the plan covers there.
/// </summary>
public static class RedactionEvaluation
{
    public const int Width = 1280, Height = 720, Fps = 10, Drift = 4;

    /// <summary>A labelled face counts as covered on a frame when this share of its box is under the plan's boxes.</summary>
    public const double CoveredShare = 0.9;

    public static async Task<RedactionRecallResult> RunAsync(VideoRedactor redactor, ImageDecoder decoder, string csvPath, string root, int hold, string workDirectory,
        IProgress<(int Done, int Total)>? progress, CancellationToken ct)
    {
        if (hold is < 1 or > 100)
            throw SightlineException.InvalidParameter($"--hold must be from 1 to 100 frames, got {hold}.");
        var csv = CsvTable.Load(csvPath, "file", "x", "y", "w", "h");
        var images = csv.Rows.Select((r, i) => (File: csv.Get(r, "file"),
                Box: RectF.FromXywh(csv.GetFloat(r, "x", i), csv.GetFloat(r, "y", i), csv.GetFloat(r, "w", i), csv.GetFloat(r, "h", i))))
            .GroupBy(l => l.File).ToList();
        if (images.Count == 0)
            throw SightlineException.InvalidParameter($"{csvPath} labels no face.");
        string video = Path.Combine(workDirectory, "labelled.mp4");
        var truth = await WriteVideoAsync(images.Select(g => (EvalPaths.Resolve(root, g.Key), g.Select(x => x.Box).ToList())).ToList(), decoder, hold, video, ct).ConfigureAwait(false);
        var plan = await redactor.PlanAsync(video, new RedactionOptions(), progress, ct).ConfigureAwait(false);
        int sightings = 0, covered = 0;
        double coverage = 0;
        var leftIn = new SortedSet<string>(StringComparer.Ordinal);
        for (int frame = 0; frame < truth.Count; frame++)
        {
            var boxes = plan.Tracks.Select(t => t.At(frame)).OfType<TrackBox>().Select(b => RectF.FromXywh(b.X, b.Y, b.Width, b.Height)).ToList();
            foreach (var label in truth[frame].Boxes)
            {
                double share = Share(label, boxes);
                sightings++;
                coverage += share;
                if (share >= CoveredShare)
                    covered++;
                else
                    leftIn.Add(images[truth[frame].Image].Key);
            }
        }
        return new RedactionRecallResult(images.Count, images.Sum(g => g.Count()), truth.Count, sightings, covered, sightings - covered,
            sightings == 0 ? double.NaN : covered / (double)sightings, sightings == 0 ? double.NaN : coverage / sightings, [.. leftIn], plan.Detector);
    }

    /// <summary>The share of <paramref name="label"/>'s pixels inside at least one of <paramref name="boxes"/>.</summary>
    internal static double Share(RectF label, IReadOnlyList<RectF> boxes)
    {
        int x1 = (int)Math.Floor(label.X1), y1 = (int)Math.Floor(label.Y1), x2 = (int)Math.Ceiling(label.X2), y2 = (int)Math.Ceiling(label.Y2);
        int inside = 0, all = 0;
        for (int y = y1; y < y2; y++)
        {
            for (int x = x1; x < x2; x++)
            {
                all++;
                float cx = x + 0.5f, cy = y + 0.5f;
                if (boxes.Any(b => cx >= b.X1 && cx < b.X2 && cy >= b.Y1 && cy < b.Y2))
                    inside++;
            }
        }
        return all == 0 ? 1 : inside / (double)all;
    }

    /// <summary>Encodes the frames (H.264, CRF 18) and returns each frame's labelled boxes in frame pixels.</summary>
    private static async Task<List<(int Image, List<RectF> Boxes)>> WriteVideoAsync(List<(string Path, List<RectF> Boxes)> images, ImageDecoder decoder, int hold,
        string output, CancellationToken ct)
    {
        var psi = new ProcessStartInfo("ffmpeg") { RedirectStandardInput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "-v", "error", "-y", "-f", "rawvideo", "-pix_fmt", "bgr24", "-s", $"{Width}x{Height}", "-r", $"{Fps}", "-i", "pipe:0",
            "-c:v", "libx264", "-preset", "veryfast", "-crf", "18", "-pix_fmt", "yuv420p", output })
            psi.ArgumentList.Add(a);
        using var ffmpeg = Process.Start(psi) ?? throw new SightlineException(ErrorKind.Internal, "ffmpeg could not be started; install it (scripts/setup.sh does).");
        var errors = ffmpeg.StandardError.ReadToEndAsync(CancellationToken.None);
        var frames = new List<(int, List<RectF>)>();
        var bytes = new byte[Width * Height * 3];
        try
        {
            var stdin = ffmpeg.StandardInput.BaseStream;
            for (int i = 0; i < images.Count; i++)
            {
                using var image = decoder.DecodeFile(images[i].Path);
                // At its own size (faces as small as they were labelled), shrunk only to leave room for the drift; centred.
                double scale = Math.Min(1, Math.Min((Width - Drift * hold) / (double)image.Width, Height / (double)image.Height));
                int w = Math.Max(1, (int)(image.Width * scale)), h = Math.Max(1, (int)(image.Height * scale));
                using var fitted = new Mat();
                Cv2.Resize(image.Bgr, fitted, new Size(w, h), 0, 0, InterpolationFlags.Area);
                int top = (Height - h) / 2;
                for (int f = 0; f < hold; f++)
                {
                    ct.ThrowIfCancellationRequested();
                    int left = (Width - w) / 2 + Drift * hold / 2 - Drift * f;
                    using var frame = new Mat(Height, Width, MatType.CV_8UC3, Scalar.All(40));
                    using (var roi = new Mat(frame, new Rect(left, top, w, h)))
                        fitted.CopyTo(roi);
                    System.Runtime.InteropServices.Marshal.Copy(frame.Data, bytes, 0, bytes.Length);
                    await stdin.WriteAsync(bytes, ct).ConfigureAwait(false);
                    frames.Add((i, [.. images[i].Boxes.Select(b => new RectF((float)(left + b.X1 * scale), (float)(top + b.Y1 * scale), (float)(left + b.X2 * scale), (float)(top + b.Y2 * scale)))]));
                }
            }
            stdin.Close();
            await ffmpeg.WaitForExitAsync(ct).ConfigureAwait(false);
            if (ffmpeg.ExitCode != 0)
                throw new SightlineException(ErrorKind.Internal, $"ffmpeg could not encode the labelled video: {await errors.ConfigureAwait(false)}");
            return frames;
        }
        finally
        {
            if (!ffmpeg.HasExited)
                ffmpeg.Kill(entireProcessTree: true);
        }
    }
}

using Sightline.Imaging;
using Sightline.Rekognition;
using Sightline.Text;
using Sightline.Video;

namespace Sightline.StoredVideo.Analysis;

/// <summary>
/// Text detection: the lines and words of each sampled frame, as DetectText reads them with the job's filters, each
/// reported once per appearance: a line still on screen in the next frames (at about the same place, read about the
/// same) is not reported again; it is again once it has been gone for over a second.
/// </summary>
internal sealed class TextAnalysis(TextEngine engine, TextFilters filters, double sampleFps) : VideoAnalysis<DetectTextResponse>
{
    private const long Gone = 1000;
    private readonly List<TextDetectionResult> _results = [];
    private List<(string Text, BoundingBox Box, long LastSeen)> _onScreen = [];

    /// <summary>At most 1280 px wide: the detector sees less than that, so larger frames would only cost decoding.</summary>
    public override FrameSampling Sampling { get; } = new(sampleFps, 1280);

    protected override ValueTask<DetectTextResponse> LookAsync(long timestampMillis, DecodedImage frame, CancellationToken ct) =>
        ValueTask.FromResult(TextResponses.ToRekognition(engine.Read(frame, ct), frame.Width, frame.Height, filters, engine.ModelVersion));

    protected override ValueTask AddAsync(long timestampMillis, DetectTextResponse response, CancellationToken ct)
    {
        var still = _onScreen.Where(s => timestampMillis - s.LastSeen <= Gone).ToList();
        var seen = new List<(string, BoundingBox, long)>();
        int id = 0;
        foreach (var line in response.TextDetections.Where(d => d.Type == "LINE"))
        {
            int match = still.FindIndex(s => Boxes.Iou(s.Box, line.Geometry.BoundingBox) >= 0.5f && Similar(s.Text, line.DetectedText));
            seen.Add((line.DetectedText, line.Geometry.BoundingBox, timestampMillis));
            if (match >= 0)
            {
                still.RemoveAt(match);
                continue;
            }
            int lineId = id++;
            _results.Add(new TextDetectionResult(timestampMillis, line with { Id = lineId, ParentId = null }));
            foreach (var word in response.TextDetections.Where(d => d.Type == "WORD" && d.ParentId == line.Id))
                _results.Add(new TextDetectionResult(timestampMillis, word with { Id = id++, ParentId = lineId }));
        }
        // Lines not seen in this frame stay remembered until they have been gone for over a second.
        _onScreen = [.. seen, .. still];
        return ValueTask.CompletedTask;
    }

    public override ValueTask<VideoJobResults> FinishAsync(VideoMetadata metadata, VideoInfo info, CancellationToken ct) => ValueTask.FromResult(new VideoJobResults(metadata, null, null) { TextDetections = _results, ModelVersion = engine.ModelVersion });

    /// <summary>The same text read twice: at most one edit in five characters apart (case and spacing ignored).</summary>
    internal static bool Similar(string a, string b)
    {
        a = Normal(a);
        b = Normal(b);
        int longest = Math.Max(a.Length, b.Length);
        return longest == 0 || Distance(a, b) <= longest / 5;
    }

    private static string Normal(string s) => new([.. s.Where(c => !char.IsWhiteSpace(c)).Select(char.ToUpperInvariant)]);

    private static int Distance(string a, string b)
    {
        var row = new int[b.Length + 1];
        for (int j = 0; j <= b.Length; j++) row[j] = j;
        for (int i = 1; i <= a.Length; i++)
        {
            int diagonal = row[0];
            row[0] = i;
            for (int j = 1; j <= b.Length; j++)
            {
                int above = row[j];
                row[j] = Math.Min(Math.Min(row[j] + 1, row[j - 1] + 1), diagonal + (a[i - 1] == b[j - 1] ? 0 : 1));
                diagonal = above;
            }
        }
        return row[b.Length];
    }
}

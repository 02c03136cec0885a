using OpenCvSharp;
using Sightline.Models;
using Sightline.Inference;

namespace Sightline.Text.Ocr;

/// <summary>What the recogniser read in one line crop: the text, its mean character confidence, and where each
/// character sits along the crop (0–1, from the CTC time step that emitted it).</summary>
public sealed record TextReading(string Text, float Confidence, IReadOnlyList<float> CharacterCenters, IReadOnlyList<float> CharacterConfidences);

/// <summary>
/// PP-OCR CTC recogniser (ONNX, [N,3,48,W] → [N,T,C]): a line crop is scaled to height 48 keeping its aspect ratio
/// (width a multiple of 8, at most <see cref="MaxWidth"/>), normalised to (x/255 − 0.5)/0.5 in BGR order; greedy CTC
/// decoding drops repeats and the blank (class 0); class i is line i−1 of the dictionary, and the last class is a space.
/// </summary>
public sealed class PaddleTextRecognizer : IDisposable
{
    public const int Height = 48;

    /// <summary>Widest crop fed at once (aspect 40:1); longer lines are squeezed, which PP-OCR tolerates to about 2×.</summary>
    public const int MaxWidth = 1920;

    private static readonly float[] s_mean = [127.5f, 127.5f, 127.5f];
    private static readonly float[] s_scale = [1 / 127.5f, 1 / 127.5f, 1 / 127.5f];
    private readonly string[] _classes;

    public PaddleTextRecognizer(ModelFile model, ModelFile dictionary, InferenceOptions options)
    {
        Model = new OnnxModel(model, options);
        var dims = Model.Inputs.Values.Single().Dimensions;
        if (dims.Length != 4 || dims[1] != 3 || (dims[2] != Height && dims[2] != -1))
            throw Model.Unsupported($"input must be [N,3,{Height},W]");
        var keys = File.ReadAllLines(dictionary.FullPath);
        _classes = ["", .. keys, " "];
        if (Model.Outputs.Values.Single().Dimensions is not { Length: 3 } o || o[2] != _classes.Length)
            throw Model.Unsupported($"output must be [N,T,{_classes.Length}] for a dictionary of {keys.Length} characters ({dictionary.Id})");
    }

    public OnnxModel Model { get; }

    /// <summary>
    /// A restricted output alphabet for this recogniser's classes: <paramref name="map"/> gives each dictionary entry
    /// the character it stands for, or null to exclude it. Entries mapping to one character pool their probability.
    /// </summary>
    public TextAlphabet Alphabet(Func<string, char?> map) => new(_classes, map);

    /// <summary>Reads one line crop; with an <paramref name="alphabet"/>, each time step picks the best of the blank and the alphabet's characters.</summary>
    public TextReading Read(Mat lineBgr, TextAlphabet? alphabet = null)
    {
        int width = Math.Clamp((int)Math.Ceiling(Height * lineBgr.Width / (double)Math.Max(1, lineBgr.Height) / 8) * 8, 16, MaxWidth);
        using var resized = new Mat();
        Cv2.Resize(lineBgr, resized, new Size(width, Height), 0, 0, InterpolationFlags.Linear);
        using var outputs = Model.Run([1, 3, Height, width], resized, static (span, m) => ImageOps.ToChw(m, span, rgb: false, s_mean, s_scale));
        var probs = outputs[0].GetTensorDataAsSpan<float>();
        int classes = _classes.Length, steps = probs.Length / classes;
        var text = new System.Text.StringBuilder();
        var centers = new List<float>();
        var confidences = new List<float>();
        int previous = 0;
        Span<float> pooled = alphabet is null ? [] : stackalloc float[alphabet.Size];
        for (int t = 0; t < steps; t++)
        {
            var row = probs.Slice(t * classes, classes);
            var (best, max) = alphabet is null ? ArgMax(row) : alphabet.Best(row, pooled);
            if (best != 0 && best != previous)
            {
                text.Append(alphabet is null ? _classes[best] : alphabet.Character(best));
                centers.Add((t + 0.5f) / steps);
                confidences.Add(max);
            }
            previous = best;
        }
        InsertSpaces(text, centers, confidences, InkGaps(resized));
        return new TextReading(text.ToString(), confidences.Count == 0 ? 0 : confidences.Average(), centers, confidences);
    }

    private static (int Best, float Max) ArgMax(ReadOnlySpan<float> row)
    {
        int best = 0;
        float max = row[0];
        for (int c = 1; c < row.Length; c++)
        {
            if (row[c] > max) (max, best) = (row[c], c);
        }
        return (best, max);
    }

    /// <summary>
    /// The PP-OCR v4 recogniser (trained mostly on Chinese) often drops the spaces of Latin text. A run of blank
    /// columns between two characters at least <see cref="SpaceGap"/> of the line height wide is a word space.
    /// </summary>
    private static void InsertSpaces(System.Text.StringBuilder text, List<float> centers, List<float> confidences, List<(float From, float To)> gaps)
    {
        if (centers.Count < 2 || text.Length != centers.Count || gaps.Count == 0)
            return;
        for (int i = centers.Count - 1; i >= 1; i--)
        {
            if (text[i] == ' ' || text[i - 1] == ' ' || !gaps.Any(g => g.From > centers[i - 1] && g.To < centers[i]))
                continue;
            text.Insert(i, ' ');
            centers.Insert(i, (centers[i - 1] + centers[i]) / 2);
            confidences.Insert(i, Math.Min(confidences[i - 1], confidences[i]));
        }
    }

    /// <summary>Blank column runs at least <see cref="SpaceGap"/> × height wide, as fractions of the width (ink = the Otsu minority).</summary>
    private static List<(float From, float To)> InkGaps(Mat resized)
    {
        using var gray = new Mat();
        Cv2.CvtColor(resized, gray, ColorConversionCodes.BGR2GRAY);
        using var binary = new Mat();
        Cv2.Threshold(gray, binary, 0, 255, ThresholdTypes.Binary | ThresholdTypes.Otsu);
        bool darkInk = Cv2.CountNonZero(binary) > binary.Total() / 2;
        if (darkInk)
            Cv2.BitwiseNot(binary, binary);
        using var columns = new Mat();
        Cv2.Reduce(binary, columns, ReduceDimension.Row, ReduceTypes.Max, -1);
        int width = columns.Cols;
        var runs = new List<(int Start, int End)>();
        for (int x = 0; x < width;)
        {
            if (columns.At<byte>(0, x) != 0) { x++; continue; }
            int start = x;
            while (x < width && columns.At<byte>(0, x) == 0) x++;
            if (start > 0 && x < width)
                runs.Add((start, x));
        }
        if (runs.Count == 0)
            return [];
        // Word spaces are the wide mode of the blank runs: wider than a fixed share of the height and than twice the typical letter gap.
        int typical = runs.Select(r => r.End - r.Start).Order().ElementAt(runs.Count / 2);
        float minRun = Math.Max(SpaceGap * Height, 2f * typical);
        return [.. runs.Where(r => r.End - r.Start >= minRun).Select(r => (r.Start / (float)width, r.End / (float)width))];
    }

    /// <summary>Blank run, as a fraction of the line height, that reads as a word space (tuned on the tesseract phototest page).</summary>
    private const float SpaceGap = 0.2f;

    public void Dispose() => Model.Dispose();
}

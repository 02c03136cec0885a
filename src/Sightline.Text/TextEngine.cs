using OpenCvSharp;
using Sightline.Imaging;
using Sightline.Inference;
using Sightline.Text.Ocr;
using Sightline.Models;

namespace Sightline.Text;

/// <summary>
/// Reads text in images with PP-OCR: DB detection of text regions, each region cut out along its own orientation
/// (vertical regions turned to read left to right), turned upright when the direction classifier says it is upside
/// down, and read by the CTC recogniser. Lines come back in reading order (top to bottom, left to right) with their
/// words. One ONNX session per model for the engine's lifetime; <see cref="Read"/> is thread-safe.
/// </summary>
public sealed class TextEngine : IDisposable
{
    private readonly PaddleTextDetector _detector;
    private readonly PaddleTextRecognizer _recognizer;
    private readonly PaddleTextClassifier? _orientation;
    private readonly TextEngineOptions _options;

    public TextEngine(TextEngineOptions options)
    {
        _options = options;
        var catalog = new ModelCatalog(options.ModelsDirectory);
        var inference = new InferenceOptions();
        _detector = new PaddleTextDetector(catalog.Resolve(options.Detector, "text-detector"), inference, options.DetectorMaxSide);
        _recognizer = new PaddleTextRecognizer(catalog.Resolve(options.Recognizer, "text-recognizer"), catalog.Resolve(options.Dictionary, "text-dictionary"), inference);
        _orientation = options.Orientation.Length == 0 ? null : new PaddleTextClassifier(catalog.Resolve(options.Orientation, "text-orientation"), inference);
        ModelVersion = $"{options.Detector}+{options.Recognizer}";
    }

    public string ModelVersion { get; }

    public IEnumerable<OnnxModel> Models => _orientation is null ? [_detector.Model, _recognizer.Model] : [_detector.Model, _recognizer.Model, _orientation.Model];

    public IReadOnlyList<TextLine> Read(DecodedImage image, CancellationToken ct) => Read(image.Bgr, null, ct);

    /// <summary>Reads the text of <paramref name="bgr"/>; <paramref name="maxSide"/> overrides the detector's input size.</summary>
    public IReadOnlyList<TextLine> Read(Mat bgr, int? maxSide, CancellationToken ct)
    {
        var quads = _detector.Detect(bgr, maxSide ?? DetectorSide(bgr));
        var lines = new List<TextLine>(quads.Count);
        foreach (var found in quads)
        {
            ct.ThrowIfCancellationRequested();
            var quad = Upright(found);
            using var crop = Cut(bgr, quad);
            if (crop.Width < 2 || crop.Height < 2)
                continue;
            var reading = _recognizer.Read(crop);
            // The direction classifier is a hint: a line it calls upside down is read both ways and the more confident reading stands.
            if (_orientation?.IsUpsideDown(crop) == true)
            {
                Cv2.Rotate(crop, crop, RotateFlags.Rotate180);
                var turned = _recognizer.Read(crop);
                if (turned.Confidence > reading.Confidence)
                {
                    quad = new TextQuad(quad.BottomRight, quad.BottomLeft, quad.TopLeft, quad.TopRight, quad.Score);
                    reading = turned;
                }
            }
            string text = reading.Text.Trim();
            if (text.Length == 0 || reading.Confidence < _options.MinLineConfidence)
                continue;
            lines.Add(new TextLine(text, reading.Confidence, quad, Words.Split(reading, quad)));
        }
        return ReadingOrder.Sort(lines);
    }

    /// <summary>A region as given (already upright), warped to an upright rectangle of its own size, for a second look without detection (the caller disposes it).</summary>
    public Mat CutRegion(Mat bgr, TextQuad quad) => Cut(bgr, quad);

    /// <summary>Reads a line crop as it is; with an <paramref name="alphabet"/>, decoding is restricted to it.</summary>
    public TextReading ReadCrop(Mat crop, TextAlphabet? alphabet = null) =>
        crop.Width < 2 || crop.Height < 2 ? new TextReading("", 0, [], []) : _recognizer.Read(crop, alphabet);

    /// <summary>A restricted alphabet for <see cref="ReadCrop"/> (see <see cref="PaddleTextRecognizer.Alphabet"/>).</summary>
    public TextAlphabet Alphabet(Func<string, char?> map) => _recognizer.Alphabet(map);

    /// <summary>
    /// The detector's input size: the configured side, but for images over twice that (scanned pages, 12 MP photos)
    /// half the image's longer side, up to 2,048 — small print on a big page vanishes at 960 (magazine page at 960:
    /// CER 74%, at 1,656: see docs/accuracy.md).
    /// </summary>
    private int DetectorSide(Mat bgr)
    {
        int longest = Math.Max(bgr.Width, bgr.Height);
        return longest > 2 * _options.DetectorMaxSide ? Math.Clamp(longest / 2, _options.DetectorMaxSide, 2048) : _options.DetectorMaxSide;
    }

    /// <summary>A region taller than it is wide (by 1.5×) is vertical text: read it turned a quarter anticlockwise, as PaddleOCR does.</summary>
    private static TextQuad Upright(TextQuad q) =>
        q.Height >= 1.5f * q.Width ? new TextQuad(q.TopRight, q.BottomRight, q.BottomLeft, q.TopLeft, q.Score) : q;

    /// <summary>Warps the quadrilateral to an upright rectangle of its own width and height.</summary>
    private static Mat Cut(Mat bgr, TextQuad q)
    {
        int w = Math.Max(1, (int)Math.Round(q.Width)), h = Math.Max(1, (int)Math.Round(q.Height));
        var src = q.Points.Select(p => new Point2f(p.X, p.Y)).ToArray();
        Point2f[] dst = [new(0, 0), new(w, 0), new(w, h), new(0, h)];
        using var m = Cv2.GetPerspectiveTransform(src, dst);
        var crop = new Mat();
        Cv2.WarpPerspective(bgr, crop, m, new Size(w, h), InterpolationFlags.Cubic, BorderTypes.Replicate);
        return crop;
    }

    public void Dispose()
    {
        _detector.Dispose();
        _recognizer.Dispose();
        _orientation?.Dispose();
    }
}

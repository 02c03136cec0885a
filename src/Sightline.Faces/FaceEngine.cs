using System.Diagnostics;
using OpenCvSharp;
using Sightline.Imaging;
using Sightline.Inference;
using Sightline.Faces.Analysis;
using Sightline.Faces.Detection;
using Sightline.Models;

namespace Sightline.Faces;

/// <summary>
/// The face pipeline: detect → 68 landmarks → pose and quality → (attributes) → (aligned embedding).
/// Holds one session per model for its lifetime; attribute models load on first use. Thread-safe.
/// </summary>
public sealed class FaceEngine : IDisposable
{
    private readonly FaceEngineOptions _options;
    private readonly ModelCatalog _catalog;
    private readonly Lazy<ArcFaceEmbedder> _embedder;
    private readonly Lazy<SsrNetModel> _age;
    private readonly Lazy<SsrNetModel> _gender;
    private readonly Lazy<EyeStateModel> _eyes;
    private readonly Lazy<ExpressionModel> _expression;

    public FaceEngine(FaceEngineOptions options)
    {
        // The pipeline parallelises across tiles and faces itself. OpenCV's own worker threads spin after each
        // call and took CPU from ONNX Runtime: a 320x240 tile crop cost 0.6 ms and each detector run ~1 ms more
        // than alone. One OpenCV thread per caller removes that (measured with 'sightline bench faces').
        Cv2.SetNumThreads(1);
        _options = options;
        _catalog = new ModelCatalog(options.ModelsDirectory);
        var inference = options.Inference;
        Detector = ModelFactory.CreateDetector(_catalog, options.Detector, options.Detection with { Parallelism = options.Parallelism }, inference);
        Landmarks = ModelFactory.Create(_catalog, options.Landmarks, "face-landmarks", "landmark68", f => new Landmark68Model(f, inference));
        Pose = ModelFactory.Create(_catalog, options.Pose, "face-pose", "hopenet", f => new HopeNetPoseModel(f, inference));
        _embedder = new(() => ModelFactory.CreateEmbedder(_catalog, options.Embedder, inference));
        _age = new(() => ModelFactory.Create(_catalog, options.Age, "face-age", "ssrnet", f => new SsrNetModel(f, inference)));
        _gender = new(() => ModelFactory.Create(_catalog, options.Gender, "face-gender", "ssrnet", f => new SsrNetModel(f, inference)));
        _eyes = new(() => ModelFactory.Create(_catalog, options.Eyes, "face-eyes", "eye24", f => new EyeStateModel(f, inference)));
        _expression = new(() => ModelFactory.Create(_catalog, options.Expression, "face-expression", "fer7", f => new ExpressionModel(f, inference)));
    }

    public IFaceDetector Detector { get; }

    public Landmark68Model Landmarks { get; }

    public HopeNetPoseModel Pose { get; }

    public ArcFaceEmbedder Embedder => _embedder.Value;

    /// <summary>The embedder's model id: the face model version of collections indexed with this engine.</summary>
    public string EmbedderId => _options.Embedder;

    /// <summary>Every model loaded so far, for metrics and benchmarks.</summary>
    public IEnumerable<OnnxModel> LoadedModels
    {
        get
        {
            if (Detector is TiledFaceDetector tiled)
            {
                yield return tiled.Inner.Model;
                if (tiled.Verifier is { } verifier)
                    yield return verifier.Model;
            }
            yield return Landmarks.Model;
            yield return Pose.Model;
            if (_embedder.IsValueCreated) yield return _embedder.Value.Model;
            if (_age.IsValueCreated) yield return _age.Value.Model;
            if (_gender.IsValueCreated) yield return _gender.Value.Model;
            if (_eyes.IsValueCreated) yield return _eyes.Value.Model;
            if (_expression.IsValueCreated) yield return _expression.Value.Model;
        }
    }

    /// <summary>Loads every model a request of this kind needs, so the first request is not slow.</summary>
    public void Warm(FaceRequest request)
    {
        if (request.Embeddings) _ = _embedder.Value;
        if (request.AllAttributes) { _ = _age.Value; _ = _gender.Value; _ = _eyes.Value; _ = _expression.Value; }
    }

    public IReadOnlyList<AnalyzedFace> Analyze(DecodedImage image, FaceRequest request, CancellationToken cancellationToken, StageTimings? timings = null)
    {
        int maxFaces = request.MaxFaces ?? _options.MaxFaces;
        if (maxFaces is < 1 or > 4096)
            throw SightlineException.InvalidParameter($"MaxFaces must be between 1 and 4096, got {maxFaces}.");
        var bgr = image.Bgr;
        long t0 = Stopwatch.GetTimestamp();
        var detections = Detector.Detect(bgr, cancellationToken)
            .OrderByDescending(d => d.Box.Area)
            .Take(Math.Min(maxFaces, _options.MaxFaces))
            .ToArray();
        timings?.Add(Stage.Detect, t0);
        Warm(request);
        var faces = new AnalyzedFace[detections.Length];
        var parallel = new ParallelOptions { CancellationToken = cancellationToken, MaxDegreeOfParallelism = _options.Parallelism };
        Parallel.For(0, detections.Length, parallel, i => faces[i] = AnalyzeOne(bgr, detections[i], request, timings));
        return faces;
    }

    private AnalyzedFace AnalyzeOne(Mat bgr, DetectedFace detection, FaceRequest request, StageTimings? timings)
    {
        long t = Stopwatch.GetTimestamp();
        var landmarks = Landmarks.Predict(bgr, detection.Box);
        t = timings?.Add(Stage.Landmarks, t) ?? t;
        var pose = Pose.Predict(bgr, detection.Box);
        var (brightness, sharpness) = FaceQuality.Measure(bgr, detection.Box);
        t = timings?.Add(Stage.PoseQuality, t) ?? t;
        FaceAttributes? attributes = null;
        if (request.AllAttributes)
        {
            attributes = new FaceAttributes(
                Age: _age.Value.Predict(bgr, detection.Box) * 101f,
                MaleProbability: _gender.Value.Predict(bgr, detection.Box),
                EyesOpenProbability: _eyes.Value.PredictOpen(bgr, landmarks),
                MouthOpenRatio: MouthGeometry.OpenRatio(landmarks),
                Expression: _expression.Value.Predict(bgr, detection.Box));
            t = timings?.Add(Stage.Attributes, t) ?? t;
        }
        float[]? embedding = null;
        if (request.Embeddings)
        {
            embedding = _embedder.Value.Embed(bgr, FaceAligner.FivePoints(landmarks));
            timings?.Add(Stage.AlignEmbed, t);
        }
        return new AnalyzedFace
        {
            Box = detection.Box,
            Score = detection.Score,
            Landmarks = landmarks,
            Pose = pose,
            Brightness = brightness,
            Sharpness = sharpness,
            Attributes = attributes,
            Embedding = embedding,
        };
    }

    public void Dispose()
    {
        Detector.Dispose();
        Landmarks.Dispose();
        Pose.Dispose();
        if (_embedder.IsValueCreated) _embedder.Value.Dispose();
        if (_age.IsValueCreated) _age.Value.Dispose();
        if (_gender.IsValueCreated) _gender.Value.Dispose();
        if (_eyes.IsValueCreated) _eyes.Value.Dispose();
        if (_expression.IsValueCreated) _expression.Value.Dispose();
    }
}

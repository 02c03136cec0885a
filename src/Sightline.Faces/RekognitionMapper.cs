using Sightline.Inference;
using Sightline.Rekognition;

namespace Sightline.Faces;

/// <summary>Turns engine output into Rekognition's response shapes (ratios of the image size, 0..100 confidences).</summary>
public static class RekognitionMapper
{
    // Rekognition landmark types from the 68 iBUG points ("left" is image-left, as in Rekognition's examples).
    // Pupils are the eye centres: the 68-point model has no pupil point.
    private static readonly (string Type, int[] Points)[] s_landmarks =
    [
        ("eyeLeft", [36, 37, 38, 39, 40, 41]),
        ("eyeRight", [42, 43, 44, 45, 46, 47]),
        ("mouthLeft", [48]),
        ("mouthRight", [54]),
        ("nose", [30]),
        ("leftEyeBrowLeft", [17]),
        ("leftEyeBrowRight", [21]),
        ("leftEyeBrowUp", [19]),
        ("rightEyeBrowLeft", [22]),
        ("rightEyeBrowRight", [26]),
        ("rightEyeBrowUp", [24]),
        ("leftEyeLeft", [36]),
        ("leftEyeRight", [39]),
        ("leftEyeUp", [37, 38]),
        ("leftEyeDown", [40, 41]),
        ("rightEyeLeft", [42]),
        ("rightEyeRight", [45]),
        ("rightEyeUp", [43, 44]),
        ("rightEyeDown", [46, 47]),
        ("noseLeft", [31]),
        ("noseRight", [35]),
        ("mouthUp", [51]),
        ("mouthDown", [57]),
        ("leftPupil", [37, 38, 40, 41]),
        ("rightPupil", [43, 44, 46, 47]),
        ("upperJawlineLeft", [0]),
        ("midJawlineLeft", [4]),
        ("chinBottom", [8]),
        ("midJawlineRight", [12]),
        ("upperJawlineRight", [16]),
    ];

    // FER2013 order → Rekognition emotion types. Rekognition's CONFUSED has no counterpart and is not reported.
    private static readonly string[] s_emotions = ["ANGRY", "DISGUSTED", "FEAR", "HAPPY", "SAD", "SURPRISED", "CALM"];

    public static IReadOnlyList<string> LandmarkTypes { get; } = [.. s_landmarks.Select(l => l.Type)];

    public static BoundingBox Box(RectF box, int width, int height)
    {
        var c = box.ClipTo(width, height);
        return new BoundingBox(c.Width / width, c.Height / height, c.X1 / width, c.Y1 / height);
    }

    public static IReadOnlyList<Landmark> Landmarks(ReadOnlySpan<PointF> points, int width, int height)
    {
        var result = new Landmark[s_landmarks.Length];
        for (int i = 0; i < s_landmarks.Length; i++)
        {
            var (type, indices) = s_landmarks[i];
            float x = 0, y = 0;
            foreach (int k in indices) { x += points[k].X; y += points[k].Y; }
            result[i] = new Landmark(type, x / indices.Length / width, y / indices.Length / height);
        }
        return result;
    }

    public static FaceDetail ToFaceDetail(AnalyzedFace face, int width, int height)
    {
        var detail = new FaceDetail
        {
            BoundingBox = Box(face.Box, width, height),
            Landmarks = Landmarks(face.Landmarks, width, height),
            Pose = ToPose(face),
            Quality = new ImageQuality(face.Brightness, face.Sharpness),
            Confidence = face.Score * 100f,
        };
        return face.Attributes is { } a ? detail with
        {
            AgeRange = AgeRangeOf(a.Age),
            Gender = a.MaleProbability >= 0.5f ? new Gender("Male", a.MaleProbability * 100f) : new Gender("Female", (1 - a.MaleProbability) * 100f),
            EyesOpen = Binary(a.EyesOpenProbability),
            MouthOpen = Binary(MouthOpenProbability(a.MouthOpenRatio)),
            Smile = Binary(a.Expression[3]),
            Emotions = [.. a.Expression.Select((p, i) => new Emotion(s_emotions[i], p * 100f)).OrderByDescending(e => e.Confidence)],
        } : detail;
    }

    public static Pose ToPose(AnalyzedFace face) => new(face.Pose.Roll, face.Pose.Yaw, face.Pose.Pitch);

    /// <summary>
    /// SSR-Net reads 5–15 years high on adults (MODELS.md), so the range is shifted down and spans that
    /// uncertainty rather than pretending to a point estimate.
    /// </summary>
    public static AgeRange AgeRangeOf(float estimate)
    {
        int low = (int)Math.Max(0, MathF.Round(estimate - 15));
        int high = (int)Math.Max(low + 1, MathF.Round(estimate - 3));
        return new AgeRange(low, high);
    }

    /// <summary>A lip gap of 8% of the mouth width reads as open; the logistic slope makes 4% and 12% clear calls.</summary>
    public static float MouthOpenProbability(float ratio) => 1f / (1f + MathF.Exp(-(ratio - 0.08f) * 60f));

    private static BoolAttribute Binary(float probability) =>
        probability >= 0.5f ? new BoolAttribute(true, probability * 100f) : new BoolAttribute(false, (1 - probability) * 100f);
}

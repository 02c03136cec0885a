using Sightline.Inference;
namespace Sightline.Objects.Detection;

/// <summary>
/// Maps a detector's raw score to a confidence (how often a detection of that score is right), piecewise linearly
/// between measured knots. Strictly increasing, so ranking (and COCO AP) is unchanged; invertible, so a
/// MinConfidence becomes a score threshold before decoding.
/// </summary>
public sealed class ScoreCalibration
{
    private readonly float[] _scores;
    private readonly float[] _confidences;

    public ScoreCalibration(params (float Score, float Confidence)[] knots)
    {
        if (knots.Length < 2 || knots[0] != (0f, 0f) || knots[^1].Score != 1f)
            throw new ArgumentException("Knots must start at (0, 0) and end at score 1.", nameof(knots));
        for (int i = 1; i < knots.Length; i++)
        {
            if (!(knots[i].Score > knots[i - 1].Score && knots[i].Confidence > knots[i - 1].Confidence && knots[i].Confidence <= 1))
                throw new ArgumentException("Knots must increase strictly in score and confidence (at most 1).", nameof(knots));
        }
        _scores = [.. knots.Select(k => k.Score)];
        _confidences = [.. knots.Select(k => k.Confidence)];
    }

    public static ScoreCalibration Identity { get; } = new((0f, 0f), (1f, 1f));

    public float MaxConfidence => _confidences[^1];

    public float ToConfidence(float score) => Interpolate(score, _scores, _confidences);

    public float ToScore(float confidence) => Interpolate(confidence, _confidences, _scores);

    private static float Interpolate(float x, float[] from, float[] to)
    {
        if (x <= from[0])
            return to[0];
        for (int i = 1; i < from.Length; i++)
        {
            if (x <= from[i])
                return to[i - 1] + (x - from[i - 1]) / (from[i] - from[i - 1]) * (to[i] - to[i - 1]);
        }
        return to[^1];
    }
}

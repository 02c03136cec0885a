using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Sightline.Inference;

namespace Sightline.Detectors.Models;

public sealed partial class CustomDetector
{
    /// <summary>YOLO rows or columns to candidates in input pixels (cx, cy, w, h → corners); score = objectness × class score for v5.</summary>
    private List<ObjectDetection> DecodeYolo(OrtValue output, float minScore)
    {
        var data = output.GetTensorDataAsSpan<float>();
        int classes = Layout.ClassCount;
        bool v5 = Layout.Layout == DetectorLayout.YoloV5;
        int per = (v5 ? 5 : 4) + classes;
        int n = data.Length / per;
        var found = new List<ObjectDetection>();
        // Element k of anchor i: rows [N,per] are i*per+k, columns [per,N] are k*N+i.
        int strideAnchor = Layout.ChannelsFirst ? 1 : per, strideValue = Layout.ChannelsFirst ? n : 1;
        for (int i = 0; i < n; i++)
        {
            int at = i * strideAnchor;
            float objectness = v5 ? data[at + 4 * strideValue] : 1f;
            if (objectness < minScore)
                continue;
            int first = v5 ? 5 : 4, best = 0;
            float bestScore = float.MinValue;
            for (int c = 0; c < classes; c++)
            {
                float s = data[at + (first + c) * strideValue];
                if (s > bestScore)
                    (best, bestScore) = (c, s);
            }
            float score = objectness * bestScore;
            if (score < minScore)
                continue;
            float cx = data[at], cy = data[at + strideValue], w = data[at + 2 * strideValue], h = data[at + 3 * strideValue];
            found.Add(new ObjectDetection(new RectF(cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2), best, score));
        }
        return found;
    }

    /// <summary>SSD boxes (x1, y1, x2, y2; normalised, or input pixels when any exceeds 1.5) with per-class or single scores.</summary>
    private List<ObjectDetection> DecodeSsd(IReadOnlyList<OrtValue> outputs, float minScore)
    {
        var boxes = outputs[Layout.Boxes].GetTensorDataAsSpan<float>();
        var scores = outputs[Layout.Scores].GetTensorDataAsSpan<float>();
        var classes = Layout.Classes >= 0 ? Floats(outputs[Layout.Classes]) : null;
        int n = boxes.Length / 4, count = Layout.ClassCount;
        bool pixels = false;
        for (int i = 0; i < boxes.Length; i++)
            pixels |= boxes[i] > 1.5f;
        float kx = pixels ? 1 : InputWidth, ky = pixels ? 1 : InputHeight;
        var found = new List<ObjectDetection>();
        for (int i = 0; i < n; i++)
        {
            int best;
            float score;
            if (classes is not null)
            {
                (best, score) = ((int)classes[i], scores[i]);
                if (best < 0 || best >= count)
                    continue;
            }
            else
            {
                (best, score) = (0, float.MinValue);
                for (int c = 0; c < count; c++)
                {
                    if (scores[i * count + c] > score)
                        (best, score) = (c, scores[i * count + c]);
                }
            }
            if (score < minScore)
                continue;
            var b = boxes.Slice(4 * i, 4);
            found.Add(new ObjectDetection(new RectF(b[0] * kx, b[1] * ky, b[2] * kx, b[3] * ky), best, score));
        }
        return found;
    }

    private static float[] Floats(OrtValue value) => value.GetTensorTypeAndShape().ElementDataType switch
    {
        TensorElementType.Float => value.GetTensorDataAsSpan<float>().ToArray(),
        TensorElementType.Int64 => [.. value.GetTensorDataAsSpan<long>().ToArray().Select(v => (float)v)],
        TensorElementType.Int32 => [.. value.GetTensorDataAsSpan<int>().ToArray().Select(v => (float)v)],
        TensorElementType.Double => [.. value.GetTensorDataAsSpan<double>().ToArray().Select(v => (float)v)],
        var t => throw new SightlineException(ErrorKind.ModelUnavailable, $"SSD class ids of type {t} are not supported."),
    };
}

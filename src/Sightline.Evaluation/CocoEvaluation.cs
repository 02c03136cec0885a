namespace Sightline.Evaluation;

public sealed record ClassAp(double Ap, double Ap50);

public sealed record CocoMetrics(int Images, double Map, double Ap50, IReadOnlyDictionary<string, ClassAp> PerClass);

/// <summary>
/// COCO box AP as pycocotools computes it (area range "all", up to 100 detections per image and class): per image
/// and class, detections best first are matched greedily to the unmatched ground truth of highest IoU ≥ t;
/// crowd boxes (iscrowd) are ignored ground truth — a detection matching one (IoU = intersection / detection area)
/// is neither a true nor a false positive and a crowd box may absorb many. Per class, precision is made monotone
/// and read at 101 recall points; AP averages IoU thresholds 0.50:0.05:0.95 and mAP averages the classes that have
/// non-crowd ground truth.
/// </summary>
public static class CocoEvaluation
{
    private const int MaxDetections = 100;
    private static readonly double[] s_thresholds = [.. Enumerable.Range(0, 10).Select(i => 0.5 + 0.05 * i)];

    public static CocoMetrics Evaluate(CocoDataset truth, IEnumerable<CocoDetection> detections, IReadOnlyCollection<string> reportClasses)
    {
        var gtByKey = truth.Annotations.ToLookup(a => (a.ImageId, a.CategoryId));
        var dtByKey = detections.ToLookup(d => (d.ImageId, d.CategoryId));
        var ap = new Dictionary<int, double[]>();
        foreach (int category in truth.Categories.Keys)
        {
            var scored = new List<(double Score, bool[] Tp, bool[] Ignored)>();
            int positives = 0;
            foreach (var image in truth.Images)
            {
                var gts = gtByKey[(image.Id, category)].OrderBy(g => g.IsCrowd).ToList();
                var dts = dtByKey[(image.Id, category)].OrderByDescending(d => d.Score).Take(MaxDetections).ToList();
                positives += gts.Count(g => !g.IsCrowd);
                Match(gts, dts, scored);
            }
            if (positives == 0)
                continue;
            ap[category] = [.. s_thresholds.Select((_, t) => AveragePrecision(scored, t, positives))];
        }
        double Mean(Func<double[], double> pick) => ap.Count == 0 ? 0 : ap.Values.Average(pick);
        var perClass = new Dictionary<string, ClassAp>(StringComparer.Ordinal);
        foreach (string name in reportClasses)
        {
            var id = truth.Categories.FirstOrDefault(c => c.Value == name).Key;
            perClass[name] = ap.TryGetValue(id, out var a) ? new ClassAp(a.Average(), a[0]) : new ClassAp(double.NaN, double.NaN);
        }
        return new CocoMetrics(truth.Images.Count, Mean(a => a.Average()), Mean(a => a[0]), perClass);
    }

    /// <summary>
    /// How often a detection is right (matches ground truth at IoU ≥ 0.5) per score band of width 0.1, over all
    /// classes: the data a score-to-confidence calibration is fitted to. Detections matching crowd boxes are left out.
    /// </summary>
    public static IReadOnlyList<(double From, int Detections, double Precision)> Reliability(CocoDataset truth, IEnumerable<CocoDetection> detections)
    {
        var gtByKey = truth.Annotations.ToLookup(a => (a.ImageId, a.CategoryId));
        var scored = new List<(double Score, bool[] Tp, bool[] Ignored)>();
        foreach (var group in detections.GroupBy(d => (d.ImageId, d.CategoryId)))
            Match([.. gtByKey[group.Key].OrderBy(g => g.IsCrowd)], [.. group.OrderByDescending(d => d.Score).Take(MaxDetections)], scored);
        return [.. scored.Where(s => !s.Ignored[0]).GroupBy(s => Math.Min(9, (int)(s.Score * 10)))
            .OrderBy(g => g.Key)
            .Select(g => (g.Key / 10.0, g.Count(), g.Count(s => s.Tp[0]) / (double)g.Count()))];
    }

    private static void Match(List<CocoBox> gts, List<CocoDetection> dts, List<(double, bool[], bool[])> scored)
    {
        var matched = new bool[s_thresholds.Length, gts.Count];
        foreach (var d in dts)
        {
            var tp = new bool[s_thresholds.Length];
            var ignored = new bool[s_thresholds.Length];
            for (int t = 0; t < s_thresholds.Length; t++)
            {
                double best = Math.Min(s_thresholds[t], 1 - 1e-10);
                int m = -1;
                for (int g = 0; g < gts.Count; g++)
                {
                    if (matched[t, g] && !gts[g].IsCrowd)
                        continue;
                    // Once matched to real ground truth, a crowd box is no better (ground truth is sorted crowd last).
                    if (m > -1 && !gts[m].IsCrowd && gts[g].IsCrowd)
                        break;
                    double iou = IoU(d, gts[g]);
                    if (iou < best)
                        continue;
                    best = iou;
                    m = g;
                }
                if (m < 0)
                    continue;
                matched[t, m] = true;
                ignored[t] = gts[m].IsCrowd;
                tp[t] = !gts[m].IsCrowd;
            }
            scored.Add((d.Score, tp, ignored));
        }
    }

    private static double IoU(CocoDetection d, CocoBox g)
    {
        double iw = Math.Min(d.X + d.Width, g.X + g.Width) - Math.Max(d.X, g.X);
        double ih = Math.Min(d.Y + d.Height, g.Y + g.Height) - Math.Max(d.Y, g.Y);
        if (iw <= 0 || ih <= 0)
            return 0;
        double inter = iw * ih, dArea = d.Width * d.Height;
        double union = g.IsCrowd ? dArea : dArea + g.Width * g.Height - inter;
        return union <= 0 ? 0 : inter / union;
    }

    /// <summary>101-point interpolated AP at threshold index <paramref name="t"/> over all images' detections, best first.</summary>
    private static double AveragePrecision(List<(double Score, bool[] Tp, bool[] Ignored)> scored, int t, int positives)
    {
        var ordered = scored.Where(s => !s.Ignored[t]).OrderByDescending(s => s.Score).ToList(); // stable, like mergesort
        int n = ordered.Count;
        var precision = new double[n];
        var recall = new double[n];
        int tp = 0;
        for (int i = 0; i < n; i++)
        {
            if (ordered[i].Tp[t])
                tp++;
            recall[i] = tp / (double)positives;
            precision[i] = tp / (double)(i + 1);
        }
        for (int i = n - 2; i >= 0; i--)
            precision[i] = Math.Max(precision[i], precision[i + 1]);
        double sum = 0;
        for (int r = 0; r <= 100; r++)
        {
            double level = r / 100.0;
            int index = Array.FindIndex(recall, x => x >= level);
            if (index >= 0)
                sum += precision[index];
        }
        return sum / 101;
    }
}

using Sightline.Inference;
namespace Sightline.Detectors.Models;

/// <summary>One model output as the session reports it (or as a probe run revealed its symbolic sizes).</summary>
public sealed record OutputInfo(string Name, long[] Dims, bool IsInteger);

/// <summary>
/// Where a detector's answer is in its outputs. YOLO: one output, <see cref="ChannelsFirst"/> for [1,4+C,N].
/// SSD: the indices of the boxes, scores and (when scores are [1,N]) classes outputs.
/// </summary>
public sealed record ResolvedLayout(DetectorLayout Layout, int ClassCount)
{
    public int Output { get; init; }

    public bool ChannelsFirst { get; init; }

    public int Boxes { get; init; } = -1;

    public int Scores { get; init; } = -1;

    public int Classes { get; init; } = -1;

    /// <summary>Finds the layout from output shapes; explicit layouts are checked, unknown ones rejected with the reason.</summary>
    public static ResolvedLayout Resolve(DetectorLayout asked, IReadOnlyList<OutputInfo> outputs, int classCount)
    {
        string shapes = string.Join(", ", outputs.Select(o => $"{o.Name} [{string.Join(",", o.Dims)}]"));
        if (asked is DetectorLayout.Ssd || asked is DetectorLayout.Auto && outputs.Count >= 2)
            return ResolveSsd(outputs, classCount, shapes);
        var rank3 = outputs.Where(o => o.Dims.Length == 3 && o.Dims[0] == 1).ToList();
        if (outputs.Count != 1 || rank3.Count != 1)
            throw Unknown($"a YOLO detector has exactly one [1,A,B] output; this model has {shapes}");
        long a = rank3[0].Dims[1], b = rank3[0].Dims[2];
        var yolo = new ResolvedLayout(DetectorLayout.YoloV8, classCount);
        switch (asked)
        {
            case DetectorLayout.YoloV5:
                return b == 5 + classCount ? yolo with { Layout = DetectorLayout.YoloV5 }
                    : throw Mismatch($"the YOLOv5 output {shapes} carries {b - 5} class scores per box", classCount);
            case DetectorLayout.YoloV8:
                return a == 4 + classCount ? yolo with { ChannelsFirst = true }
                    : b == 4 + classCount ? yolo
                    : throw Mismatch($"the YOLOv8 output {shapes} carries {Math.Min(a, b) - 4} class scores per box", classCount);
            default:
                if (b == 5 + classCount && a != 4 + classCount)
                    return yolo with { Layout = DetectorLayout.YoloV5 };
                if (a == 4 + classCount)
                    return yolo with { ChannelsFirst = true };
                if (b == 4 + classCount)
                    return yolo;
                // The per-box values are the short side (N is in the thousands), unless that side is too short to hold a box.
                long small = Math.Min(a, b) > 4 ? Math.Min(a, b) : Math.Max(a, b);
                throw small > 5
                    ? Mismatch($"the output {shapes} carries {small - 4} class scores per box as YOLOv8 or {small - 5} as YOLOv5", classCount)
                    : Unknown($"the output {shapes} is neither [1,N,5+C] (YOLOv5) nor [1,4+C,N] / [1,N,4+C] (YOLOv8)");
        }
    }

    private static ResolvedLayout ResolveSsd(IReadOnlyList<OutputInfo> outputs, int classCount, string shapes)
    {
        var boxes = Indices(outputs, o => o.Dims.Length == 3 && o.Dims[0] == 1 && o.Dims[2] == 4);
        if (boxes.Count != 1)
            throw Unknown($"an SSD detector has one boxes output [1,N,4]; this model has {shapes}");
        long n = outputs[boxes[0]].Dims[1];
        var multi = Indices(outputs, o => o.Dims.Length == 3 && o.Dims[0] == 1 && o.Dims[1] == n && o.Dims[2] != 4);
        if (multi.Count == 1)
        {
            long c = outputs[multi[0]].Dims[2];
            return c == classCount ? new ResolvedLayout(DetectorLayout.Ssd, classCount) { Boxes = boxes[0], Scores = multi[0] }
                : throw Mismatch($"the SSD scores output {outputs[multi[0]].Name} [{string.Join(",", outputs[multi[0]].Dims)}] has {c} classes", classCount);
        }
        var perBox = Indices(outputs, o => o.Dims.Length == 2 && o.Dims[0] == 1 && o.Dims[1] == n);
        if (perBox.Count == 2)
        {
            bool IsClasses(int i) => outputs[i].IsInteger || outputs[i].Name.Contains("class", StringComparison.OrdinalIgnoreCase) || outputs[i].Name.Contains("label", StringComparison.OrdinalIgnoreCase);
            var classes = perBox.Where(IsClasses).ToList();
            if (classes.Count == 1)
                return new ResolvedLayout(DetectorLayout.Ssd, classCount) { Boxes = boxes[0], Scores = perBox.Single(i => i != classes[0]), Classes = classes[0] };
            throw Unknown($"of the two [1,N] outputs of {shapes}, exactly one must hold class ids (an integer type, or 'class' / 'label' in its name)");
        }
        throw Unknown($"an SSD detector has boxes [1,N,4] with scores [1,N,C], or with scores [1,N] and classes [1,N]; this model has {shapes}");
    }

    private static List<int> Indices(IReadOnlyList<OutputInfo> outputs, Func<OutputInfo, bool> match) =>
        [.. Enumerable.Range(0, outputs.Count).Where(i => match(outputs[i]))];

    private static SightlineException Unknown(string detail) => SightlineException.InvalidParameter($"Unknown output layout: {detail}.");

    private static SightlineException Mismatch(string detail, int labels) =>
        SightlineException.InvalidParameter($"Class count does not match the labels file: {detail}, but the labels file has {labels} line(s).");
}

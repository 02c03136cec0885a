using Sightline.Inference;
namespace Sightline.Detectors.Models;

/// <summary>The output layouts a registered object detector may have. <see cref="Auto"/> reads it from the model.</summary>
public enum DetectorLayout
{
    Auto,

    /// <summary>One output [1,N,5+C]: cx, cy, w, h (input pixels), objectness, C class scores.</summary>
    YoloV5,

    /// <summary>One output [1,4+C,N] or [1,N,4+C]: cx, cy, w, h (input pixels), C class scores; no objectness.</summary>
    YoloV8,

    /// <summary>Boxes [1,N,4] (x1, y1, x2, y2, normalised) with scores [1,N,C], or with scores [1,N] and classes [1,N].</summary>
    Ssd,
}

public static class DetectorLayouts
{
    public static IReadOnlyList<string> Names { get; } = ["auto", "yolov5", "yolov8", "ssd"];

    public static DetectorLayout Parse(string? text) => text?.Trim().ToLowerInvariant() switch
    {
        null or "" or "auto" => DetectorLayout.Auto,
        "yolov5" => DetectorLayout.YoloV5,
        "yolov8" or "yolov11" or "yolo11" => DetectorLayout.YoloV8,
        "ssd" => DetectorLayout.Ssd,
        _ => throw SightlineException.InvalidParameter($"Unknown detector layout '{text}'. Valid: {string.Join(", ", Names)}."),
    };

    public static string Name(this DetectorLayout layout) => layout.ToString().ToLowerInvariant();
}

/// <summary>One object found by a custom detector: a box in image pixels, the class index into the labels file, a score 0–1.</summary>
public sealed record ObjectDetection(RectF Box, int ClassId, float Score);

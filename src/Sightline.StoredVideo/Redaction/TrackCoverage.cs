using Sightline.Inference;

namespace Sightline.StoredVideo.Redaction;

/// <summary>
/// Turns sightings into the boxes to cover, one per frame with no hole: between two sightings the box moves linearly
/// (the frames the detector missed), before the first and after the last it stays where it was seen for
/// <c>extend</c> frames, and every box grows by the margin on each side and is clipped to the frame.
/// </summary>
public static class TrackCoverage
{
    public static RedactionTrack Cover(int index, TrackSightings track, int extend, float margin, int frames, int width, int height)
    {
        var seen = track.Seen;
        int first = Math.Max(0, seen[0].Frame - extend), last = Math.Min(frames - 1, seen[^1].Frame + extend);
        var boxes = new List<TrackBox>(last - first + 1);
        int next = 0; // the first sighting at or after the frame
        for (int frame = first; frame <= last; frame++)
        {
            while (next < seen.Count && seen[next].Frame < frame)
                next++;
            RectF box;
            if (next == 0)
                box = seen[0].Box;
            else if (next == seen.Count)
                box = seen[^1].Box;
            else if (seen[next].Frame == frame)
                box = seen[next].Box;
            else
                box = Lerp(seen[next - 1], seen[next], frame);
            boxes.Add(Grow(frame, box, margin, width, height));
        }
        return new RedactionTrack(index, track.Kind, first, last, seen.Count, boxes);
    }

    /// <summary>A fixed area over a span of frames (a manual region: no margin, it was drawn as meant).</summary>
    public static RedactionTrack Region(int index, ManualRegion region, double fps, int frames, int width, int height)
    {
        // A frame is covered when any part of its display time falls in the span.
        int first = region.From is { } f ? Math.Max(0, (int)Math.Floor(f * fps)) : 0;
        int last = region.To is { } t ? Math.Min(frames - 1, RedactionOptions.Frames(t, fps)) : frames - 1;
        var rect = new RectF(region.X * width, region.Y * height, (region.X + region.Width) * width, (region.Y + region.Height) * height);
        var boxes = new List<TrackBox>(Math.Max(0, last - first + 1));
        for (int frame = first; frame <= last; frame++)
            boxes.Add(Grow(frame, rect, 0, width, height));
        return new RedactionTrack(index, TrackKind.Region, first, first + boxes.Count - 1, 0, boxes);
    }

    private static RectF Lerp((int Frame, RectF Box) a, (int Frame, RectF Box) b, int frame)
    {
        float k = (frame - a.Frame) / (float)(b.Frame - a.Frame);
        return new RectF(a.Box.X1 + (b.Box.X1 - a.Box.X1) * k, a.Box.Y1 + (b.Box.Y1 - a.Box.Y1) * k,
            a.Box.X2 + (b.Box.X2 - a.Box.X2) * k, a.Box.Y2 + (b.Box.Y2 - a.Box.Y2) * k);
    }

    /// <summary>The box with the margin, rounded outwards to whole pixels, inside the frame (at least one pixel).</summary>
    internal static TrackBox Grow(int frame, RectF box, float margin, int width, int height)
    {
        float mx = box.Width * margin, my = box.Height * margin;
        int x1 = Math.Clamp((int)Math.Floor(box.X1 - mx), 0, width - 1), y1 = Math.Clamp((int)Math.Floor(box.Y1 - my), 0, height - 1);
        int x2 = Math.Clamp((int)Math.Ceiling(box.X2 + mx), x1 + 1, width), y2 = Math.Clamp((int)Math.Ceiling(box.Y2 + my), y1 + 1, height);
        return new TrackBox(frame, x1, y1, x2 - x1, y2 - y1);
    }
}

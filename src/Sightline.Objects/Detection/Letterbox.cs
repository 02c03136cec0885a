using OpenCvSharp;
using Sightline.Inference;

namespace Sightline.Objects.Detection;

/// <summary>
/// The image region a square-input detector samples: the image at its own aspect ratio in the top-left corner, the
/// rest black. Stretching (human's way) squashes people in 16:9 frames; on coco_dev letterboxing raised person
/// AP50 from 0.662 to 0.711 (CenterNet) and 0.622 to 0.657 (NanoDet) at about the same mAP, and CenterNet found the
/// four people of a 1080p crop of sample5 that it missed stretched.
/// </summary>
public static class Letterbox
{
    public static RectF Region(Mat bgr, int inputWidth, int inputHeight)
    {
        float scale = Math.Max(bgr.Width / (float)inputWidth, bgr.Height / (float)inputHeight);
        return new RectF(0, 0, scale * inputWidth, scale * inputHeight);
    }
}

using OpenCvSharp;
using Sightline.Faces;
using Sightline.Imaging;

namespace Sightline.Cli;

/// <summary>Draws detections for a person to check by eye.</summary>
internal static class Annotation
{
    public static void Write(DecodedImage image, IReadOnlyList<AnalyzedFace> faces, string path)
    {
        using var canvas = image.Bgr.Clone();
        int thickness = Math.Max(1, image.Width / 600);
        foreach (var face in faces)
        {
            var b = face.Box;
            Cv2.Rectangle(canvas, new Rect((int)b.X1, (int)b.Y1, (int)b.Width, (int)b.Height), OpenCvSharp.Scalar.LimeGreen, thickness);
            Cv2.PutText(canvas, $"{face.Score * 100:F0}", new Point((int)b.X1, (int)b.Y1 - 4), HersheyFonts.HersheySimplex, 0.4 * thickness, OpenCvSharp.Scalar.Yellow, thickness);
            foreach (var p in face.Landmarks)
                Cv2.Circle(canvas, new Point((int)p.X, (int)p.Y), thickness, OpenCvSharp.Scalar.Red, -1);
        }
        if (!Cv2.ImWrite(path, canvas))
            throw SightlineException.InvalidParameter($"Could not write the annotated image to '{path}' (use a .png or .jpg name in a writable folder).");
    }
}

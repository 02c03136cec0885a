using System.Runtime.InteropServices;
using OpenCvSharp;
using OpenCvSharp.Internal;
using OpenCvSharp.Internal.Vectors;

namespace Sightline.Live.Clips;

/// <summary>
/// Compresses a camera's analysed frames to JPEG for its clips with OpenCV (libjpeg-turbo) into one native buffer
/// kept for the camera's life, then into a pooled <see cref="JpegFrame"/>: no managed allocation per frame (the
/// public <c>Cv2.ImEncode</c> allocates a new array of about 150 KB, a large-object allocation, for every frame).
/// Used by one camera's analysis, one frame at a time.
/// </summary>
public sealed class JpegCompressor : IDisposable
{
    /// <summary>
    /// The clips are encoded again with x264, so this only has to look clean at detect size; at 75 the grainy
    /// 1280×720 test yard compresses to about 118 KB in 3.6 ms of CPU, 640×360 to 16 KB in 1.2 ms (docs/operations.md).
    /// </summary>
    public const int Quality = 75;

    private static readonly int[] s_parameters = [(int)ImwriteFlags.JpegQuality, Quality];
    private readonly VectorOfByte _buffer = new();

    public JpegFrame Compress(Mat bgr, DateTimeOffset at)
    {
        int ok;
        using (var input = InputArray.Create(bgr))
        {
            NativeMethods.HandleException(NativeMethods.imgcodecs_imencode_vector(".jpg", input.CvPtr, _buffer.CvPtr, s_parameters, s_parameters.Length, out int done));
            GC.KeepAlive(bgr);
            ok = done;
        }
        if (ok == 0)
            throw new InvalidOperationException("OpenCV could not compress a frame to JPEG.");
        unsafe
        {
            return JpegFrame.Copy(new ReadOnlySpan<byte>((void*)_buffer.ElemPtr, _buffer.Size), at);
        }
    }

    public void Dispose() => _buffer.Dispose();
}

using System.Runtime.InteropServices;
using OpenCvSharp;

namespace Sightline.Faces.Tests.Support;

/// <summary>A managed copy of an 8-bit, 3-channel Mat for naive per-pixel reference code.</summary>
public sealed class Pixels
{
    private readonly byte[] _data;
    private readonly int _width;

    public Pixels(Mat mat)
    {
        using var continuous = mat.Clone();
        _width = mat.Width;
        _data = new byte[mat.Width * mat.Height * 3];
        Marshal.Copy(continuous.Data, _data, 0, _data.Length);
    }

    public byte this[int y, int x, int c] => _data[(y * _width + x) * 3 + c];
}

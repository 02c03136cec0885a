using Microsoft.AspNetCore.Http;
using Sightline.Imaging;

namespace Sightline.Server.Native;

/// <summary>
/// Images sent to the native API: the raw bytes as the body (Content-Type image/jpeg, image/png, image/webp,
/// image/bmp or application/octet-stream), or multipart/form-data with the image in a named part. No base64.
/// Uploads may be up to 15 MiB (Rekognition's limit for stored images); the decoder checks format and pixels.
/// </summary>
public static class ImageUpload
{
    public static async Task<DecodedImage> ReadAsync(HttpRequest request, ImageDecoder decoder, string part, CancellationToken ct)
    {
        var bytes = await ReadBytesAsync(request, part, ct).ConfigureAwait(false);
        RequestIdentity.Of(request.HttpContext).Probe ??= Identification.Probe.Of(bytes);
        return decoder.Decode(bytes, ImageSource.File);
    }

    public static async Task<byte[]> ReadBytesAsync(HttpRequest request, string part, CancellationToken ct)
    {
        if (request.HasFormContentType)
        {
            var form = await NativeInput.FormAsync(request, ct).ConfigureAwait(false);
            var file = form.Files.GetFile(part)
                ?? throw SightlineException.InvalidParameter($"The multipart body has no file part named '{part}'.");
            using var stream = new MemoryStream();
            await file.CopyToAsync(stream, ct).ConfigureAwait(false);
            return stream.ToArray();
        }
        string type = request.ContentType ?? "";
        if (!type.StartsWith("image/", StringComparison.OrdinalIgnoreCase) && !type.StartsWith("application/octet-stream", StringComparison.OrdinalIgnoreCase))
            throw SightlineException.InvalidParameter($"Send the image as the body with an image/* or application/octet-stream Content-Type, or as multipart/form-data part '{part}'; got '{type}'.");
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, ct).ConfigureAwait(false);
        return buffer.Length > 0 ? buffer.ToArray() : throw SightlineException.InvalidImage("The request body is empty: no image bytes.");
    }
}

using System.Text.Json;

namespace Sightline.Evaluation;

public sealed record CocoImage(long Id, string FileName, int Width, int Height);

/// <summary>A ground-truth box (x, y, width, height in pixels, as COCO stores it).</summary>
public sealed record CocoBox(long ImageId, int CategoryId, double X, double Y, double Width, double Height, bool IsCrowd);

/// <summary>A scored detection to evaluate, in COCO's box convention and category ids.</summary>
public sealed record CocoDetection(long ImageId, int CategoryId, double X, double Y, double Width, double Height, double Score);

/// <summary>The parts of a COCO instances.json the detection metrics need (segmentations are not read).</summary>
public sealed record CocoDataset(IReadOnlyList<CocoImage> Images, IReadOnlyList<CocoBox> Annotations, IReadOnlyDictionary<int, string> Categories)
{
    public static CocoDataset Load(string path)
    {
        using var stream = File.OpenRead(path);
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(stream);
        }
        catch (JsonException ex)
        {
            throw SightlineException.InvalidParameter($"{path} is not valid JSON: {ex.Message}");
        }
        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("images", out var images) || !root.TryGetProperty("annotations", out var annotations) || !root.TryGetProperty("categories", out var categories))
                throw SightlineException.InvalidParameter($"{path} is not a COCO instances file: it needs 'images', 'annotations' and 'categories'.");
            try
            {
                return new CocoDataset(
                    [.. images.EnumerateArray().Select(i => new CocoImage(i.GetProperty("id").GetInt64(), i.GetProperty("file_name").GetString()!, i.GetProperty("width").GetInt32(), i.GetProperty("height").GetInt32()))],
                    [.. annotations.EnumerateArray().Select(a =>
                    {
                        var b = a.GetProperty("bbox");
                        bool crowd = a.TryGetProperty("iscrowd", out var c) && c.GetInt32() != 0;
                        return new CocoBox(a.GetProperty("image_id").GetInt64(), a.GetProperty("category_id").GetInt32(), b[0].GetDouble(), b[1].GetDouble(), b[2].GetDouble(), b[3].GetDouble(), crowd);
                    })],
                    categories.EnumerateArray().ToDictionary(c => c.GetProperty("id").GetInt32(), c => c.GetProperty("name").GetString()!));
            }
            catch (Exception ex) when (ex is KeyNotFoundException or InvalidOperationException or FormatException or IndexOutOfRangeException)
            {
                throw SightlineException.InvalidParameter($"{path} has a malformed image, annotation or category: {ex.Message}");
            }
        }
    }
}

using Sightline.Inference;
namespace Sightline.Faces.Detection;

/// <summary>One tile of the pyramid: the image region fed to the detector at one scale.</summary>
public readonly record struct Tile(RectF Region, int Level);

/// <summary>
/// Plans a multi-scale tiling for a fixed-input detector. Level 0 is the whole image (padded to the model's
/// aspect); finer levels use smaller tiles until the smallest wanted face maps to at least
/// <see cref="TilingOptions.ModelMinFace"/> pixels at the model input. Tiles overlap so that any face small
/// enough to belong to a level lies wholly inside one of its tiles.
/// </summary>
public static class TilePlanner
{
    public static List<Tile> Plan(int imageWidth, int imageHeight, int inputWidth, int inputHeight, TilingOptions options)
    {
        float aspect = inputWidth / (float)inputHeight;
        float tileW = Math.Max(imageWidth, imageHeight * aspect);
        var tiles = new List<Tile> { new(new RectF(0, 0, tileW, tileW / aspect), 0) };
        // Width of the finest tile: the minimum face lands at ModelMinFace pixels of the input. Levels step
        // geometrically from the whole image down to it, each step at most ~LevelRatio (a little slack avoids
        // a near-duplicate level when the total ratio is just above it).
        float finest = options.MinFaceSize * inputWidth / options.ModelMinFace;
        float total = tileW / finest;
        if (total <= 1.05f)
            return tiles;
        int levels = Math.Clamp((int)Math.Ceiling(Math.Log(total) / Math.Log(options.LevelRatio) - 0.15), 1, options.MaxLevels - 1);
        for (int level = 1; level <= levels; level++)
        {
            float w = tileW / MathF.Pow(total, level / (float)levels);
            AddGrid(tiles, imageWidth, imageHeight, w, w / aspect, options.Overlap, level);
        }
        return tiles;
    }

    private static void AddGrid(List<Tile> tiles, int w, int h, float tileW, float tileH, float overlap, int level)
    {
        var xs = Positions(w, tileW, overlap);
        var ys = Positions(h, tileH, overlap);
        foreach (float y in ys)
        {
            foreach (float x in xs)
                tiles.Add(new Tile(new RectF(x, y, x + tileW, y + tileH), level));
        }
    }

    /// <summary>Evenly spread tile origins covering [0, extent) with at least the given overlap fraction.</summary>
    internal static float[] Positions(int extent, float tile, float overlap)
    {
        if (tile >= extent)
            return [0];
        int n = (int)Math.Ceiling((extent - tile) / (tile * (1 - overlap))) + 1;
        var result = new float[n];
        float step = (extent - tile) / (n - 1);
        for (int i = 0; i < n; i++)
            result[i] = i * step;
        return result;
    }
}

/// <summary>Multi-scale tiling settings; the defaults were chosen on the detection development set (docs/accuracy.md, "Detector choice").</summary>
public sealed record TilingOptions
{
    /// <summary>Smallest face (pixels, image scale) the pyramid is built to find. Rekognition's floor is 40 px in 1080p.</summary>
    public float MinFaceSize { get; init; } = 36;

    /// <summary>Smallest face the model finds reliably at its own input scale, in input pixels.</summary>
    public float ModelMinFace { get; init; } = 16;

    /// <summary>Scale step between pyramid levels; the detectors cover a ~10x face-size range per scale.</summary>
    public float LevelRatio { get; init; } = 2.5f;

    public float Overlap { get; init; } = 0.3f;

    public int MaxLevels { get; init; } = 4;
}

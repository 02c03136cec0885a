using Sightline.Inference;
using Sightline.Faces.Detection;

namespace Sightline.Faces.Tests.Unit;

public sealed class TilePlannerTests
{
    private const int W = 1920, H = 1080, InW = 320, InH = 240;
    private static readonly TilingOptions s_options = new();
    private static readonly List<Tile> s_tiles = TilePlanner.Plan(W, H, InW, InH, s_options);

    [Fact]
    public void Level_zero_is_one_tile_covering_the_whole_image()
    {
        var level0 = Assert.Single(s_tiles, t => t.Level == 0);
        Assert.True(level0.Region.X1 <= 0 && level0.Region.Y1 <= 0 && level0.Region.X2 >= W && level0.Region.Y2 >= H, $"{level0.Region}");
        Assert.Equal(InW / (float)InH, level0.Region.Width / level0.Region.Height, 3);
        Assert.True(s_tiles.Max(t => t.Level) >= 1, "1080p needs finer levels");
    }

    [Fact]
    public void Every_level_covers_every_pixel()
    {
        foreach (var level in s_tiles.GroupBy(t => t.Level))
        {
            var regions = level.Select(t => t.Region).ToArray();
            for (int y = 0; y < H; y++)
            {
                for (int x = 0; x < W; x++)
                {
                    float cx = x + 0.5f, cy = y + 0.5f;
                    bool covered = false;
                    foreach (var r in regions)
                    {
                        if (cx >= r.X1 && cx <= r.X2 && cy >= r.Y1 && cy <= r.Y2) { covered = true; break; }
                    }
                    Assert.True(covered, $"pixel ({x},{y}) not covered at level {level.Key}");
                }
            }
        }
    }

    [Fact]
    public void Adjacent_tiles_overlap_by_at_least_the_overlap_fraction()
    {
        foreach (var level in s_tiles.Where(t => t.Level > 0).GroupBy(t => t.Level))
        {
            var first = level.First().Region;
            Assert.All(level, t => Assert.Equal((first.Width, first.Height), (t.Region.Width, t.Region.Height)));
            var xs = level.Select(t => t.Region.X1).Distinct().Order().ToArray();
            var ys = level.Select(t => t.Region.Y1).Distinct().Order().ToArray();
            for (int i = 1; i < xs.Length; i++)
                Assert.True(first.Width - (xs[i] - xs[i - 1]) >= s_options.Overlap * first.Width - 1e-3, $"level {level.Key} x overlap");
            for (int i = 1; i < ys.Length; i++)
                Assert.True(first.Height - (ys[i] - ys[i - 1]) >= s_options.Overlap * first.Height - 1e-3, $"level {level.Key} y overlap");
        }
    }

    [Fact]
    public void A_40px_face_anywhere_lies_whole_in_a_tile_where_it_is_big_enough()
    {
        const int face = 40;
        for (int y = 0; y + face <= H; y += 7)
        {
            for (int x = 0; x + face <= W; x += 7)
            {
                var box = new RectF(x, y, x + face, y + face);
                bool found = s_tiles.Any(t =>
                    box.X1 >= t.Region.X1 && box.Y1 >= t.Region.Y1 && box.X2 <= t.Region.X2 && box.Y2 <= t.Region.Y2
                    && face * InW / t.Region.Width >= s_options.ModelMinFace
                    && (t.Level == 0 || !TiledFaceDetector.IsCut(box, t.Region, W, H)));
                Assert.True(found, $"no tile holds a {face} px face at ({x},{y}) at >= {s_options.ModelMinFace} px");
            }
        }
    }

    [Fact]
    public void Small_image_gives_exactly_one_tile()
    {
        var tile = Assert.Single(TilePlanner.Plan(150, 150, InW, InH, s_options));
        Assert.Equal(0, tile.Level);
        Assert.True(tile.Region.X2 >= 150 && tile.Region.Y2 >= 150);
    }

    [Theory]
    [InlineData(400, 400, 600, 600, false)]   // well inside an interior tile
    [InlineData(300, 400, 380, 480, true)]    // touches the tile's left edge, which is inside the image
    [InlineData(900, 400, 1000, 480, true)]   // crosses the tile's right edge
    [InlineData(400, 295, 480, 380, true)]    // crosses the top edge
    public void IsCut_for_an_interior_tile(float x1, float y1, float x2, float y2, bool cut) =>
        Assert.Equal(cut, TiledFaceDetector.IsCut(new RectF(x1, y1, x2, y2), new RectF(300, 300, 1000, 825), W, H));

    [Fact]
    public void IsCut_ignores_tile_edges_that_are_image_edges()
    {
        var cornerTile = new RectF(0, 0, 720, 540);
        Assert.False(TiledFaceDetector.IsCut(new RectF(0, 0, 40, 40), cornerTile, W, H));
        Assert.True(TiledFaceDetector.IsCut(new RectF(690, 0, 720, 40), cornerTile, W, H));
        var wholeImage = new RectF(0, 0, W, H);
        Assert.False(TiledFaceDetector.IsCut(new RectF(1880, 1040, 1920, 1080), wholeImage, W, H));
    }
}

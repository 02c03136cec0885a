using Sightline.ModelImport.Tests.Support;
using Xunit.Abstractions;

namespace Sightline.ModelImport.Tests;

/// <summary>The distinct ops of each target model (Const and Placeholder included), all in the converter's table.</summary>
public sealed class OpInventoryTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData("centernet", 26)]
    [InlineData("nanodet", 17)]
    [InlineData("blazeface", 10)]
    [InlineData("faceres", 13)]
    [InlineData("mobilefacenet", 14)]
    [InlineData("emotion", 10)]
    public async Task Every_op_of_the_model_is_supported(string name, int distinctOps)
    {
        var model = await TfjsGraphModel.LoadAsync(HumanModels.ModelJson(name), CancellationToken.None);
        var ops = model.Nodes.GroupBy(n => n.Op).OrderBy(g => g.Key, StringComparer.Ordinal).ToList();
        output.WriteLine($"{name}: {string.Join(", ", ops.Select(g => $"{g.Key} x{g.Count()}"))}");
        Assert.Equal(distinctOps, ops.Count);
        Assert.Empty(OpSupport.Unsupported(model.Nodes));
    }
}

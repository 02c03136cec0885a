using Sightline.ModelImport.Tests.Support;

namespace Sightline.ModelImport.Tests;

/// <summary>Every bad input is an InvalidParameter error with one line that names the problem.</summary>
public sealed class BadInputTests
{
    private static SyntheticModel Tiny() => new SyntheticModel()
        .Placeholder("x", 1, 4)
        .Const("w", [4, 2], [1, 2, 3, 4, 5, 6, 7, 8])
        .Node("y", "MatMul", ["x", "w"]);

    [Fact]
    public async Task Truncated_shard_is_named()
    {
        using var dir = new TempDir();
        string json = Tiny().Write(dir.Path, ["y"]);
        string bin = Path.Combine(dir.Path, "model.bin");
        File.WriteAllBytes(bin, File.ReadAllBytes(bin)[..20]);
        var ex = await Fails(json);
        Assert.Contains("truncated", ex.Message, StringComparison.Ordinal);
        Assert.Contains("'w'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Extra_shard_bytes_are_reported()
    {
        using var dir = new TempDir();
        string json = Tiny().Write(dir.Path, ["y"]);
        File.AppendAllText(Path.Combine(dir.Path, "model.bin"), "junk");
        var ex = await Fails(json);
        Assert.Contains("hold 36 bytes but the manifest lists 32", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Missing_shard_is_named()
    {
        using var dir = new TempDir();
        string json = Tiny().Write(dir.Path, ["y"]);
        File.Delete(Path.Combine(dir.Path, "model.bin"));
        var ex = await Fails(json);
        Assert.Contains("model.bin is missing", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unsupported_op_names_the_op_and_the_node()
    {
        using var dir = new TempDir();
        string json = Tiny().Node("net/odd", "FooBarOp", ["y"]).Write(dir.Path, ["net/odd"]);
        var ex = await Fails(json);
        Assert.Equal("Unsupported TF.js op(s): FooBarOp (node 'net/odd').", ex.Message);
    }

    [Fact]
    public async Task Unknown_dtype_is_named()
    {
        using var dir = new TempDir();
        string json = Tiny().Write(dir.Path, ["y"]);
        File.WriteAllText(json, File.ReadAllText(json).Replace("\"float32\"", "\"complex64\"", StringComparison.Ordinal));
        var ex = await Fails(json);
        Assert.Contains("unsupported dtype 'complex64'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Malformed_json_is_reported()
    {
        using var dir = new TempDir();
        string json = Path.Combine(dir.Path, "model.json");
        File.WriteAllText(json, "{ \"modelTopology\": { \"node\": [ ");
        var ex = await Fails(json);
        Assert.Contains("is not valid JSON", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Layers_model_is_refused()
    {
        using var dir = new TempDir();
        string json = Path.Combine(dir.Path, "model.json");
        File.WriteAllText(json, "{ \"format\": \"layers-model\", \"modelTopology\": { \"config\": {} } }");
        var ex = await Fails(json);
        Assert.Contains("only graph models are supported", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dangling_input_is_named()
    {
        using var dir = new TempDir();
        string json = Tiny().Node("z", "Relu", ["nowhere"]).Write(dir.Path, ["z"]);
        var ex = await Fails(json);
        Assert.Contains("Relu 'z' reads 'nowhere'", ex.Message, StringComparison.Ordinal);
    }

    private static async Task<SightlineException> Fails(string json)
    {
        var ex = await Assert.ThrowsAsync<SightlineException>(() => TfjsToOnnx.ConvertFileAsync(json, CancellationToken.None));
        Assert.Equal(ErrorKind.InvalidParameter, ex.Kind);
        Assert.DoesNotContain('\n', ex.Message);
        return ex;
    }
}

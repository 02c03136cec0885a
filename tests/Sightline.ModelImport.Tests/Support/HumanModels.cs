using Sightline.Models;

namespace Sightline.ModelImport.Tests.Support;

/// <summary>The TF.js source models of the pack (role <c>tfjs-source</c>), fetched and verified by <c>sightline models fetch</c>.</summary>
internal static class HumanModels
{
    public const string Role = "tfjs-source";

    /// <summary>The verified model.json of <paramref name="name"/> (e.g. "centernet"); its shard is checked too.</summary>
    public static string ModelJson(string name)
    {
        var catalog = new ModelCatalog(ModelPaths.DefaultModelsDirectory);
        try
        {
            catalog.Resolve($"tfjs-{name}-weights", Role);
            return catalog.Resolve($"tfjs-{name}", Role).FullPath;
        }
        catch (SightlineException ex)
        {
            Assert.Fail($"{ex.Message} The TF.js models come with the model pack: run '{ModelPaths.FetchCommand}' before running the tests.");
            throw;
        }
    }

    public static string Fixture(string id)
    {
        var catalog = new ModelCatalog(ModelPaths.DefaultModelsDirectory);
        try
        {
            return catalog.ResolveFixture(id);
        }
        catch (SightlineException ex)
        {
            Assert.Fail($"{ex.Message} Run '{ModelPaths.FetchCommand}' before running the tests.");
            throw;
        }
    }

    public static string RepoRoot
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Sightline.slnx")))
                dir = dir.Parent;
            return dir?.FullName ?? throw new InvalidOperationException("Cannot find the repository root (Sightline.slnx) above " + AppContext.BaseDirectory);
        }
    }
}

namespace Sightline.Models;

/// <summary>Where the pack lives on disk. <c>SIGHTLINE_MODELS</c> overrides the per-user default.</summary>
public static class ModelPaths
{
    public const string EnvironmentVariable = "SIGHTLINE_MODELS";

    public static string DefaultModelsDirectory
    {
        get
        {
            var fromEnv = Environment.GetEnvironmentVariable(EnvironmentVariable);
            if (!string.IsNullOrWhiteSpace(fromEnv))
                return Path.GetFullPath(fromEnv);
            var dataHome = Environment.GetEnvironmentVariable("XDG_DATA_HOME");
            if (string.IsNullOrWhiteSpace(dataHome))
                dataHome = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "share");
            return Path.Combine(dataHome, "sightline", "models");
        }
    }

    /// <summary>Test fixtures fetched with the pack (sample photos); kept beside the models, never in the repository.</summary>
    public static string FixturesDirectory(string modelsDirectory) => Path.Combine(modelsDirectory, "fixtures");

    public const string FetchCommand = "./sightline models fetch";
}

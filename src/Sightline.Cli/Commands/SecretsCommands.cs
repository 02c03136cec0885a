using System.CommandLine;
using Sightline.Hosting;

namespace Sightline.Cli.Commands;

/// <summary>
/// <c>sightline secrets init|show</c>: the keys kept outside the database. The embedded database makes them on first use;
/// a shared (PostgreSQL) database needs them made once here and the same directory given to every process that opens it.
/// </summary>
internal static class SecretsCommands
{
    public static Command Build()
    {
        var command = new Command("secrets", "The master, audit and alert keys kept outside the database (--secrets, default <data>/secrets)");
        command.Subcommands.Add(Init());
        command.Subcommands.Add(Show());
        return command;
    }

    private static Command Init()
    {
        var command = new Command("init", "Create whichever keys are missing (never replaces one) and print every key's fingerprint");
        command.SetSyncAction((parse, _) =>
        {
            string directory = Directory(parse);
            foreach (var key in SightlineSecrets.Provision(directory))
                Console.WriteLine($"{key.File,-11} {key.Fingerprint}  {(key.Created ? "created" : "kept")}");
            Console.Error.WriteLine($"Keys are in {directory}. Give every process that opens the same database this directory (--secrets); compare fingerprints with 'sightline secrets show'.");
            return 0;
        });
        return command;
    }

    private static Command Show()
    {
        var command = new Command("show", "Print the fingerprint of each key present (never the key), to compare across machines");
        command.SetSyncAction((parse, _) =>
        {
            string directory = Directory(parse);
            var keys = SightlineSecrets.Describe(directory);
            foreach (var key in keys)
                Console.WriteLine($"{key.File,-11} {key.Fingerprint}");
            var missing = SightlineSecrets.Missing(directory);
            if (missing.Count > 0)
                Console.Error.WriteLine($"{directory} has no {string.Join(", ", missing)}.");
            return missing.Count == 0 ? 0 : Cli.ExitFailure;
        });
        return command;
    }

    private static string Directory(ParseResult parse) => GlobalOptions.Core(parse).Secrets;
}

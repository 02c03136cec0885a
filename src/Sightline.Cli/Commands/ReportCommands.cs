using System.CommandLine;
using Sightline.Access;
using Sightline.Evaluation;
using Sightline.Storage;

namespace Sightline.Cli.Commands;

/// <summary><c>sightline report transparency|accountability</c>: documents for publication and for oversight bodies.</summary>
internal static class ReportCommands
{
    public static Command Build()
    {
        var command = new Command("report", "Reports under --data: aggregate transparency figures and the accountability report");
        command.Subcommands.Add(Transparency());
        command.Subcommands.Add(Accountability());
        return command;
    }

    private static Command Transparency()
    {
        var from = new Option<string>("--from") { Description = "Start of the period (ISO 8601 date or date-time, UTC; default 365 days before --to)" };
        var to = new Option<string>("--to") { Description = "End of the period, exclusive (default now)" };
        var csv = new Option<bool>("--csv") { Description = "Print section,name,value rows" };
        var command = new Command("transparency", "Searches by purpose, leads and review outcomes, operations by role, collection sizes, rules in force — aggregate only, no personal data")
        {
            from, to, csv, GlobalOptions.Json,
        };
        command.SetGuardedAction(async (parse, ct) =>
        {
            if (parse.GetValue(csv) && parse.GetValue(GlobalOptions.Json))
                throw SightlineException.InvalidParameter("Choose one of --json and --csv.");
            var end = TransparencyReport.ParseBound(parse.GetValue(to), "--to", DateTimeOffset.UtcNow);
            var start = TransparencyReport.ParseBound(parse.GetValue(from), "--from", end.AddDays(-365));
            using var core = CliCore.Open(parse);
            var report = await TransparencyReport.BuildAsync(core.Get<IAuditStore>(), core.Get<ICollectionStore>(), core.Get<IPolicyStore>(), core.Get<IRetentionStore>(), start, end,
                Faces.SimilarityCalibration.Default.EstimatedFalseMatchRate, ct);
            if (parse.GetValue(GlobalOptions.Json))
                Console.WriteLine(report.ToJson());
            else if (parse.GetValue(csv))
                Console.Write(report.ToCsv());
            else
                Console.Write(report.ToCsv().Replace(",", "  ", StringComparison.Ordinal));
            return 0;
        });
        return command;
    }

    private static Command Accountability()
    {
        var output = new Option<string>("--out") { Description = "Write the Markdown here instead of standard output" };
        var command = new Command("accountability", "The accountability report (Markdown): version, models and hashes, measured accuracy, thresholds, data inputs, retention, use and review")
        {
            output,
        };
        command.SetGuardedAction(async (parse, ct) =>
        {
            using var core = CliCore.Open(parse);
            var sources = new AccountabilitySources(core.Get<IAuditStore>(), core.Get<ICollectionStore>(), core.Get<IPolicyStore>(), core.Get<IRetentionStore>());
            string markdown = await AccountabilityReport.BuildAsync(sources, core.Options.DataDirectory, GlobalOptions.ModelsDirectory(parse), core.Options.Faces, DateTimeOffset.UtcNow, ct);
            if (parse.GetValue(output) is { Length: > 0 } path)
            {
                File.WriteAllText(path, markdown);
                Console.WriteLine($"wrote {path}");
            }
            else
            {
                Console.Write(markdown);
            }
            return 0;
        });
        return command;
    }
}

using System.CommandLine;
using System.Text.Json;
using Sightline.Access;
using Sightline.Storage;
using Spectre.Console;

namespace Sightline.Cli.Commands;

/// <summary><c>sightline leads list|review</c>: search matches awaiting a person's decision.</summary>
internal static class LeadsCommands
{
    private static readonly JsonSerializerOptions s_json = new() { PropertyNamingPolicy = JsonNamingPolicy.CamelCase, WriteIndented = true };

    public static Command Build()
    {
        var command = new Command("leads", "Search matches under --data awaiting human review; a lead is never an identification until confirmed");
        var caseId = new Option<string>("--case") { Description = "Only this case's leads" };
        var status = new Option<string>("--status") { Description = "pending (default), confirmed, rejected, inconclusive", DefaultValueFactory = _ => LeadStatus.Pending };
        var list = new Command("list", "List leads") { caseId, status, GlobalOptions.Json };
        list.SetGuardedAction(async (parse, ct) =>
        {
            using var core = CliCore.Open(parse);
            var leads = await core.Get<ILeadStore>().ListLeadsAsync(parse.GetValue(caseId), LeadDesk.Status(parse.GetValue(status)), 10_000, ct).ToListAsync(ct);
            if (parse.GetValue(GlobalOptions.Json))
            {
                Console.WriteLine(JsonSerializer.Serialize(leads, s_json));
                return 0;
            }
            var table = new Table().AddColumns("lead", "case", "purpose", "collection", "match", "similarity", "searched by", "status", "reviewer");
            foreach (var l in leads)
                table.AddRow(l.LeadId, Markup.Escape(l.Case ?? ""), Markup.Escape(l.Purpose ?? ""), Markup.Escape(l.CollectionId ?? ""), $"{l.SubjectType} {l.SubjectId}",
                    $"{l.Similarity:F1}", l.SearchedBy, l.Status, l.Reviewer ?? "");
            AnsiConsole.Write(table);
            return 0;
        });
        var id = new Argument<string>("LEAD_ID");
        var decision = new Option<string>("--status") { Description = "confirmed, rejected or inconclusive", Required = true };
        decision.AcceptOnlyFromAmong([.. LeadStatus.Decisions]);
        var note = new Option<string>("--note") { Description = "What was compared and why (required)", Required = true };
        var review = new Command("review", "Decide a lead as the local user (audited)") { id, decision, note, GlobalOptions.Json };
        review.SetGuardedAction(async (parse, ct) =>
        {
            using var core = CliCore.Open(parse);
            var store = core.Get<ILeadStore>();
            var entry = CollectionHost.LocalEntry(CollectionHost.CommandPath(parse));
            Lead lead;
            try
            {
                lead = await LeadDesk.ReviewAsync(store, await core.Get<IPolicyStore>().GetPolicyAsync(ct), entry, parse.GetValue(id), parse.GetValue(decision), parse.GetValue(note), entry.Actor, ct);
            }
            catch (SightlineException ex)
            {
                await core.Get<IAuditStore>().AppendAuditAsync(entry with { Outcome = ex.RekognitionType, Details = JsonSerializer.Serialize(new[] { parse.GetValue(id) }) }, CancellationToken.None);
                throw;
            }
            Console.WriteLine(parse.GetValue(GlobalOptions.Json) ? JsonSerializer.Serialize(lead, s_json) : $"lead {lead.LeadId}: {lead.Status}");
            return 0;
        });
        command.Subcommands.Add(list);
        command.Subcommands.Add(review);
        return command;
    }
}

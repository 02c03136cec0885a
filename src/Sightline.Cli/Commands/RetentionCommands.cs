using System.CommandLine;
using System.Text.Json;
using Sightline.Storage;

namespace Sightline.Cli.Commands;

/// <summary><c>sightline retention show|set|run</c> and <c>sightline holds list|place|lift</c>: how long data is kept, and what a case keeps.</summary>
internal static class RetentionCommands
{
    private static readonly JsonSerializerOptions s_json = new() { PropertyNamingPolicy = JsonNamingPolicy.CamelCase, WriteIndented = true };

    public static Command Retention()
    {
        var command = new Command("retention", "Per-collection retention of faces and leads under --data (the server applies it hourly; deletions are audited)");
        var show = new Command("show", "Print the rules") { GlobalOptions.Json };
        show.SetGuardedAction(async (parse, ct) =>
        {
            using var core = CliCore.Open(parse);
            var rules = await core.Get<IRetentionStore>().ListRetentionAsync(ct);
            if (parse.GetValue(GlobalOptions.Json))
                Console.WriteLine(JsonSerializer.Serialize(rules, s_json));
            else
                foreach (var r in rules) Console.WriteLine($"{r.CollectionId} faceDays {r.FaceDays?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-"} leadDays {r.LeadDays?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-"}");
            return 0;
        });
        var collection = new Argument<string>("COLLECTION");
        var faceDays = new Option<int?>("--face-days") { Description = $"Delete faces indexed more than this many days ago (1–{RetentionRule.MaxDays})" };
        var leadDays = new Option<int?>("--lead-days") { Description = $"Delete leads created more than this many days ago (1–{RetentionRule.MaxDays})" };
        var set = new Command("set", "Set a collection's rule (omit both options to clear it; audited)") { collection, faceDays, leadDays };
        set.SetGuardedAction(async (parse, ct) =>
        {
            using var core = CliCore.Open(parse);
            var store = core.Get<IRetentionStore>();
            var rule = await Access.RetentionRules.SetAsync(store, CollectionHost.LocalEntry(CollectionHost.CommandPath(parse)),
                Collections.Validate.CollectionId(parse.GetValue(collection)), parse.GetValue(faceDays), parse.GetValue(leadDays), ct);
            Console.WriteLine(JsonSerializer.Serialize(rule, s_json));
            return 0;
        });
        var run = new Command("run", "Apply the rules of collections and cameras now (what the server does every hour)") { GlobalOptions.Json };
        run.SetGuardedAction(async (parse, ct) =>
        {
            using var host = new CollectionHost(parse);
            var now = DateTimeOffset.UtcNow;
            var sweeps = await host.Service.ApplyRetentionAsync(host.Audit, now, ct);
            var events = await host.Core.Get<Live.Events.EventRetention>().ApplyAsync(host.Audit, now, ct);
            var rows = sweeps.Select(s => new { s.CollectionId, deletedFaces = s.Faces.Count, deletedLeads = s.Leads, s.HeldFaces, s.HeldLeads }).ToList();
            var cameras = events.Sweeps.Select(s => new { camera = s.Camera, deletedEvents = s.Deleted.Count, heldEvents = s.Held }).ToList();
            if (parse.GetValue(GlobalOptions.Json))
            {
                Console.WriteLine(JsonSerializer.Serialize(new { collections = rows, events = new { cameras, strayFiles = events.StrayFiles } }, s_json));
                return 0;
            }
            foreach (var r in rows) Console.WriteLine($"{r.CollectionId}: deleted {r.deletedFaces} face(s), {r.deletedLeads} lead(s); held {r.HeldFaces} face(s), {r.HeldLeads} lead(s)");
            foreach (var c in cameras) Console.WriteLine($"camera {c.camera ?? "(removed cameras)"}: deleted {c.deletedEvents} event(s); held {c.heldEvents}");
            if (events.StrayFiles > 0)
                Console.WriteLine($"removed {events.StrayFiles} stray event file(s)");
            return 0;
        });
        command.Subcommands.Add(show);
        command.Subcommands.Add(set);
        command.Subcommands.Add(run);
        return command;
    }

    public static Command Holds()
    {
        var command = new Command("holds", "Legal holds on cases under --data: nothing a held case's leads point at is deleted");
        var list = new Command("list", "Cases under hold") { GlobalOptions.Json };
        list.SetGuardedAction(async (parse, ct) =>
        {
            using var core = CliCore.Open(parse);
            var holds = await core.Get<IRetentionStore>().ListHoldsAsync(ct);
            if (parse.GetValue(GlobalOptions.Json))
                Console.WriteLine(JsonSerializer.Serialize(holds, s_json));
            else
                foreach (var h in holds) Console.WriteLine($"{h.Case}\t{h.PlacedAt:u}\t{h.PlacedBy}\t{h.Reason}");
            return 0;
        });
        var caseId = new Argument<string>("CASE");
        var reason = new Option<string>("--reason") { Description = "Why (court order, litigation, …)", Required = true };
        var place = new Command("place", "Place a case under legal hold (audited)") { caseId, reason };
        place.SetGuardedAction(async (parse, ct) =>
        {
            using var core = CliCore.Open(parse);
            var store = core.Get<IRetentionStore>();
            var entry = CollectionHost.LocalEntry(CollectionHost.CommandPath(parse)) with { Case = parse.GetValue(caseId) };
            await Access.LegalHolds.PlaceAsync(store, entry, parse.GetValue(caseId), parse.GetValue(reason), entry.Actor, DateTimeOffset.UtcNow, ct);
            Console.WriteLine($"case {parse.GetValue(caseId)} is under legal hold");
            return 0;
        });
        var liftCase = new Argument<string>("CASE");
        var lift = new Command("lift", "Lift a case's legal hold (audited)") { liftCase };
        lift.SetGuardedAction(async (parse, ct) =>
        {
            using var core = CliCore.Open(parse);
            var store = core.Get<IRetentionStore>();
            await Access.LegalHolds.LiftAsync(store, CollectionHost.LocalEntry(CollectionHost.CommandPath(parse)) with { Case = parse.GetValue(liftCase) }, parse.GetValue(liftCase)!, ct);
            Console.WriteLine($"lifted the legal hold on case {parse.GetValue(liftCase)}");
            return 0;
        });
        command.Subcommands.Add(list);
        command.Subcommands.Add(place);
        command.Subcommands.Add(lift);
        return command;
    }
}

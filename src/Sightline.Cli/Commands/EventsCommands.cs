using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Sightline.Live.Events;
using Sightline.Storage;

namespace Sightline.Cli.Commands;

/// <summary><c>sightline events list|keep</c>: live events recorded under --data, and filing one under a case.</summary>
internal static class EventsCommands
{
    private static readonly JsonSerializerOptions s_json = new() { PropertyNamingPolicy = JsonNamingPolicy.CamelCase, WriteIndented = true };

    public static Command Build()
    {
        var command = new Command("events", "Live events: tracked objects of watched labels on cameras");
        var camera = new Option<string>("--camera") { Description = "Only this camera's events" };
        var label = new Option<string>("--label") { Description = "Only events of this label" };
        var since = new Option<string>("--since") { Description = "Only events that started at or after this time (ISO 8601 or Unix seconds)" };
        var limit = new Option<int?>("--limit") { Description = $"At most this many, newest first (default 100, at most {EventView.MaxLimit})" };
        var handling = new Option<string>("--handling") { Description = "Only events that are new, acknowledged or escalated" };
        var plate = new Option<string>("--plate") { Description = "Only hotlist hits of this plate (as read; separators are dropped)" };
        var list = new Command("list", "Events, newest first") { camera, label, since, handling, plate, limit, GlobalOptions.Json };
        list.SetGuardedAction(async (parse, ct) =>
        {
            var query = EventView.Query(parse.GetValue(camera), parse.GetValue(label), parse.GetValue(since), parse.GetValue(limit))
                with
                {
                    Handling = EventHandling.Filter(parse.GetValue(handling)),
                    Plate = parse.GetValue(plate) is { } p ? Text.HotlistMatcher.Plate(p) : null,
                };
            using var core = CliCore.Open(parse);
            var events = (await core.Get<IEventStore>().ListEventsAsync(query, ct)).Select(EventView.From).ToList();
            if (parse.GetValue(GlobalOptions.Json))
            {
                Console.WriteLine(JsonSerializer.Serialize(new { events }, s_json));
                return 0;
            }
            foreach (var e in events)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{e.Id}\t{e.Camera}\t{e.Label}\t{e.Score:0.0}\t{e.StartTime:u}\t{(e.EndTime is { } end ? end.ToString("u", CultureInfo.InvariantCulture) : "ongoing")}\t{string.Join(',', e.Zones)}\t{e.Handling}"));
            }
            return 0;
        });
        command.Subcommands.Add(list);
        command.Subcommands.Add(Keep());
        return command;
    }

    private static Command Keep()
    {
        var id = new Argument<string>("ID") { Description = "The event" };
        var caseId = new Option<string>("--case") { Description = "The case to file it under ('' for none); a legal hold on the case keeps the event past retention", Required = true };
        var keep = new Command("keep", "File an event under a case (audited); 'sightline holds place CASE' keeps it past its camera's retention") { id, caseId, GlobalOptions.Json };
        keep.SetGuardedAction(async (parse, ct) =>
        {
            string? given = parse.GetValue(caseId);
            string? filed = string.IsNullOrEmpty(given) ? null : given;
            using var core = CliCore.Open(parse);
            var entry = CollectionHost.LocalEntry(CollectionHost.CommandPath(parse));
            var view = await EventCases.FileAsync(core.Get<IEventStore>(), entry, parse.GetValue(id)!, filed, ct);
            bool held = filed is not null && (await core.Get<IRetentionStore>().ListHoldsAsync(ct)).Any(h => h.Case == filed);
            if (parse.GetValue(GlobalOptions.Json))
                Console.WriteLine(JsonSerializer.Serialize(new { @event = view, held }, s_json));
            else if (filed is null)
                Console.WriteLine($"event {view.Id} is filed under no case");
            else
                Console.WriteLine(held ? $"event {view.Id} is filed under case {filed}, which is under legal hold: it is kept past retention"
                    : $"event {view.Id} is filed under case {filed}, which is not under legal hold: retention still applies until 'sightline holds place {filed} --reason ...'");
            return 0;
        });
        return keep;
    }
}

using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Sightline.Live.Events;
using Sightline.Storage;

namespace Sightline.Cli.Commands;

/// <summary><c>sightline events list</c>: live events recorded under --data.</summary>
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
        var list = new Command("list", "Events, newest first") { camera, label, since, limit, GlobalOptions.Json };
        list.SetGuardedAction(async (parse, ct) =>
        {
            var query = EventView.Query(parse.GetValue(camera), parse.GetValue(label), parse.GetValue(since), parse.GetValue(limit));
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
                    $"{e.Id}\t{e.Camera}\t{e.Label}\t{e.Score:0.0}\t{e.StartTime:u}\t{(e.EndTime is { } end ? end.ToString("u", CultureInfo.InvariantCulture) : "ongoing")}\t{string.Join(',', e.Zones)}"));
            }
            return 0;
        });
        command.Subcommands.Add(list);
        return command;
    }
}

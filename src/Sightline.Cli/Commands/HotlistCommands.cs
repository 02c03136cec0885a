using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Sightline.Alerts;
using Sightline.Storage;

namespace Sightline.Cli.Commands;

/// <summary><c>sightline hotlists add|remove|list</c>: named lists of plates that raise alerts when read; every change is audited.</summary>
internal static class HotlistCommands
{
    private static readonly JsonSerializerOptions s_json = new() { PropertyNamingPolicy = JsonNamingPolicy.CamelCase, WriteIndented = true };

    public static Command Build()
    {
        var command = new Command("hotlists", "Plate hotlists under --data: a read that matches one raises an alert (label hotlist:LIST)");
        var list = new Argument<string>("LIST") { Description = "Hotlist name (a–z, 0–9, '-', '_')" };
        var plate = new Argument<string>("PLATE");
        var reason = new Option<string>("--reason") { Description = "Why the plate is listed (required)", Required = true };
        var expires = new Option<string>("--expires") { Description = "When the entry lapses (ISO 8601 date or date-time, UTC)" };
        var add = new Command("add", "Add or replace an entry (audited)") { list, plate, reason, expires };
        add.SetGuardedAction(async (parse, ct) =>
        {
            DateTimeOffset? until = parse.GetValue(expires) is { } text ? Access.TransparencyReport.ParseBound(text, "--expires", default) : null;
            var entry = CollectionHost.LocalEntry(CollectionHost.CommandPath(parse));
            var made = PlateDesk.Entry(parse.GetValue(list), parse.GetValue(plate), parse.GetValue(reason), until, entry.Actor);
            using var core = CliCore.Open(parse);
            await core.Get<IHotlistStore>().PutHotlistEntryAsync(entry, made, ct);
            Console.WriteLine($"{made.List}: {made.Plate}");
            return 0;
        });
        var removeList = new Argument<string>("LIST");
        var removePlate = new Argument<string>("PLATE");
        var remove = new Command("remove", "Remove an entry (audited)") { removeList, removePlate };
        remove.SetGuardedAction(async (parse, ct) =>
        {
            string name = Text.HotlistMatcher.ListName(parse.GetValue(removeList)), normal = Text.HotlistMatcher.Plate(parse.GetValue(removePlate));
            using (var core = CliCore.Open(parse))
            {
                if (!await core.Get<IHotlistStore>().RemoveHotlistEntryAsync(CollectionHost.LocalEntry(CollectionHost.CommandPath(parse)), name, normal, ct))
                    throw new SightlineException(ErrorKind.ResourceNotFound, $"{normal} is not on hotlist {name}.");
            }
            Console.WriteLine($"removed {normal} from {name}");
            return 0;
        });
        var only = new Argument<string?>("LIST") { Arity = ArgumentArity.ZeroOrOne };
        var show = new Command("list", "Entries (all lists, or one)") { only, GlobalOptions.Json };
        show.SetGuardedAction(async (parse, ct) =>
        {
            using var core = CliCore.Open(parse);
            var entries = await core.Get<IHotlistStore>().ListHotlistEntriesAsync(parse.GetValue(only), null, ct);
            if (parse.GetValue(GlobalOptions.Json))
                Console.WriteLine(JsonSerializer.Serialize(entries, s_json));
            else
                foreach (var e in entries) Console.WriteLine($"{e.List}\t{e.Plate}\t{e.ExpiresAt?.ToString("u", CultureInfo.InvariantCulture) ?? "-"}\t{e.Reason}");
            return 0;
        });
        command.Subcommands.Add(add);
        command.Subcommands.Add(remove);
        command.Subcommands.Add(show);
        return command;
    }
}

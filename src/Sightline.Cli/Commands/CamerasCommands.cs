using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Sightline.Live;

namespace Sightline.Cli.Commands;

/// <summary><c>sightline cameras add|update|list|remove</c>: the cameras a running server watches (it picks a change up within seconds); every change is audited.</summary>
internal static class CamerasCommands
{
    private static readonly JsonSerializerOptions s_json = new() { PropertyNamingPolicy = JsonNamingPolicy.CamelCase, WriteIndented = true };

    private sealed record SettingOptions(Option<string> Url, Option<string> Detect, Option<double?> Fps, Option<string> Size, Option<string[]> Zones, Option<string[]> Masks,
        Option<string[]> Loiter, Option<string> Transport, Option<bool?> Plates, Option<bool?> Enabled, Option<int?> RetainDays)
    {
        public static SettingOptions Make(bool urlRequired) => new(
            new Option<string>("--url") { Description = "rtsp://, rtsps://, http(s):// (MJPEG, HLS) or file:// (looped, for testing); user:password@ is sealed and never shown", Required = urlRequired },
            new Option<string>("--detect") { Description = "Labels to watch, comma-separated (COCO labels of the default detector, labels of registered detectors); default person" },
            new Option<double?>("--fps") { Description = "Frames analysed per second, above 0 and at most 10 (default 5)" },
            new Option<string>("--size") { Description = "Detect size WIDTHxHEIGHT (default: the source's aspect at a width of at most 1280)" },
            new Option<string[]>("--zone") { Description = "A zone NAME=x1,y1,x2,y2,…[:label,…] in relative coordinates (repeatable)", AllowMultipleArgumentsPerToken = false },
            new Option<string[]>("--mask") { Description = "A motion mask polygon x1,y1,x2,y2,… in relative coordinates (repeatable)" },
            new Option<string[]>("--loiter") { Description = $"ZONE=SECONDS: an object counts as in that zone (loitering) only after staying that long, 0–{CameraDefinitions.MaxLoiterSeconds} (repeatable; zones of this command)" },
            new Option<string>("--rtsp-transport") { Description = "RTSP over tcp (default) or udp" },
            new Option<bool?>("--read-plates") { Description = "Read the plates of tracked vehicles (true/false)" },
            new Option<bool?>("--enabled") { Description = "Watch the camera (true, the default) or keep it registered but stopped (false)" },
            new Option<int?>("--retain-days") { Description = $"Keep the camera's events, snapshots and clips this many days (1–{Storage.RetentionRule.MaxDays}, default {Storage.CameraSettings.DefaultRetainDays}); a legal hold on an event's case keeps it longer" });

        public IEnumerable<Option> All => [Url, Detect, Fps, Size, Zones, Masks, Loiter, Transport, Plates, Enabled, RetainDays];

        public CameraRequest Request(ParseResult parse, string name) => new()
        {
            Name = name,
            Url = parse.GetValue(Url),
            Labels = parse.GetValue(Detect) is { } labels ? [labels] : null,
            Fps = parse.GetValue(Fps),
            Size = parse.GetValue(Size),
            Zones = ZoneRequests(parse),
            MotionMasks = parse.GetValue(Masks) is { Length: > 0 } masks ? [.. masks.Select(m => CameraDefinitions.ParseNumbers(m, "--mask"))] : null,
            RtspTransport = parse.GetValue(Transport),
            ReadPlates = parse.GetValue(Plates),
            Enabled = parse.GetValue(Enabled),
            RetainDays = parse.GetValue(RetainDays),
        };

        private IReadOnlyList<ZoneRequest>? ZoneRequests(ParseResult parse)
        {
            var loiter = parse.GetValue(Loiter) ?? [];
            if (parse.GetValue(Zones) is { Length: > 0 } zones)
                return CameraDefinitions.ApplyLoiter([.. zones.Select(CameraDefinitions.ParseZone)], loiter);
            return loiter.Length == 0 ? null : throw SightlineException.InvalidParameter("--loiter applies to the zones given with --zone in the same command.");
        }
    }

    public static Command Build()
    {
        var command = new Command("cameras", "Cameras under --data: a running 'serve' watches them and picks up a change within seconds");
        command.Subcommands.Add(Add());
        command.Subcommands.Add(Update());
        command.Subcommands.Add(List());
        command.Subcommands.Add(Remove());
        return command;
    }

    private static Command Add()
    {
        var name = new Argument<string>("NAME") { Description = "Camera name (letters, digits, '-', '_')" };
        var options = SettingOptions.Make(urlRequired: true);
        var add = new Command("add", "Add a camera (audited)") { name };
        foreach (var o in options.All)
            add.Options.Add(o);
        add.SetGuardedAction(async (parse, ct) =>
        {
            using var core = CliCore.Open(parse);
            var view = await core.Get<CameraDesk>().AddAsync(CollectionHost.LocalEntry(CollectionHost.CommandPath(parse)), options.Request(parse, parse.GetValue(name)!),
                CollectionHost.LocalEntry("").Actor, local: true, ct);
            Console.WriteLine($"{view.Name}\t{view.Url}\t{string.Join(',', view.Labels)}\t{view.Fps.ToString(CultureInfo.InvariantCulture)} fps");
            return 0;
        });
        return add;
    }

    private static Command Update()
    {
        var name = new Argument<string>("NAME");
        var options = SettingOptions.Make(urlRequired: false);
        var update = new Command("update", "Change a camera's settings; what is not given stays (audited)") { name };
        foreach (var o in options.All)
            update.Options.Add(o);
        update.SetGuardedAction(async (parse, ct) =>
        {
            using var core = CliCore.Open(parse);
            var view = await core.Get<CameraDesk>().UpdateAsync(CollectionHost.LocalEntry(CollectionHost.CommandPath(parse)), parse.GetValue(name)!,
                options.Request(parse, parse.GetValue(name)!), local: true, ct);
            Console.WriteLine($"{view.Name}\t{view.Url}\t{string.Join(',', view.Labels)}\t{view.Fps.ToString(CultureInfo.InvariantCulture)} fps\t{(view.Enabled ? "enabled" : "disabled")}");
            return 0;
        });
        return update;
    }

    private static Command List()
    {
        var list = new Command("list", "Cameras with status (starting, streaming, reconnecting, error + reason, disabled, idle), measured fps and frames dropped") { GlobalOptions.Json };
        list.SetGuardedAction(async (parse, ct) =>
        {
            using var core = CliCore.Open(parse);
            var cameras = await core.Get<CameraDesk>().ListAsync(ct);
            if (parse.GetValue(GlobalOptions.Json))
            {
                Console.WriteLine(JsonSerializer.Serialize(new { cameras }, s_json));
                return 0;
            }
            foreach (var c in cameras)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{c.Name}\t{c.State}{(c.Reason is null ? "" : " (" + c.Reason + ")")}\t{c.MeasuredFps:0.0} fps\t{c.FramesDropped} dropped of {c.FramesReceived}\t{c.Url}"));
            }
            return 0;
        });
        return list;
    }

    private static Command Remove()
    {
        var name = new Argument<string>("NAME");
        var remove = new Command("remove", "Remove a camera (audited)") { name };
        remove.SetGuardedAction(async (parse, ct) =>
        {
            using (var core = CliCore.Open(parse))
                await core.Get<CameraDesk>().RemoveAsync(CollectionHost.LocalEntry(CollectionHost.CommandPath(parse)), parse.GetValue(name)!, ct);
            Console.WriteLine($"removed {parse.GetValue(name)}");
            return 0;
        });
        return remove;
    }
}

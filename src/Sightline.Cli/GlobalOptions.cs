using System.CommandLine;
using Sightline.Faces;
using Sightline.Hosting;
using Sightline.Models;

namespace Sightline.Cli;

/// <summary>Options every command accepts, and the engine they configure.</summary>
internal static class GlobalOptions
{
    public static readonly Option<string> Models = new("--models")
    {
        Description = $"Model pack directory (default ${ModelPaths.EnvironmentVariable} or ~/.local/share/sightline/models)",
        Recursive = true,
    };

    public static readonly Option<string> Detector = new("--detector")
    {
        Description = "Detector model id from the model pack: faces default ultraface-rfb320 (also blazeface-back256); labels default centernet-coco (also nanodet-coco)",
        Recursive = true,
    };

    public static readonly Option<string> Data = new("--data")
    {
        Description = "Data directory for collections (default $SIGHTLINE_DATA or ~/.local/share/sightline/data)",
        Recursive = true,
    };

    public static readonly Option<string> Database = new("--database")
    {
        Description = "Database holding collections, keys and the audit chain (default $SIGHTLINE_DATABASE, else SQLite at <data>/sightline.db); a SQLite path or sqlite:PATH, or PostgreSQL as postgresql://USER:PASSWORD@HOST:PORT/DB or Host=...;Database=...",
        Recursive = true,
    };

    public static readonly Option<string[]> AllowOutbound = new("--allow-outbound")
    {
        Description = "A loopback or private-network HOST[:PORT] the server's own requests (alert webhooks, the S3 endpoint) may reach (repeatable; also $SIGHTLINE_ALLOW_OUTBOUND, comma-separated); link-local and cloud-metadata addresses never",
        Recursive = true,
    };

    public static readonly Option<string> Secrets = new("--secrets")
    {
        Description = "Directory of the master, audit and alert keys (default $SIGHTLINE_SECRETS, else <data>/secrets); a shared database needs it provisioned with 'sightline secrets init'",
        Recursive = true,
    };

    public static readonly Option<string> AlertChannels = new("--alert-channels")
    {
        Description = "JSON file with the SMTP server (Smtp) and SMS gateways (SmsGateways) alert rules may send through (default $SIGHTLINE_ALERT_CHANNELS; none)",
        Recursive = true,
    };

    /// <summary>The core's options from the global options: data, database, model pack and (for faces) the detector.</summary>
    public static SightlineOptions Core(ParseResult parse)
    {
        string? database = parse.GetValue(Database) is { Length: > 0 } d ? d : Environment.GetEnvironmentVariable("SIGHTLINE_DATABASE") is { Length: > 0 } e ? e : null;
        string[] allowed = parse.GetValue(AllowOutbound) is { Length: > 0 } given ? given
            : (Environment.GetEnvironmentVariable("SIGHTLINE_ALLOW_OUTBOUND") ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        string? channelsFile = parse.GetValue(AlertChannels) is { Length: > 0 } c ? c : Environment.GetEnvironmentVariable("SIGHTLINE_ALERT_CHANNELS") is { Length: > 0 } ce ? ce : null;
        var channels = channelsFile is null ? null : Sightline.Alerts.AlertChannelsFile.Load(Path.GetFullPath(channelsFile));
        return new SightlineOptions
        {
            Smtp = channels?.Smtp,
            SmsGateways = channels?.SmsGateways ?? new Dictionary<string, Sightline.Alerts.SmsGateway>(),
            DataDirectory = DataDirectory(parse),
            Database = database,
            SecretsDirectory = SecretsDirectory(parse),
            Faces = EngineOptions(parse),
            AllowOutbound = allowed,
        }.WithModels(ModelsDirectory(parse));
    }

    /// <summary>--secrets, else $SIGHTLINE_SECRETS, else null (the core's default under the data directory).</summary>
    public static string? SecretsDirectory(ParseResult parse)
    {
        string? dir = parse.GetValue(Secrets) is { Length: > 0 } s ? s : Environment.GetEnvironmentVariable("SIGHTLINE_SECRETS");
        return string.IsNullOrWhiteSpace(dir) ? null : Path.GetFullPath(dir);
    }

    public static string DataDirectory(ParseResult parse)
    {
        if (parse.GetValue(Data) is { Length: > 0 } dir)
            return Path.GetFullPath(dir);
        var fromEnv = Environment.GetEnvironmentVariable("SIGHTLINE_DATA");
        if (!string.IsNullOrWhiteSpace(fromEnv))
            return Path.GetFullPath(fromEnv);
        return Path.Combine(Path.GetDirectoryName(ModelPaths.DefaultModelsDirectory)!, "data");
    }

    public static readonly Option<string> Case = new("--case") { Description = "Case number the search is made under (recorded in the audit chain)" };

    public static readonly Option<string> Purpose = new("--purpose") { Description = "Purpose of the search, from 'sightline audit purposes'" };

    public static readonly Option<bool> Json = new("--json") { Description = "Print the response as JSON (Rekognition's shape where it has one)" };

    public static string ModelsDirectory(ParseResult parse) => parse.GetValue(Models) is { Length: > 0 } dir ? Path.GetFullPath(dir) : ModelPaths.DefaultModelsDirectory;

    public static FaceEngineOptions EngineOptions(ParseResult parse)
    {
        var options = new FaceEngineOptions { ModelsDirectory = ModelsDirectory(parse) };
        return parse.GetValue(Detector) is { Length: > 0 } detector ? options with { Detector = detector } : options;
    }
}

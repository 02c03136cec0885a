using System.CommandLine;
using System.Text.Json;
using Sightline.Storage;
using Spectre.Console;

namespace Sightline.Cli.Commands;

/// <summary><c>sightline audit list|verify|purposes</c>: the tamper-evident record of every change and every search.</summary>
internal static class AuditCommands
{
    // Records written by older versions may hold a non-finite threshold; JSON has no such number, so it is written as a string.
    private static readonly JsonSerializerOptions s_json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public static Command Build()
    {
        var command = new Command("audit", "The audit chain under --data: every state-changing call and every search, hash-chained and sealed");
        command.Subcommands.Add(List());
        command.Subcommands.Add(Verify());
        var purposes = new Command("purposes", "Purposes a search may name, one per line (policy setting 'purposes')");
        purposes.SetGuardedAction(async (parse, ct) =>
        {
            using var core = CliCore.Open(parse);
            foreach (var p in (await core.Get<IPolicyStore>().GetPolicyAsync(ct)).Purposes) Console.WriteLine(p);
            return 0;
        });
        command.Subcommands.Add(purposes);
        return command;
    }

    private static Command List()
    {
        var after = new Option<long>("--after") { Description = "Show records after this sequence number", DefaultValueFactory = _ => 0 };
        var limit = new Option<int>("--limit") { Description = "At most this many records (1–100000)", DefaultValueFactory = _ => 1000 };
        var command = new Command("list", "Audit records in order") { after, limit, GlobalOptions.Json };
        command.SetGuardedAction(async (parse, ct) =>
        {
            int n = parse.GetValue(limit);
            if (n is < 1 or > 100_000) throw SightlineException.InvalidParameter($"--limit must be between 1 and 100000, got {n}.");
            long from = parse.GetValue(after);
            if (from < 0) throw SightlineException.InvalidParameter($"--after must be 0 or more, got {from}.");
            using var core = CliCore.Open(parse);
            var records = await core.Get<IAuditStore>().ReadAuditAsync(from, n, ct);
            if (parse.GetValue(GlobalOptions.Json))
            {
                Console.WriteLine(JsonSerializer.Serialize(records.Select(r => new
                {
                    r.Seq, At = r.At.ToString("O"), r.Entry.Actor, r.Entry.Role, r.Entry.Operation, r.Entry.Outcome, r.Entry.CollectionId, r.Entry.Case, r.Entry.Purpose,
                    r.Entry.Threshold, r.Entry.Probe, Details = DetailsJson(r.Entry.Details), r.PrevHash, r.Hash,
                }), s_json));
                return 0;
            }
            var table = new Table().AddColumns("seq", "at (UTC)", "actor", "role", "operation", "outcome", "collection", "case", "purpose", "threshold", "details");
            foreach (var r in records)
            {
                var e = r.Entry;
                table.AddRow(r.Seq.ToString(System.Globalization.CultureInfo.InvariantCulture), r.At.ToString("u"), e.Actor, e.Role, e.Operation, Markup.Escape(e.Outcome),
                    Markup.Escape(e.CollectionId ?? ""), Markup.Escape(e.Case ?? ""), Markup.Escape(e.Purpose ?? ""), AuditChain.ThresholdText(e.Threshold) ?? "",
                    Markup.Escape(e.Details is { Length: > 60 } d ? d[..60] + "…" : e.Details ?? ""));
            }
            AnsiConsole.Write(table);
            return 0;
        });
        return command;
    }

    /// <summary>The details as JSON when they are (every version wrote JSON), else as the text they are, never a failed export.</summary>
    private static JsonElement? DetailsJson(string? details)
    {
        if (details is null)
            return null;
        try
        {
            using var doc = JsonDocument.Parse(details);
            return doc.RootElement.Clone();
        }
        catch (JsonException)
        {
            return JsonSerializer.SerializeToElement(details);
        }
    }

    private static Command Verify()
    {
        var command = new Command("verify", "Recompute the hash chain and check the seals; exit 0 when intact, 4 naming the first bad record");
        command.SetGuardedAction(async (parse, ct) =>
        {
            using var core = CliCore.Open(parse);
            var result = await core.Get<IAuditStore>().VerifyAuditAsync(ct);
            if (result.Intact)
            {
                Console.WriteLine($"audit chain intact: {result.Records} record(s)");
                return 0;
            }
            Console.Error.WriteLine($"sightline: audit chain broken at record {result.FirstBadSeq}: {result.Problem}");
            return 4;
        });
        return command;
    }
}

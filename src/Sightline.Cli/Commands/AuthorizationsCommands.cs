using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Sightline.Live.Faces;

namespace Sightline.Cli.Commands;

/// <summary>
/// <c>sightline authorizations add|list|revoke</c>: the recorded orders under which cameras may search faces live.
/// Without an active one no camera searches faces; every change is audited.
/// </summary>
internal static class AuthorizationsCommands
{
    private static readonly JsonSerializerOptions s_json = new() { PropertyNamingPolicy = JsonNamingPolicy.CamelCase, WriteIndented = true };

    public static Command Build()
    {
        var command = new Command("authorizations", "Authorizations for live face search (order or warrant, cameras, watchlist collection, case, start and expiry)");
        command.Subcommands.Add(Add());
        command.Subcommands.Add(List());
        command.Subcommands.Add(Revoke());
        return command;
    }

    private static Command Add()
    {
        var order = new Option<string>("--order") { Description = "The order or warrant number", Required = true };
        var authority = new Option<string>("--authority") { Description = "Who issued it (court, judge, official)", Required = true };
        var cameras = new Option<string>("--cameras") { Description = "Cameras it covers, comma-separated (each must watch 'person')", Required = true };
        var collection = new Option<string>("--collection") { Description = "The watchlist collection searched", Required = true };
        var caseId = new Option<string>("--case") { Description = "The case its leads are filed under", Required = true };
        var purpose = new Option<string>("--purpose") { Description = "The purpose (one the policy knows)", Required = true };
        var threshold = new Option<float?>("--threshold") { Description = "Face match threshold (0–100; never below the policy's floor; default the floor)" };
        var starts = new Option<string>("--starts") { Description = "Start, ISO 8601 (default now)" };
        var expires = new Option<string>("--expires") { Description = "Expiry, ISO 8601 (at most 366 days after the start)", Required = true };
        var add = new Command("add", "Record an authorization (audited)") { order, authority, cameras, collection, caseId, purpose, threshold, starts, expires, GlobalOptions.Json };
        add.SetGuardedAction(async (parse, ct) =>
        {
            using var core = CliCore.Open(parse);
            var entry = CollectionHost.LocalEntry(CollectionHost.CommandPath(parse));
            var request = new AuthorizationRequest(parse.GetValue(order), parse.GetValue(authority),
                [.. parse.GetValue(cameras)!.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)], parse.GetValue(collection), parse.GetValue(caseId),
                parse.GetValue(purpose), parse.GetValue(threshold), parse.GetValue(starts), parse.GetValue(expires));
            var view = await core.Get<AuthorizationDesk>().AddAsync(entry, request, entry.Actor, ct);
            Print(parse, view);
            return 0;
        });
        return add;
    }

    private static Command List()
    {
        var list = new Command("list", "Authorizations, newest first, with their state (pending, active, expired, revoked)") { GlobalOptions.Json };
        list.SetGuardedAction(async (parse, ct) =>
        {
            using var core = CliCore.Open(parse);
            var authorizations = await core.Get<AuthorizationDesk>().ListAsync(ct);
            if (parse.GetValue(GlobalOptions.Json))
            {
                Console.WriteLine(JsonSerializer.Serialize(new { authorizations }, s_json));
                return 0;
            }
            foreach (var a in authorizations)
                Console.WriteLine(Line(a));
            return 0;
        });
        return list;
    }

    private static Command Revoke()
    {
        var id = new Argument<string>("ID");
        var reason = new Option<string>("--reason") { Description = "Why it ends early", Required = true };
        var revoke = new Command("revoke", "End an authorization now (audited); cameras stop searching within seconds") { id, reason, GlobalOptions.Json };
        revoke.SetGuardedAction(async (parse, ct) =>
        {
            using var core = CliCore.Open(parse);
            var entry = CollectionHost.LocalEntry(CollectionHost.CommandPath(parse));
            Print(parse, await core.Get<AuthorizationDesk>().RevokeAsync(entry, parse.GetValue(id)!, parse.GetValue(reason), entry.Actor, ct));
            return 0;
        });
        return revoke;
    }

    private static void Print(ParseResult parse, AuthorizationView view) =>
        Console.WriteLine(parse.GetValue(GlobalOptions.Json) ? JsonSerializer.Serialize(view, s_json) : Line(view));

    private static string Line(AuthorizationView a) => string.Create(CultureInfo.InvariantCulture,
        $"{a.Id}\t{a.State}\torder {a.OrderNumber} ({a.Authority})\tcameras {string.Join(',', a.Cameras)}\tcollection {a.CollectionId}\tcase {a.Case}\t{a.StartsAt:O} to {a.ExpiresAt:O}");
}

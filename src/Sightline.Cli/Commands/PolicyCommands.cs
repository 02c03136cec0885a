using System.CommandLine;
using Sightline.Storage;

namespace Sightline.Cli.Commands;

/// <summary><c>sightline policy show|set</c>: the rules identification searches run under; every change is audited.</summary>
internal static class PolicyCommands
{
    public static Command Build()
    {
        var command = new Command("policy", "Search policy under --data: requireCase, identificationThresholdFloor, purposes");
        var show = new Command("show", "Print the policy") { GlobalOptions.Json };
        show.SetGuardedAction(async (parse, ct) =>
        {
            using var core = CliCore.Open(parse);
            var policy = await core.Get<IPolicyStore>().GetPolicyAsync(ct);
            if (parse.GetValue(GlobalOptions.Json))
                Console.WriteLine(policy.ToJson());
            else
                foreach (var key in Policy.Keys) Console.WriteLine($"{key} {policy.ValueOf(key)}");
            return 0;
        });
        var key = new Argument<string>("KEY") { Description = string.Join(" | ", Policy.Keys) };
        var value = new Argument<string>("VALUE") { Description = "true|false for requireCase; 0–100 for identificationThresholdFloor; comma-separated names for purposes" };
        var set = new Command("set", "Change one setting (recorded in the audit chain as the local user)") { key, value };
        set.SetGuardedAction(async (parse, ct) =>
        {
            using var core = CliCore.Open(parse);
            var store = core.Get<IPolicyStore>();
            await Access.PolicySettings.SetAsync(store, CollectionHost.LocalEntry(CollectionHost.CommandPath(parse)), parse.GetValue(key)!, parse.GetValue(value)!, ct);
            var policy = await store.GetPolicyAsync(ct);
            Console.WriteLine($"{parse.GetValue(key)} {policy.ValueOf(parse.GetValue(key)!)}");
            return 0;
        });
        command.Subcommands.Add(show);
        command.Subcommands.Add(set);
        return command;
    }
}

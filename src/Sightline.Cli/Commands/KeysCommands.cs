using System.CommandLine;
using System.Text.Json;
using Sightline.Access;
using Sightline.Storage;
using Spectre.Console;

namespace Sightline.Cli.Commands;

/// <summary><c>sightline keys create|list|revoke</c>: the access keys the server accepts (SigV4 for the AWS API, bearer for the native API).</summary>
internal static class KeysCommands
{
    private static readonly JsonSerializerOptions s_json = new() { PropertyNamingPolicy = JsonNamingPolicy.CamelCase, WriteIndented = true };

    public static Command Build()
    {
        var command = new Command("keys", "Access keys for the server (stored under --data: salt and hash in the database, master key in secrets/)");
        command.Subcommands.Add(Create());
        command.Subcommands.Add(List());
        command.Subcommands.Add(Revoke());
        return command;
    }


    private static Command Create()
    {
        var role = new Option<string>("--role") { Description = $"One of: {string.Join(", ", Roles.All)}", Required = true };
        role.AcceptOnlyFromAmong([.. Roles.All]);
        var defaultCase = new Option<string>("--default-case") { Description = "Case number searches made with this key carry when they name none" };
        var defaultPurpose = new Option<string>("--default-purpose") { Description = "Purpose searches made with this key carry when they name none" };
        var description = new Option<string>("--description") { Description = "Who or what the key is for" };
        var command = new Command("create", "Issue a key; the secret is shown once") { role, defaultCase, defaultPurpose, description, GlobalOptions.Json };
        command.SetGuardedAction(async (parse, ct) =>
        {
            IssuedKey key;
            using (var core = CliCore.Open(parse))
                key = await core.Get<AccessKeys>().CreateAsync(CollectionHost.LocalEntry(CollectionHost.CommandPath(parse)), parse.GetValue(role)!, parse.GetValue(defaultCase), parse.GetValue(defaultPurpose), parse.GetValue(description), ct);
            if (parse.GetValue(GlobalOptions.Json))
            {
                Console.WriteLine(JsonSerializer.Serialize(new { key.AccessKeyId, key.SecretAccessKey, key.Role, key.DefaultCase, key.DefaultPurpose }, s_json));
                return 0;
            }
            Console.WriteLine($"accessKeyId     {key.AccessKeyId}");
            Console.WriteLine($"secretAccessKey {key.SecretAccessKey}");
            Console.WriteLine($"role            {key.Role}");
            Console.Error.WriteLine("The secret is not stored and cannot be shown again.");
            return 0;
        });
        return command;
    }

    private static Command List()
    {
        var command = new Command("list", "Keys with role, creation and revocation (never secrets)") { GlobalOptions.Json };
        command.SetGuardedAction(async (parse, ct) =>
        {
            using var core = CliCore.Open(parse);
            var keys = await core.Get<AccessKeys>().ListAsync(ct);
            if (parse.GetValue(GlobalOptions.Json))
            {
                Console.WriteLine(JsonSerializer.Serialize(keys.Select(AccessKeyView.From), s_json));
                return 0;
            }
            var table = new Table().AddColumns("access key", "role", "created", "revoked", "default case", "default purpose", "description");
            foreach (var k in keys)
                table.AddRow(k.AccessKeyId, k.Role, k.CreatedAt.ToString("u"), k.RevokedAt?.ToString("u") ?? "", Markup.Escape(k.DefaultCase ?? ""), Markup.Escape(k.DefaultPurpose ?? ""), Markup.Escape(k.Description ?? ""));
            AnsiConsole.Write(table);
            return 0;
        });
        return command;
    }

    private static Command Revoke()
    {
        var id = new Argument<string>("ACCESS_KEY_ID");
        var command = new Command("revoke", "Revoke a key: requests signed with it are refused from now on") { id };
        command.SetGuardedAction(async (parse, ct) =>
        {
            string keyId = parse.GetValue(id)!;
            bool revoked;
            using (var core = CliCore.Open(parse))
                revoked = await core.Get<AccessKeys>().RevokeAsync(CollectionHost.LocalEntry(CollectionHost.CommandPath(parse)), keyId, ct);
            if (!revoked)
                throw new SightlineException(ErrorKind.ResourceNotFound, $"No live access key {keyId}.");
            Console.WriteLine($"revoked {keyId}");
            return 0;
        });
        return command;
    }
}

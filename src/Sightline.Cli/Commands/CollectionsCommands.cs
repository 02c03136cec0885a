using System.CommandLine;
using Sightline.Rekognition;
using Spectre.Console;

namespace Sightline.Cli.Commands;

internal static class CollectionsCommands
{
    public static Command Build()
    {
        var command = new Command("collections", "Face collections (stored under --data)");
        command.Subcommands.Add(Make("create", "CreateCollection", async (host, id, ct) => Output(RekognitionJson.Serialize(await host.Service.CreateCollectionAsync(host.Audit, id, ct)), $"created collection {id}")));
        command.Subcommands.Add(Make("describe", "DescribeCollection", async (host, id, ct) =>
        {
            var d = await host.Service.DescribeCollectionAsync(id, ct);
            return Output(RekognitionJson.Serialize(d), $"{id}: {d.FaceCount} face(s), {d.UserCount} user(s), model {d.FaceModelVersion}, created {DateTimeOffset.FromUnixTimeMilliseconds((long)(d.CreationTimestamp * 1000)):u}");
        }));
        command.Subcommands.Add(Make("delete", "DeleteCollection", async (host, id, ct) => Output(RekognitionJson.Serialize(await host.Service.DeleteCollectionAsync(host.Audit, id, ct)), $"deleted collection {id}")));
        var list = new Command("list", "ListCollections") { GlobalOptions.Json };
        list.SetGuardedAction(async (parse, ct) =>
        {
            using var host = new CollectionHost(parse);
            var all = new List<string>();
            ListCollectionsResponse page;
            string? token = null;
            do
            {
                page = await host.Service.ListCollectionsAsync(token, 4096, ct);
                all.AddRange(page.CollectionIds);
                token = page.NextToken;
            }
            while (token is not null);
            if (parse.GetValue(GlobalOptions.Json))
                Console.WriteLine(RekognitionJson.Serialize(new ListCollectionsResponse(all, [.. all.Select(_ => host.Service.FaceModelVersion)])));
            else
                foreach (var id in all) Console.WriteLine(id);
            return 0;
        });
        command.Subcommands.Add(list);
        return command;
    }

    private static (string Json, string Text) Output(string json, string text) => (json, text);

    private static Command Make(string name, string operation, Func<CollectionHost, string, CancellationToken, Task<(string Json, string Text)>> run)
    {
        var id = new Argument<string>("ID") { Description = "Collection id" };
        var command = new Command(name, operation) { id, GlobalOptions.Json };
        command.SetGuardedAction(async (parse, ct) =>
        {
            using var host = new CollectionHost(parse);
            var (json, text) = await run(host, parse.GetValue(id)!, ct);
            Console.WriteLine(parse.GetValue(GlobalOptions.Json) ? json : Markup.Remove(text));
            return 0;
        });
        return command;
    }
}

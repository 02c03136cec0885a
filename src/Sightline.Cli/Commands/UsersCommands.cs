using System.CommandLine;
using Sightline.Imaging;
using Sightline.Rekognition;
using Sightline.Identification;

namespace Sightline.Cli.Commands;

/// <summary><c>sightline users ...</c>: Rekognition's user operations; output is the response JSON.</summary>
internal static class UsersCommands
{
    public static Command Build()
    {
        var command = new Command("users", "Users: one person's faces grouped in a collection (output is Rekognition's response JSON)");
        command.Subcommands.Add(Simple("create", "CreateUser", async (h, c, u, ct) => RekognitionJson.Serialize(await h.Service.CreateUserAsync(h.Audit, c, u, null, ct))));
        command.Subcommands.Add(Simple("delete", "DeleteUser", async (h, c, u, ct) => RekognitionJson.Serialize(await h.Service.DeleteUserAsync(h.Audit, c, u, ct))));
        command.Subcommands.Add(WithFaces("associate", "AssociateFaces", async (h, c, u, f, t, ct) => RekognitionJson.Serialize(await h.Service.AssociateFacesAsync(h.Audit, c, u, f, t, ct))));
        command.Subcommands.Add(WithFaces("disassociate", "DisassociateFaces", async (h, c, u, f, _, ct) => RekognitionJson.Serialize(await h.Service.DisassociateFacesAsync(h.Audit, c, u, f, ct))));

        var listCollection = new Argument<string>("COLLECTION");
        var list = new Command("list", "ListUsers") { listCollection };
        list.SetGuardedAction(async (parse, ct) =>
        {
            using var host = new CollectionHost(parse);
            var users = new List<User>();
            string? token = null;
            do
            {
                var page = await host.Service.ListUsersAsync(parse.GetValue(listCollection)!, token, 500, ct);
                users.AddRange(page.Users);
                token = page.NextToken;
            }
            while (token is not null);
            Console.WriteLine(RekognitionJson.Serialize(new ListUsersResponse(users)));
            return 0;
        });
        command.Subcommands.Add(list);

        var searchCollection = new Argument<string>("COLLECTION");
        var userId = new Option<string>("--user-id") { Description = "Search with this user's faces" };
        var faceId = new Option<string>("--face-id") { Description = "Search with this indexed face" };
        var image = new Option<string>("--image") { Description = "Search with the largest face of this image (SearchUsersByImage; not stored)" };
        var threshold = new Option<float?>("--threshold") { Description = "UserMatchThreshold (default and minimum: the policy's identification floor, 99)" };
        var maxUsers = new Option<int?>("--max-users") { Description = "MaxUsers (1-500, default 10)" };
        var search = new Command("search", "SearchUsers / SearchUsersByImage: leads for human review") { searchCollection, userId, faceId, image, threshold, maxUsers, GlobalOptions.Case, GlobalOptions.Purpose };
        search.SetGuardedAction(async (parse, ct) =>
        {
            using var host = new CollectionHost(parse);
            string collection = parse.GetValue(searchCollection)!;
            string? caseId = parse.GetValue(GlobalOptions.Case), purpose = parse.GetValue(GlobalOptions.Purpose);
            if (parse.GetValue(image) is { Length: > 0 } path)
            {
                using var probe = new ImageDecoder().DecodeFile(path);
                Console.WriteLine(RekognitionJson.Serialize(await host.IdentifyAsync(collection, caseId, purpose, parse.GetValue(threshold), Probe.Of(await File.ReadAllBytesAsync(path, ct)),
                    t => host.Service.SearchUsersByImageAsync(collection, probe, t, parse.GetValue(maxUsers), ct), ct)));
            }
            else
            {
                Console.WriteLine(RekognitionJson.Serialize(await host.IdentifyAsync(collection, caseId, purpose, parse.GetValue(threshold), null,
                    t => host.Service.SearchUsersAsync(collection, parse.GetValue(userId), parse.GetValue(faceId), t, parse.GetValue(maxUsers), ct), ct)));
            }
            return 0;
        });
        command.Subcommands.Add(search);
        return command;
    }

    private static Command Simple(string name, string description, Func<CollectionHost, string, string, CancellationToken, Task<string>> run)
    {
        var collection = new Argument<string>("COLLECTION");
        var user = new Argument<string>("USER_ID");
        var command = new Command(name, description) { collection, user };
        command.SetGuardedAction(async (parse, ct) =>
        {
            using var host = new CollectionHost(parse);
            Console.WriteLine(await run(host, parse.GetValue(collection)!, parse.GetValue(user)!, ct));
            return 0;
        });
        return command;
    }

    private static Command WithFaces(string name, string description, Func<CollectionHost, string, string, string[], float?, CancellationToken, Task<string>> run)
    {
        var collection = new Argument<string>("COLLECTION");
        var user = new Argument<string>("USER_ID");
        var faces = new Argument<string[]>("FACE_ID") { Arity = ArgumentArity.OneOrMore };
        var threshold = new Option<float?>("--threshold") { Description = "UserMatchThreshold (AssociateFaces, default 75)" };
        var command = new Command(name, description) { collection, user, faces, threshold };
        command.SetGuardedAction(async (parse, ct) =>
        {
            using var host = new CollectionHost(parse);
            Console.WriteLine(await run(host, parse.GetValue(collection)!, parse.GetValue(user)!, parse.GetValue(faces)!, parse.GetValue(threshold), ct));
            return 0;
        });
        return command;
    }
}

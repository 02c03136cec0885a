using System.CommandLine;
using Microsoft.Extensions.Hosting;
using Sightline.Server;

namespace Sightline.Cli.Commands;

internal static class ServeCommand
{
    public static Command Build()
    {
        var urls = new Option<string>("--urls") { Description = "Listen address", DefaultValueFactory = _ => "http://127.0.0.1:8080" };
        var command = new Command("serve", "Run the HTTP server (Rekognition JSON 1.1: faces, collections and users; /healthz, /readyz). Listens on loopback by default: request signing arrives with access keys.") { urls };
        command.SetGuardedAction(async (parse, ct) =>
        {
            var app = SightlineServer.Build(parse.GetValue(urls)!, GlobalOptions.EngineOptions(parse), GlobalOptions.DataDirectory(parse));
            await using (app.ConfigureAwait(false))
            {
                await app.StartAsync(ct).ConfigureAwait(false);
                await app.WaitForShutdownAsync(ct).ConfigureAwait(false);
            }
            return 0;
        });
        return command;
    }
}

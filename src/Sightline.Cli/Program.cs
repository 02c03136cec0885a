using System.CommandLine;
using Sightline.Cli;
using Sightline.Cli.Commands;

var root = new RootCommand("Sightline: self-hosted image and video analysis with accountability built in.");
root.Options.Add(GlobalOptions.Models);
root.Options.Add(GlobalOptions.Detector);
root.Options.Add(GlobalOptions.Data);
root.Subcommands.Add(ModelsCommands.Build());
root.Subcommands.Add(FacesCommands.Build());
root.Subcommands.Add(CollectionsCommands.Build());
root.Subcommands.Add(UsersCommands.Build());
root.Subcommands.Add(EvalCommands.Build());
root.Subcommands.Add(BenchCommands.Build());
root.Subcommands.Add(ServeCommand.Build());
root.Subcommands.Add(KeysCommands.Build());
root.Subcommands.Add(AuditCommands.Build());
root.Subcommands.Add(PolicyCommands.Build());
return await root.Parse(args).InvokeAsync();

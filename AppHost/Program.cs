using System.CommandLine;
using AppHost.Bench;
using AppHost.Commands;

using var shutdown = new ShutdownSignal();

var root = new RootCommand("Runs the change-request pipeline on this machine: Postgres, Kafka and the four services.");
root.SetAction((_, _) => RunCommand.RunAsync(shutdown.Token));
root.Subcommands.Add(PlanCommand.Create(shutdown.Token));
root.Subcommands.Add(BenchOrchestratorCommand.Create(shutdown.Token));

return await root.Parse(args).InvokeAsync();

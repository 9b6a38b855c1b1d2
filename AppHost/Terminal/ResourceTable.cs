using AppHost.Hosting;
using Spectre.Console;

namespace AppHost.Terminal;

/// <summary>The table of resources, their state and URLs, shown once the system is up.</summary>
public static class ResourceTable
{
    public static void Print(LocalDistributedApplication system)
    {
        var table = new Table().Title("[bold]change-request pipeline[/]")
            .AddColumn("resource").AddColumn("state").AddColumn("endpoints");
        table.AddRow("postgres", "Running", Markup.Escape(system.PostgresDescription ?? ""));
        table.AddRow("kafka", "Running", Markup.Escape(system.UsesDevKafka
            ? $"{system.KafkaBootstrapServers} (dev broker, in-memory: messages are lost when AppHost stops)"
            : system.KafkaBootstrapServers));
        foreach (var service in system.Services)
        {
            var endpoints = service.Project.ServesGrpc
                ? $"gRPC {service.HttpUrl}  health {service.HealthUrl}health"
                : $"{service.HttpUrl}  health {service.HttpUrl}health";
            if (service.Project == PipelineResources.Orchestrator) endpoints = $"web page {service.HttpUrl}  API {service.HttpUrl}api/change-requests";
            table.AddRow(service.Project.Name, service.State.ToString(), Markup.Escape(endpoints));
        }
        AnsiConsole.Write(table);
    }
}

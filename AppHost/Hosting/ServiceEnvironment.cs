using Microsoft.Extensions.Configuration;

namespace AppHost.Hosting;

/// <summary>The environment Aspire would give each project resource: endpoints, connection strings, discovery, telemetry.</summary>
internal static class ServiceEnvironment
{
    public static Dictionary<string, string> For(
        ServiceProject project, Uri httpUrl, Uri healthUrl, LocalDistributedApplication system, LocalSystemOptions options)
    {
        var env = new Dictionary<string, string>
        {
            ["DOTNET_ENVIRONMENT"] = "Development",
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["OTEL_SERVICE_NAME"] = project.Name,
            ["Logging__Console__FormatterName"] = "simple",
            ["Logging__Console__FormatterOptions__SingleLine"] = "true",
            ["Logging__LogLevel__Microsoft.AspNetCore"] = "Warning",
            ["Logging__LogLevel__Npgsql"] = "Warning",
            ["Kestrel__Endpoints__http__Url"] = httpUrl.ToString(),
            ["Kestrel__Endpoints__http__Protocols"] = project.ServesGrpc ? "Http2" : "Http1",
        };
        if (project.ServesGrpc)
        {
            env["Kestrel__Endpoints__health__Url"] = healthUrl.ToString();
            env["Kestrel__Endpoints__health__Protocols"] = "Http1";
        }

        // Service discovery for every service started before this one (references come first).
        foreach (var started in system.Services)
            env[$"services__{started.Project.Name}__http__0"] = started.HttpUrl.ToString();

        switch (project.Name)
        {
            case "srm":
                env["ConnectionStrings__srmdb"] = system.DatabaseConnectionString(PipelineResources.SrmDatabase);
                break;
            case "ragservice":
                env["ConnectionStrings__ragdb"] = system.DatabaseConnectionString(PipelineResources.RagDatabase);
                if (options.Configuration.GetConnectionString(PipelineResources.Qdrant) is { Length: > 0 } qdrant)
                    env["ConnectionStrings__qdrant"] = qdrant;
                for (var i = 0; i < options.WorkspaceRoots.Count; i++)
                    env[$"Rag__WorkspaceRoots__{i}"] = options.WorkspaceRoots[i];
                break;
            case "requestplanner":
                env["ConnectionStrings__kafka"] = system.KafkaBootstrapServers;
                break;
            case "orchestrator":
                env["ConnectionStrings__kafka"] = system.KafkaBootstrapServers;
                env["ConnectionStrings__orchestratordb"] = system.DatabaseConnectionString(PipelineResources.OrchestratorDatabase);
                break;
        }

        // LLM settings: the planner's chat model, and RagService's embeddings when a model is named.
        if (project.Name is "requestplanner" or "ragservice")
        {
            foreach (var setting in options.Configuration.GetSection("OpenAI").AsEnumerable(makePathsRelative: true))
                if (setting.Value is not null) env[$"OpenAI__{setting.Key.Replace(":", "__")}"] = setting.Value;
        }

        if (options.ExtraEnvironment.TryGetValue(project.Name, out var extra))
            foreach (var (key, value) in extra) env[key] = value;
        return env;
    }
}

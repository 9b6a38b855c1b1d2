using AppHost;
using AppHost.Bench;
using AppHost.Commands;
using AppHost.Resources;
using AppHost.Resources.Kafka;
using AppHost.Resources.Postgres;
using AppHost.Resources.Qdrant;
using Microsoft.Extensions.DependencyInjection;

if (args is ["bench-orchestrator", .. var benchArgs]) return await BenchOrchestratorCommand.RunAsync(benchArgs);

// `plan --repo DIR "..."` runs this same graph without the dashboard, plans one request and stops.
var plan = PlanCommand.Parse(args);
if (plan?.ExitCode is { } exitCode) return exitCode;
var builder = DistributedApplication.CreateBuilder(plan?.Options ?? LocalDashboard.Options(args));
LocalDashboard.AddDefaults(builder);
plan?.ConfigureLogging(builder);
var settings = AppHostSettings.Read(builder);
builder.Services.AddSingleton(settings);
var infrastructure = InfrastructureModes.Choose(builder);

// Infrastructure: local processes without a container runtime, containers otherwise; ConnectionStrings__* win.
var postgres = PipelinePostgres.Add(builder, "postgres", infrastructure, settings.DataDirectory);
var srmdb = postgres.AddDatabase("srmdb");
var ragdb = postgres.AddDatabase("ragdb");
var orchestratordb = postgres.AddDatabase("orchestratordb");
var kafka = builder.AddPipelineKafka("kafka", infrastructure);

// The LLM: any OpenAI-compatible endpoint; unset, the planner uses its labelled retrieval-based fallback.
var openAiEndpoint = builder.AddParameter("openai-endpoint", builder.Configuration["OpenAI:Endpoint"] ?? "");
var openAiKey = builder.AddParameter("openai-key", builder.Configuration["OpenAI:ApiKey"] ?? "", secret: true);
var openAiModel = builder.AddParameter("openai-model", builder.Configuration["OpenAI:Model"] ?? "gpt-4o-mini");

var srm = builder.AddProject<Projects.Srm>("srm")
    .WithReference(srmdb).WaitFor(srmdb)
    .WithGrpcEndpoints();

var ragservice = builder.AddProject<Projects.RagService>("ragservice")
    .WithReference(ragdb).WaitFor(ragdb)
    .WithWorkspaceRoots(settings.WorkspaceRoots)
    .WithGrpcEndpoints();
if (settings.Qdrant)
{
    var qdrant = builder.AddPipelineQdrant("qdrant");
    ragservice.WithReference(qdrant).WaitFor(qdrant);
}
if (builder.Configuration["OpenAI:EmbeddingModel"] is { Length: > 0 } embeddingModel)
    ragservice.WithEnvironment("OpenAI__Endpoint", openAiEndpoint).WithEnvironment("OpenAI__ApiKey", openAiKey)
        .WithEnvironment("OpenAI__EmbeddingModel", embeddingModel);

builder.AddProject<Projects.RequestPlanner>("requestplanner")
    .WithReference(kafka).WithReference(srm).WithReference(ragservice)
    .WithEnvironment("OpenAI__Endpoint", openAiEndpoint)
    .WithEnvironment("OpenAI__ApiKey", openAiKey)
    .WithEnvironment("OpenAI__Model", openAiModel)
    .WaitFor(kafka).WaitFor(srm).WaitFor(ragservice)
    .WithHealthEndpoint();

var orchestrator = builder.AddProject<Projects.Orchestrator>("orchestrator")
    .WithReference(kafka).WithReference(orchestratordb).WithReference(srm).WithReference(ragservice)
    .WaitFor(kafka).WaitFor(orchestratordb).WaitFor(srm).WaitFor(ragservice)
    .WithExternalHttpEndpoints()
    .WithWebPage(settings.WebPort)
    .WithHealthEndpoint();
// Replicas share the consumer group's partitions and the database; the web page's port is Aspire's proxy to all of them.
if (settings.OrchestratorReplicas > 1) orchestrator.WithReplicas(settings.OrchestratorReplicas);
if (plan is null) orchestrator.AnnounceWhenHealthy();

var app = builder.Build();
if (plan is not null) return await plan.RunAsync(app);
await app.RunAsync();
return 0;

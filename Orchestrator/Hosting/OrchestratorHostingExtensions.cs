using Contracts;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Orchestrator.Api;
using Orchestrator.Leases;
using Orchestrator.Messaging;
using Orchestrator.Metrics;
using Orchestrator.Persistence;
using Orchestrator.Replicas;
using Orchestrator.Repositories;
using Orchestrator.Scheduling;
using Orchestrator.Workflow;
using ServiceDefaults.Grpc;
using ServiceDefaults.Kafka;
using ServiceDefaults.Postgres;

namespace Orchestrator.Hosting;

/// <summary>Everything the Orchestrator registers and maps; Program.cs calls these two methods.</summary>
public static class OrchestratorHostingExtensions
{
    public const string DatabaseConnectionName = "orchestratordb";
    public const string SrmServiceName = "srm";
    public const string RagServiceName = "ragservice";

    public static WebApplicationBuilder AddOrchestrator(this WebApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        var services = builder.Services;
        services.TryAddSingleton(TimeProvider.System);
        services.Configure<WorkflowOptions>(configuration.GetSection(WorkflowOptions.Section));
        services.Configure<OutboxRelayOptions>(configuration.GetSection(OutboxRelayOptions.Section));
        services.Configure<LeaseReleaseOptions>(configuration.GetSection(LeaseReleaseOptions.Section));
        services.Configure<ResubmitOptions>(configuration.GetSection(ResubmitOptions.Section));
        services.Configure<ApiKeyOptions>(configuration.GetSection(ApiKeyOptions.Section));
        services.Configure<ReviewOptions>(configuration.GetSection(ReviewOptions.Section));
        services.Configure<ReplicaOptions>(configuration.GetSection(ReplicaOptions.Section));
        services.Configure<EventStreamOptions>(configuration.GetSection(EventStreamOptions.Section));

        // Every error is problem+json in every environment: no developer exception page, no echoed headers.
        services.AddProblemDetails();
        services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = false);

        builder.AddNpgsqlDataSource(DatabaseConnectionName);
        builder.AddPostgresMigrations(typeof(OrchestratorHostingExtensions).Assembly);

        services.AddSingleton(sp => new RequestWorkflow(sp.GetRequiredService<IOptions<WorkflowOptions>>().Value, sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<OrchestratorSignals>();
        services.AddSingleton<OrchestratorMetrics>();
        services.AddSingleton<RequestStore>();
        services.AddSingleton<RequestQueries>();
        services.AddSingleton<RequestDetails>();

        var kafka = configuration.GetSection(OrchestratorKafkaOptions.Section).Get<OrchestratorKafkaOptions>() ?? new OrchestratorKafkaOptions();
        // The relay hands the producer whole batches at once, so lingering for more would only delay every hop.
        configuration[$"{KafkaProducerSettings.ConfigurationSection}:Config:linger.ms"] ??= "0";
        builder.AddKafkaPublisher(OrchestratorKafkaOptions.ConnectionName);
        if (kafka.ConsumerEnabled) builder.AddKafkaBatchConsumer<OrchestratorMessageHandler, WebApplicationBuilder>(OrchestratorKafkaOptions.ConnectionName, options =>
        {
            options.GroupId = OrchestratorKafkaOptions.GroupId;
            options.ProcessPartitionsInParallel = true;
            options.MaxBatchSize = kafka.MaxBatchSize;
            options.Topics = [.. Topics.All];
            options.MaxRetries = kafka.MaxRetries;
            options.RetryDelay = kafka.RetryDelay;
            options.SessionTimeoutMs = kafka.SessionTimeoutMs;
            options.HeartbeatIntervalMs = kafka.HeartbeatIntervalMs;
            options.ConsumerProperties["fetch.wait.max.ms"] = kafka.FetchWaitMaxMs.ToString(System.Globalization.CultureInfo.InvariantCulture);
        });
        services.AddSingleton<IOutboxPublisher, KafkaOutboxPublisher>();

        // http://srm resolves through service discovery (services__srm__http__0), as Aspire injects it.
        services.AddGrpcServiceClient<Contracts.Srm.Srm.SrmClient>(SrmServiceName, Contracts.Srm.Srm.Descriptor);
        services.TryAddSingleton<ILeaseReleaser, SrmLeaseReleaser>();
        services.TryAddSingleton<IPlanLeases, SrmPlanLeases>();

        // RagService validates and indexes a request's repository at the door, when the Orchestrator references it.
        var ragReferenced = configuration.GetSection($"services:{RagServiceName}").Exists();
        if (ragReferenced) services.AddGrpcServiceClient<Contracts.Rag.Rag.RagClient>(RagServiceName, Contracts.Rag.Rag.Descriptor);
        services.AddSingleton(sp => new RepositoryDoor(ragReferenced ? sp.GetRequiredService<Contracts.Rag.Rag.RagClient>() : null,
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<RepositoryDoor>>()));

        // Replicas: one leader runs the workers below that must not run twice; commits wake every replica.
        services.AddSingleton<ReplicaLeadership>();
        services.AddHostedService(sp => sp.GetRequiredService<ReplicaLeadership>());
        services.AddHostedService<CommitNotifier>();
        services.AddHostedService<CommitListener>();
        services.AddSingleton<OutboxRelay>();
        if (configuration.GetSection(OutboxRelayOptions.Section).Get<OutboxRelayOptions>()?.RelayEnabled ?? true)
            services.AddHostedService(sp => sp.GetRequiredService<OutboxRelay>());
        services.AddHostedService<LeaseReleaseWorker>();
        services.AddHostedService<ResubmitWorker>();
        services.AddHostedService<StageCountsSampler>();
        return builder;
    }

    public static WebApplication MapOrchestrator(this WebApplication app)
    {
        // Inside the developer exception page (which WebApplication adds first in Development), so it never sees an exception.
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseMiddleware<SecurityHeadersMiddleware>();
        app.UseMiddleware<ApiKeyMiddleware>();
        app.MapChangeRequestApi();
        app.MapWebPage();
        return app;
    }
}

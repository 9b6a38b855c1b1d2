using Contracts;
using Contracts.Rag;
using Contracts.Srm;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using RequestPlanner.Clients;
using RequestPlanner.Planning;
using RequestPlanner.Planning.Llm;
using RequestPlanner.Planning.Prompting;
using RequestPlanner.Planning.Reservations;
using RequestPlanner.Planning.Retrieval;
using RequestPlanner.Planning.Validation;
using ServiceDefaults.Grpc;
using ServiceDefaults.Kafka;

namespace RequestPlanner.Worker;

/// <summary>The RequestPlanner's composition: options, planners, gRPC clients, the Kafka consumer loop.</summary>
public static class RequestPlannerHostingExtensions
{
    public const string ConsumerGroup = "request-planner";
    public const string KafkaConnectionName = "kafka";
    public const string SrmServiceName = "srm";
    public const string RagServiceName = "ragservice";

    public static TBuilder AddRequestPlanner<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        var planner = builder.Configuration.GetSection(PlannerOptions.SectionName).Get<PlannerOptions>() ?? new PlannerOptions();
        var openAi = builder.Configuration.GetSection(OpenAiOptions.SectionName).Get<OpenAiOptions>() ?? new OpenAiOptions();
        var problems = planner.Validate().Concat(openAi.IsConfigured ? openAi.Validate() : []).ToList();
        if (problems.Count > 0)
            throw new InvalidOperationException("RequestPlanner configuration is invalid: " + string.Join("; ", problems));

        var services = builder.Services;
        services.AddSingleton(planner);
        services.AddSingleton(openAi);
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<PlannerMetrics>();

        // http://srm and http://ragservice resolve through service discovery (services__srm__http__0), as Aspire injects it.
        services.AddGrpcServiceClient<Srm.SrmClient>(SrmServiceName, Srm.Descriptor);
        services.AddGrpcServiceClient<Rag.RagClient>(RagServiceName, Rag.Descriptor);
        services.AddSingleton<IContextRetriever, RagContextRetriever>();
        services.AddSingleton<IPathResolver, RagPathResolver>();
        services.AddSingleton<ISymbolReserver, SrmSymbolReserver>();

        services.AddSingleton<PlanValidator>();
        services.AddSingleton(PromptTokenizer.ForModel(openAi.Model));
        services.AddSingleton(sp => new PlanPromptBuilder(planner.PromptTokenBudget, sp.GetRequiredService<PromptTokenizer>()));
        if (openAi.IsConfigured)
        {
            services.AddSingleton<OpenAiChatModel>();
            services.AddSingleton<IPlanner, LlmPlanner>();
        }
        else
        {
            services.AddSingleton<IPlanner, RetrievalPlanner>();
        }
        services.AddSingleton<ChangeRequestPlanner>();
        services.AddHostedService<PlannerStartupReport>();

        builder.AddKafkaConsumer<ChangeRequestHandler, TBuilder>(KafkaConnectionName, options =>
        {
            builder.Configuration.GetSection("Planner:Consumer").Bind(options);
            options.GroupId = ConsumerGroup;
            options.Topics = [Topics.ChangeRequestIn];
        });
        return builder;
    }
}

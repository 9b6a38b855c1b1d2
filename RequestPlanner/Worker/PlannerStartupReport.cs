using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using RequestPlanner.Planning;
using RequestPlanner.Planning.Llm;
using RequestPlanner.Planning.Retrieval;

namespace RequestPlanner.Worker;

/// <summary>Says at startup which planner runs and with what settings (never the API key).</summary>
public sealed class PlannerStartupReport(OpenAiOptions openAi, PlannerOptions planner, ILogger<PlannerStartupReport> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (openAi.IsConfigured)
        {
            logger.LogInformation("Planning with the LLM {Model} at {Endpoint} (API key {KeyState}); search k={K} alpha={Alpha}; prompt budget {Budget} tokens",
                openAi.Model, string.IsNullOrWhiteSpace(openAi.Endpoint) ? "api.openai.com" : new Uri(openAi.Endpoint).Authority,
                string.IsNullOrWhiteSpace(openAi.ApiKey) ? "not set" : "set", planner.SearchK, planner.SearchAlpha, planner.PromptTokenBudget);
        }
        else
        {
            logger.LogWarning("No LLM configured (OpenAI:Endpoint and OpenAI:ApiKey are empty): plans come from the {Planner}; search k={K} alpha={Alpha}",
                RetrievalPlanner.Name, planner.SearchK, planner.SearchAlpha);
        }
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AppHost.Hosting;
using Contracts;
using Contracts.Core;
using Contracts.Rag;
using Contracts.Srm;
using Microsoft.Extensions.Logging;
using Grpc.Net.Client;
using ServiceDefaults.Kafka;

namespace AppHost.Commands;

/// <summary>One change request through a running system: index, submit over HTTP, read its plan from <c>plan.out</c>.</summary>
internal sealed class PlanSession : IAsyncDisposable
{
    private readonly LocalDistributedApplication _system;
    private readonly KafkaPublisher _publisher;
    private readonly KafkaConsumerLoop _plans;
    private readonly ConcurrentDictionary<string, TaskCompletionSource<Plan>> _waiting = new();
    private readonly HttpClient _http = new();

    public PlanSession(LocalDistributedApplication system, ILoggerFactory loggerFactory)
    {
        _system = system;
        _publisher = new KafkaPublisher(system.KafkaBootstrapServers, loggerFactory.CreateLogger<KafkaPublisher>());
        _plans = new KafkaConsumerLoop(
            system.KafkaBootstrapServers,
            new KafkaConsumerOptions { GroupId = $"plan-command-{Guid.NewGuid():N}", Topics = [Topics.PlanOut], StartFromEarliest = true },
            (message, _) =>
            {
                var plan = message.Parse<Plan>();
                _waiting.GetOrAdd(plan.ParentRequestId, _ => new TaskCompletionSource<Plan>(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult(plan);
                return Task.CompletedTask;
            },
            _publisher,
            loggerFactory.CreateLogger<KafkaConsumerLoop>());
        _plans.StartAsync(CancellationToken.None).GetAwaiter().GetResult();
    }

    public async Task<IndexStatus> IndexAsync(string path, string branch, CancellationToken cancellationToken)
    {
        using var channel = GrpcChannel.ForAddress(_system[PipelineResources.RagService.Name].HttpUrl);
        return await new Rag.RagClient(channel).IndexRepositoryAsync(new IndexRepositoryRequest { Repo = path, Branch = branch, Path = path },
            deadline: TimeProvider.System.GetUtcNow().UtcDateTime.AddMinutes(15), cancellationToken: cancellationToken);
    }

    public async Task<int> ReleaseLeasesAsync(string planId, CancellationToken cancellationToken)
    {
        using var channel = GrpcChannel.ForAddress(_system[PipelineResources.Srm.Name].HttpUrl);
        var reply = await new Srm.SrmClient(channel).ReleasePlanAsync(new ReleasePlanRequest { PlanId = planId },
            deadline: TimeProvider.System.GetUtcNow().UtcDateTime.AddSeconds(30), cancellationToken: cancellationToken);
        return reply.Released;
    }

    public async Task<string> SubmitAsync(string repo, string branch, string description, CancellationToken cancellationToken)
    {
        var orchestrator = _system[PipelineResources.Orchestrator.Name].HttpUrl;
        using var response = await _http.PostAsJsonAsync(new Uri(orchestrator, "/api/change-requests"),
            new { repo, branch, description, requester = Environment.UserName }, cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        if (response.StatusCode != HttpStatusCode.Accepted)
            throw new InvalidOperationException($"The Orchestrator refused the request: HTTP {(int)response.StatusCode} {body}");
        using var json = JsonDocument.Parse(body);
        return json.RootElement.GetProperty("id").GetString()!;
    }

    public async Task<Plan> WaitForPlanAsync(string requestId, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var waiter = _waiting.GetOrAdd(requestId, _ => new TaskCompletionSource<Plan>(TaskCreationOptions.RunContinuationsAsynchronously));
        try
        {
            return await waiter.Task.WaitAsync(timeout, cancellationToken);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"No plan for request {requestId} on {Topics.PlanOut} within {timeout.TotalSeconds:0} s.");
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _plans.StopAsync(CancellationToken.None);
        _plans.Dispose();
        _publisher.Dispose();
        _http.Dispose();
    }
}

using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Contracts;
using Contracts.Core;
using Contracts.Rag;
using Contracts.Srm;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using ServiceDefaults.Grpc;
using ServiceDefaults.Kafka;

namespace AppHost.Commands;

/// <summary>One change request through the started app: index, submit over HTTP, read its plan from <c>plan.out</c>, close it.</summary>
internal sealed class PlanSession : IAsyncDisposable
{
    private readonly KafkaPublisher _publisher;
    private readonly KafkaConsumerLoop _plans;
    private readonly ConcurrentDictionary<string, TaskCompletionSource<Plan>> _waiting = new();
    private readonly HttpClient _orchestrator;
    private readonly Uri _rag;
    private readonly Uri _srm;

    private PlanSession(string kafka, Uri orchestrator, Uri rag, Uri srm)
    {
        _orchestrator = new HttpClient { BaseAddress = orchestrator };
        _rag = rag;
        _srm = srm;
        _publisher = new KafkaPublisher(kafka, NullLogger<KafkaPublisher>.Instance);
        _plans = new KafkaConsumerLoop(
            kafka,
            new KafkaConsumerOptions { GroupId = $"plan-command-{Guid.NewGuid():N}", Topics = [Topics.PlanOut], StartFromEarliest = true },
            (message, _) =>
            {
                var plan = message.Parse<Plan>();
                Waiter(plan.ParentRequestId).TrySetResult(plan);
                return Task.CompletedTask;
            },
            _publisher,
            NullLogger<KafkaConsumerLoop>.Instance);
    }

    /// <summary>Waits until every resource is healthy, then connects to the broker and the services' endpoints.</summary>
    public static async Task<PlanSession> StartAsync(DistributedApplication app, CancellationToken cancellationToken)
    {
        var notifications = app.Services.GetRequiredService<ResourceNotificationService>();
        var model = app.Services.GetRequiredService<DistributedApplicationModel>();
        var projects = model.Resources.OfType<ProjectResource>().ToDictionary(p => p.Name);
        await Task.WhenAll(projects.Keys.Select(name => notifications.WaitForResourceHealthyAsync(name, cancellationToken)));

        var kafka = model.Resources.OfType<IResourceWithConnectionString>().Single(r => r.Name == "kafka");
        var session = new PlanSession(
            (await kafka.GetConnectionStringAsync(cancellationToken))!,
            new Uri(projects["orchestrator"].GetEndpoint("http").Url),
            new Uri(projects["ragservice"].GetEndpoint("http").Url),
            new Uri(projects["srm"].GetEndpoint("http").Url));
        await session._plans.StartAsync(cancellationToken);
        return session;
    }

    public async Task<IndexStatus> IndexAsync(string path, string branch, CancellationToken cancellationToken)
    {
        // The call carries its own deadline (grpc-timeout); HttpClient's 100 s default would cut a long index short.
        using var http = new HttpClient { BaseAddress = _rag, Timeout = Timeout.InfiniteTimeSpan };
        return await new GrpcClient(http).UnaryAsync<IndexRepositoryRequest, IndexStatus>("rag.v1.Rag", "IndexRepository",
            new IndexRepositoryRequest { Repo = path, Branch = branch, Path = path }, TimeSpan.FromMinutes(15), cancellationToken);
    }

    public async Task<string> SubmitAsync(string repo, string branch, string description, CancellationToken cancellationToken)
    {
        using var response = await _orchestrator.PostAsJsonAsync("/api/change-requests",
            new { repo, branch, description, requester = Environment.UserName }, cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        if (response.StatusCode != HttpStatusCode.Accepted)
            throw new InvalidOperationException($"The Orchestrator refused the request: HTTP {(int)response.StatusCode} {body}");
        using var json = JsonDocument.Parse(body);
        return json.RootElement.GetProperty("id").GetString()!;
    }

    public async Task<Plan> WaitForPlanAsync(string requestId, TimeSpan timeout, CancellationToken cancellationToken)
    {
        try
        {
            return await Waiter(requestId).Task.WaitAsync(timeout, cancellationToken);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"No plan for request {requestId} on {Topics.PlanOut} within {timeout.TotalSeconds:0} s.");
        }
    }

    /// <summary>Releases the plan's leases, so a kept database holds no leases nobody will use; returns what was done.</summary>
    public async Task<string> CloseAsync(string requestId, Plan plan, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = _srm };
        var reply = await new GrpcClient(http).UnaryAsync<ReleasePlanRequest, ReleasePlanReply>("srm.v1.Srm", "ReleasePlan",
            new ReleasePlanRequest { PlanId = plan.Id }, TimeSpan.FromSeconds(30), cancellationToken);
        return $"released the plan's {reply.Released} leases (pass --keep-leases to hold them until they expire)";
    }

    private TaskCompletionSource<Plan> Waiter(string requestId) =>
        _waiting.GetOrAdd(requestId, _ => new TaskCompletionSource<Plan>(TaskCreationOptions.RunContinuationsAsynchronously));

    public async ValueTask DisposeAsync()
    {
        await _plans.StopAsync(CancellationToken.None);
        _plans.Dispose();
        _publisher.Dispose();
        _orchestrator.Dispose();
    }
}

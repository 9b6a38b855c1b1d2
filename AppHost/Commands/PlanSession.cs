using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Contracts;
using Contracts.Core;
using Contracts.Rag;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Grpc.Net.Client;
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

    private PlanSession(string kafka, Uri orchestrator, Uri rag)
    {
        _orchestrator = new HttpClient { BaseAddress = orchestrator };
        _rag = rag;
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
            new Uri(projects["ragservice"].GetEndpoint("http").Url));
        await session._plans.StartAsync(cancellationToken);
        return session;
    }

    public async Task<IndexStatus> IndexAsync(string path, string branch, CancellationToken cancellationToken)
    {
        using var channel = GrpcChannel.ForAddress(_rag);
        return await new Rag.RagClient(channel).IndexRepositoryAsync(new IndexRepositoryRequest { Repo = path, Branch = branch, Path = path },
            deadline: TimeProvider.System.GetUtcNow().UtcDateTime.AddMinutes(15), cancellationToken: cancellationToken);
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

    /// <summary>
    /// Cancels the request through the Orchestrator (it ends, and its leases are released as for any ended request),
    /// then waits until the release is done, so a kept database holds no request or lease nobody will act on.
    /// </summary>
    public async Task<string> CloseAsync(string requestId, CancellationToken cancellationToken)
    {
        using var response = await _orchestrator.PostAsJsonAsync($"/api/change-requests/{requestId}/cancel",
            new { reason = "the plan command printed the plan; nothing acts on it after the command exits" }, cancellationToken);
        if (!response.IsSuccessStatusCode)
            throw new InvalidOperationException($"The Orchestrator did not cancel request {requestId}: HTTP {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(cancellationToken)}");

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            using var view = JsonDocument.Parse(await _orchestrator.GetStringAsync($"/api/change-requests/{requestId}", cancellationToken));
            var request = view.RootElement;
            var release = request.TryGetProperty("leases", out var leases) && leases.TryGetProperty("release", out var state) ? state.GetString() : null;
            if (release == "gave_up")
                throw new InvalidOperationException($"Request {requestId} was cancelled but Srm refused to release its leases: {leases.GetProperty("lastError")}");
            if (release is "released" or "none" or null)
                return $"request {requestId} is {request.GetProperty("stage").GetString()}, its leases released (pass --keep-leases to leave it open)";
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"Request {requestId} was cancelled but its leases are still '{release}' after 60 s.");
            await Task.Delay(250, cancellationToken);
        }
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

using Contracts.Core;
using Contracts.Rag;
using Microsoft.Extensions.Logging.Abstractions;
using RequestPlanner.Planning;
using RequestPlanner.Planning.Retrieval;
using Grpc.Core;

namespace Tests.Planner;

/// <summary>
/// An outage of the LLM, RagService or Srm is waited out with back-off for Planner:OutageRetryFor, then the plan
/// is FAILED with the reason (so the request regresses instead of hanging in plan_phase). Time is virtual.
/// </summary>
public sealed class PlannerOutageTests : IAsyncLifetime
{
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(1);
    private FakeOpenAiServer server = null!;
    private readonly InstantTimeProvider time = new();
    private readonly InMemorySrm srm = new();

    public async Task InitializeAsync() => server = await FakeOpenAiServer.StartAsync();

    public async Task DisposeAsync() => await server.DisposeAsync();

    private ChangeRequestPlanner Pipeline(string endpoint, IContextRetriever? retriever = null) => new(
        retriever ?? new FixedContextRetriever(PlannerTestKit.Context()),
        PlannerTestKit.LlmPlanner(PlannerTestKit.Options(endpoint), PlannerTestKit.Paths()),
        srm,
        new PlannerOptions { OutageRetryFor = Window, OutageRetryDelay = TimeSpan.FromSeconds(10), OutageMaxRetryDelay = TimeSpan.FromSeconds(20) },
        new PlannerMetrics(PlannerTestKit.MeterFactory()),
        time,
        NullLogger<ChangeRequestPlanner>.Instance);

    [Fact]
    public async Task A_short_llm_outage_is_waited_out_and_the_plan_is_ready()
    {
        // One planning attempt is the first call plus the model's own 2 retries.
        server.Fail(503).Fail(503).Fail(503).Reply(FakeOpenAiServer.PlanJson(("add greet()", "ADD", "src/app.py", ["greet"])));

        var plan = await Pipeline(server.Endpoint).PlanAsync(PlannerTestKit.Request(), CancellationToken.None);

        Assert.Equal(PlanStatus.Ready, plan.Status);
        Assert.Equal([TimeSpan.FromSeconds(10)], time.Waits);
        Assert.Equal(4, server.Requests.Count);
    }

    [Fact]
    public async Task An_llm_that_keeps_failing_gives_a_failed_plan_with_the_reason_after_the_window()
    {
        var plan = await Pipeline(server.Endpoint).PlanAsync(PlannerTestKit.Request(), CancellationToken.None); // nothing scripted: 500s

        Assert.Equal(PlanStatus.Failed, plan.Status);
        Assert.Equal(PlanIdentity.ForRequest(PlannerTestKit.Request().Id), plan.Id);
        var reason = Assert.Single(plan.Errors);
        Assert.StartsWith("The LLM was unavailable for 50 s over 4 attempts", reason);
        Assert.Contains("500", reason);
        Assert.Equal([10, 20, 20], time.Waits.Select(w => w.TotalSeconds)); // back-off doubles up to its cap, within the window
        Assert.Empty(srm.Requests);
    }

    [Fact]
    public async Task An_unreachable_llm_gives_a_failed_plan_too()
    {
        var gone = await FakeOpenAiServer.StartAsync();
        var endpoint = gone.Endpoint;
        await gone.DisposeAsync();

        var plan = await Pipeline(endpoint).PlanAsync(PlannerTestKit.Request(), CancellationToken.None);

        Assert.Equal(PlanStatus.Failed, plan.Status);
        Assert.StartsWith("The LLM was unavailable", Assert.Single(plan.Errors));
        Assert.True(time.Waits.Sum(w => w.TotalSeconds) <= Window.TotalSeconds);
    }

    [Fact]
    public async Task A_ragservice_outage_gives_a_failed_plan_naming_ragservice_and_an_answer_is_not_an_outage()
    {
        var down = new FailingRetriever(StatusCode.Unavailable);
        var plan = await Pipeline(server.Endpoint, down).PlanAsync(PlannerTestKit.Request(), CancellationToken.None);

        Assert.Equal(PlanStatus.Failed, plan.Status);
        Assert.StartsWith("RagService was unavailable", Assert.Single(plan.Errors));
        Assert.Equal(4, down.Calls);
        Assert.Empty(server.Requests);

        // A permanent status is not waited on: it propagates at once.
        var refusing = new FailingRetriever(StatusCode.PermissionDenied);
        await Assert.ThrowsAsync<RpcException>(() => Pipeline(server.Endpoint, refusing).PlanAsync(PlannerTestKit.Request("6d1f3b2a-0000-4000-8000-000000000002"), CancellationToken.None));
        Assert.Equal(1, refusing.Calls);
    }

    private sealed class FailingRetriever(StatusCode status) : IContextRetriever
    {
        public int Calls { get; private set; }

        public Task<HybridSearchReply> SearchAsync(HybridSearchRequest request, CancellationToken cancellationToken)
        {
            Calls++;
            throw new RpcException(new Status(status, "ragservice is restarting"));
        }
    }
}

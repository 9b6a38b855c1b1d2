using System.Globalization;
using System.Diagnostics.Metrics;
using Contracts.Core;
using Contracts.Srm;
using Google.Protobuf.WellKnownTypes;
using Microsoft.Extensions.Logging.Abstractions;
using RequestPlanner.Planning;
using RequestPlanner.Planning.Retrieval;
using RequestPlanner.Planning.Validation;

namespace Tests.Planner;

/// <summary>The whole planning step: retrieval, planner, validation, one ReserveBatch, the Plan.</summary>
public sealed class ChangeRequestPlannerTests : IAsyncLifetime
{
    private FakeOpenAiServer server = null!;
    private readonly InMemorySrm srm = new();
    private readonly FixedContextRetriever retriever = new(PlannerTestKit.Context());
    private readonly IMeterFactory meters = PlannerTestKit.MeterFactory();

    public async Task InitializeAsync() => server = await FakeOpenAiServer.StartAsync();

    public async Task DisposeAsync() => await server.DisposeAsync();

    private ChangeRequestPlanner Pipeline(IPlanner? planner = null) => new(
        retriever,
        planner ?? PlannerTestKit.LlmPlanner(PlannerTestKit.Options(server.Endpoint), PlannerTestKit.Paths(), meters),
        srm,
        new PlannerOptions { SearchK = 5, SearchAlpha = 0.6f, LeaseTtlSeconds = 120 },
        new PlannerMetrics(meters),
        TimeProvider.System,
        NullLogger<ChangeRequestPlanner>.Instance);

    /// <summary>The seed's offline test: a fixed JSON reply whose first step's goal is "add greet()".</summary>
    [Fact]
    public async Task Seed_offline_test_a_fixed_reply_becomes_a_ready_plan_whose_first_step_adds_greet()
    {
        server.Reply("""
            {"steps":[{"goal":"add greet()","kind":"ADD","path":"src/app.py","symbols":["greet"]},
                      {"goal":"call greet() from main","kind":"EDIT","path":"src/app.py","symbols":["main"]}],
             "rationale":["greet is new; main calls it"]}
            """);

        var plan = await Pipeline().PlanAsync(PlannerTestKit.Request(), CancellationToken.None);

        Assert.Equal(PlanStatus.Ready, plan.Status);
        Assert.Equal("add greet()", plan.Steps[0].Goal);
        Assert.Equal(StepKind.Add, plan.Steps[0].KnownKind);
        Assert.Equal(PlanIdentity.ForRequest("6d1f3b2a-0000-4000-8000-000000000001"), plan.Id);
        Assert.Equal(("6d1f3b2a-0000-4000-8000-000000000001", "demo", "main", "llm:gpt-4o-mini"), (plan.ParentRequestId, plan.Repo, plan.Branch, plan.Planner));
        Assert.Equal(["greet is new; main calls it"], plan.Rationale);
        var why = Assert.Single(plan.Steps[0].Evidence); // the retrieved chunk of src/app.py, for the reviewer
        Assert.Equal(("src/app.py", 1, 3, "main", 0.9f), (why.Path, why.StartLine, why.EndLine, why.Symbol, why.Score));
        Assert.StartsWith("def main():", why.Snippet);

        var reserve = Assert.Single(srm.Requests);
        Assert.Equal((plan.Id, 120), (reserve.PlanId, reserve.TtlSec));
        Assert.Equal(["greet", "main"], reserve.Items.Select(i => i.FqName));
        Assert.Equal(srm.Leases.Select(l => l.LeaseId).Order(), plan.ReservedLeaseIds.Select(long.Parse));
        Assert.Equal(2, plan.ReservedLeaseIds.Count);
        Assert.Empty(plan.Errors);

        var search = Assert.Single(retriever.Requests);
        Assert.Equal(("demo", "main", 5, 0.6f), (search.Repo, search.Branch, search.K, search.Alpha));
        Assert.Equal("add greet() to the app and call it from main", search.Query);
    }

    [Fact]
    public async Task A_second_request_for_a_held_symbol_is_blocked_with_the_holder_and_reserves_nothing()
    {
        var plan = FakeOpenAiServer.PlanJson(("add greet()", "ADD", "src/app.py", ["greet"]));
        server.Reply(plan).Reply(FakeOpenAiServer.PlanJson(("add greet() and log()", "ADD", "src/util.py", ["greet", "log"])));
        var first = await Pipeline().PlanAsync(PlannerTestKit.Request("6d1f3b2a-0000-4000-8000-000000000001"), CancellationToken.None);

        var second = await Pipeline().PlanAsync(PlannerTestKit.Request("6d1f3b2a-0000-4000-8000-000000000002", "add greet() and log() to util"), CancellationToken.None);

        Assert.Equal(PlanStatus.Ready, first.Status);
        Assert.Equal(PlanStatus.Blocked, second.Status);
        Assert.Empty(second.ReservedLeaseIds);
        var conflict = Assert.Single(second.Conflicts);
        Assert.Equal(("greet", first.Id, first.ReservedLeaseIds.Single()), (conflict.FqName, conflict.HolderPlanId, conflict.HolderLeaseId.ToString(CultureInfo.InvariantCulture)));
        Assert.Contains($"symbol greet is reserved by plan {first.Id}", Assert.Single(second.Errors));
        Assert.DoesNotContain(srm.Leases, l => l.FqName == "log"); // all or nothing
        Assert.Single(second.Steps, s => s.Goal.Contains("log", StringComparison.Ordinal)); // the plan is kept for the record
    }

    [Fact]
    public async Task Redelivering_a_request_yields_the_same_plan_id_and_the_same_leases()
    {
        var reply = FakeOpenAiServer.PlanJson(("add greet()", "ADD", "src/app.py", ["greet"]));
        server.Reply(reply).Reply(reply);

        var first = await Pipeline().PlanAsync(PlannerTestKit.Request(), CancellationToken.None);
        var again = await Pipeline().PlanAsync(PlannerTestKit.Request(), CancellationToken.None);

        Assert.Equal(PlanStatus.Ready, again.Status);
        Assert.Equal(first.Id, again.Id);
        Assert.Equal(first.ReservedLeaseIds, again.ReservedLeaseIds);
        Assert.Equal(srm.Requests[0].PlanId, srm.Requests[1].PlanId);
        Assert.Single(srm.Leases);
    }

    [Fact]
    public async Task A_plan_that_fails_validation_twice_is_failed_and_reserves_nothing()
    {
        var bad = FakeOpenAiServer.PlanJson(("escape", "ADD", "../../etc/cron.d/x", ["evil"]));
        server.Reply(bad).Reply(bad);

        var plan = await Pipeline().PlanAsync(PlannerTestKit.Request(), CancellationToken.None);

        Assert.Equal(PlanStatus.Failed, plan.Status);
        Assert.Empty(plan.Steps);
        Assert.Contains("contains '..'", Assert.Single(plan.Errors));
        Assert.Empty(srm.Requests);
    }

    [Fact]
    public async Task A_request_id_that_is_not_a_uuid_is_refused_as_the_front_door_refuses_it()
    {
        var error = await Assert.ThrowsAsync<InvalidChangeRequestException>(() =>
            Pipeline().PlanAsync(PlannerTestKit.Request("not-a-uuid"), CancellationToken.None));
        Assert.StartsWith("id must be a UUID", Assert.Single(error.Errors), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_invalid_request_is_refused_before_any_work()
    {
        var request = PlannerTestKit.Request();
        request.Repo = "";

        var error = await Assert.ThrowsAsync<InvalidChangeRequestException>(() => Pipeline().PlanAsync(request, CancellationToken.None));

        Assert.Equal(["repo is required."], error.Errors);
        Assert.Empty(retriever.Requests);
        Assert.Empty(server.Requests);
    }

    [Fact]
    public async Task Without_an_llm_the_retrieval_planner_plans_and_reserves()
    {
        var planner = new RetrievalPlanner(new PlanValidator(PlannerTestKit.Paths()), new PlannerOptions());

        var plan = await Pipeline(planner).PlanAsync(PlannerTestKit.Request(), CancellationToken.None);

        Assert.Equal(PlanStatus.Ready, plan.Status);
        Assert.Equal("retrieval (no LLM configured)", plan.Planner);
        Assert.Equal("add greet()", plan.Steps[0].Goal);
        Assert.Contains("greet", srm.Requests.Single().Items.Select(i => i.FqName));
        Assert.Empty(server.Requests);
    }

    [Fact]
    public async Task Metrics_count_plans_by_status_and_llm_tokens()
    {
        var counts = new Dictionary<string, long>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == PlannerMetrics.MeterName && ReferenceEquals(instrument.Meter.Scope, meters)) l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            var status = tags.ToArray().FirstOrDefault(t => t.Key == "status").Value;
            var key = status is null ? instrument.Name : $"{instrument.Name}{{{status}}}";
            lock (counts) counts[key] = counts.GetValueOrDefault(key) + value;
        });
        listener.Start();

        server.Reply(FakeOpenAiServer.PlanJson(("add greet()", "ADD", "src/app.py", ["greet"])), promptTokens: 321, completionTokens: 45)
              .Reply("not json", promptTokens: 10, completionTokens: 2)
              .Reply("still not json", promptTokens: 10, completionTokens: 2);
        await Pipeline().PlanAsync(PlannerTestKit.Request("6d1f3b2a-0000-4000-8000-000000000001"), CancellationToken.None);
        await Pipeline().PlanAsync(PlannerTestKit.Request("6d1f3b2a-0000-4000-8000-000000000002"), CancellationToken.None);

        Assert.Equal(1, counts["rp_plans_total{Ready}"]);
        Assert.Equal(1, counts["rp_plans_total{Failed}"]);
        Assert.Equal(341, counts["rp_llm_tokens_in_total"]);
        Assert.Equal(49, counts["rp_llm_tokens_out_total"]);
    }
}

using Contracts;
using Contracts.Core;
using Orchestrator.Workflow;
using Tests.Infrastructure;

namespace Tests.Orchestrator;

public sealed class OrchestratorConcurrencyTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    private static readonly Dictionary<Scenario, Trigger[]> ExpectedTriggers = new()
    {
        [Scenario.HappyPath] = [Trigger.Crq, Trigger.Plan, Trigger.TaskOk, Trigger.CodeOk, Trigger.BuildOk, Trigger.Tspec, Trigger.GtOk, Trigger.Build2Ok],
        [Scenario.PlanFails] = [Trigger.Crq, Trigger.PlanFail],
        [Scenario.CommitFails] = [Trigger.Crq, Trigger.Plan, Trigger.CodeFail],
        [Scenario.BuildFails] = [Trigger.Crq, Trigger.Plan, Trigger.TaskOk, Trigger.CodeOk, Trigger.BuildFail],
        [Scenario.GeneratedTestsFail] = [Trigger.Crq, Trigger.Plan, Trigger.TaskOk, Trigger.CodeOk, Trigger.BuildOk, Trigger.Tspec, Trigger.GtFail],
    };

    [Fact]
    public async Task Two_hundred_interleaved_requests_each_reach_their_own_terminal_stage()
    {
        await using var harness = await OrchestratorHarness.StartAsync(postgres, "two_hundred");
        var scenarios = Enum.GetValues<Scenario>();
        var submissions = await Task.WhenAll(Enumerable.Range(0, 200).Select(async i =>
        {
            var scenario = scenarios[i % scenarios.Length];
            return (Id: await harness.SubmitAsync($"request {i} ({scenario})"), Scenario: scenario);
        }));
        var pipeline = new StandInPipeline(harness);
        foreach (var (id, scenario) in submissions) pipeline.Add(id, scenario);

        await pipeline.RunAsync(TimeSpan.FromMinutes(3));

        foreach (var (id, scenario) in submissions)
        {
            var state = await harness.Queries.GetAsync(id, default);
            Assert.Equal(StandInPipeline.ExpectedEnd(scenario), state!.Stage);
            var timeline = await harness.TimelineAsync(id);
            Assert.Equal(ExpectedTriggers[scenario], timeline.Where(t => t.Entry.Applied).Select(t => t.Entry.Trigger));
            // No request saw another's messages: everything in its timeline named it.
            Assert.DoesNotContain(timeline, t => !t.Entry.Applied);
        }
        var regressed = submissions.Count(s => s.Scenario != Scenario.HappyPath);
        await OrchestratorHarness.WaitUntilAsync(() => Task.FromResult(harness.ReadTopic(Topics.RegressionOut).Count == regressed), $"{regressed} tickets");
        Assert.Equal(regressed, harness.ReadTopic(Topics.RegressionOut).Select(r => r.Message.Key).Distinct().Count());
    }
}

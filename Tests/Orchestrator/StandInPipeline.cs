using Contracts;
using Contracts.Core;
using Npgsql;
using Orchestrator.Workflow;

namespace Tests.Orchestrator;

/// <summary>How a stand-in pipeline treats one request.</summary>
public enum Scenario
{
    HappyPath,
    PlanFails,
    CommitFails,
    BuildFails,
    GeneratedTestsFail,
}

/// <summary>
/// Plays the planner, code, build and test agents for many requests at once: it watches the Orchestrator's
/// stages in its database and, when a request enters a stage, publishes what that stage waits for on the
/// agents' topics (so every message is causally after the transition it answers, as real agents would be).
/// </summary>
public sealed class StandInPipeline(OrchestratorHarness harness)
{
    private readonly Dictionary<string, Scenario> scenarios = new();
    private readonly Dictionary<string, Stage> answered = new();

    public void Add(string requestId, Scenario scenario) => scenarios[requestId] = scenario;

    public static Stage ExpectedEnd(Scenario scenario) => scenario == Scenario.HappyPath ? Stage.Done : Stage.Regress;

    /// <summary>Drives every added request until all are done or regressed.</summary>
    public async Task RunAsync(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var states = await LoadAsync();
            var open = states.Where(s => !TransitionTable.IsTerminal(s.Stage)).ToList();
            if (open.Count == 0 && states.Count == scenarios.Count) return;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"{open.Count} request(s) did not end: {string.Join(", ", open.Take(5).Select(s => $"{s.Id}:{s.Stage.Name()}"))}");
            var publishes = new List<Task>();
            foreach (var state in open)
            {
                if (answered.TryGetValue(state.Id, out var stage) && stage == state.Stage) continue;
                answered[state.Id] = state.Stage;
                publishes.AddRange(Answer(state, scenarios[state.Id]));
            }
            await Task.WhenAll(publishes);
            await Task.Delay(20);
        }
    }

    private IEnumerable<Task> Answer(RequestState state, Scenario scenario)
    {
        var id = state.Id;
        switch (state.Stage)
        {
            case Stage.PlanPhase:
                yield return harness.PublishAsync(Topics.PlanOut, id,
                    scenario == Scenario.PlanFails ? WorkflowMessages.FailedPlan(id, "no file matches the description") : WorkflowMessages.ReadyPlan(id, steps: 2));
                break;
            case Stage.CodePhase:
                var fail = scenario == Scenario.CommitFails;
                foreach (var task in state.PendingTasks)
                {
                    yield return harness.PublishAsync(Topics.CommitResultOut, id, new CommitResult
                    {
                        RequestId = id, TaskId = task, CommitSha = "abc123", Message = fail ? "patch does not apply" : "ok",
                        Status = fail ? "FAILURE" : "SUCCESS",
                    });
                    if (fail) break;
                }
                break;
            case Stage.Build1:
                yield return harness.PublishAsync(Topics.BuildReportOut, id, WorkflowMessages.Build(id, passed: scenario != Scenario.BuildFails, buildId: "b1"));
                break;
            case Stage.TestPlan:
                yield return harness.PublishAsync(Topics.TestSpecOut, id, WorkflowMessages.Spec(id));
                break;
            case Stage.TestBuild:
                yield return harness.PublishAsync(Topics.GeneratedTestsOut, id, WorkflowMessages.Generated(id, passed: scenario != Scenario.GeneratedTestsFail));
                break;
            case Stage.Build2:
                yield return harness.PublishAsync(Topics.BuildReportOut, id, WorkflowMessages.Build(id, buildId: "b2"));
                break;
        }
    }

    private async Task<List<RequestState>> LoadAsync()
    {
        var ids = scenarios.Keys.ToArray();
        await using var command = harness.DataSource.CreateCommand(
            "SELECT id, stage, pending_tasks FROM requests WHERE id = ANY($1)");
        command.Parameters.Add(new NpgsqlParameter { Value = ids });
        var states = new List<RequestState>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            states.Add(RequestState.New(WorkflowMessages.Request(reader.GetString(0)), DateTimeOffset.UnixEpoch) with
            {
                Stage = WorkflowNames.ParseStage(reader.GetString(1)), PendingTasks = reader.GetFieldValue<string[]>(2),
            });
        }
        return states;
    }
}

using System.Diagnostics;
using Contracts;
using Contracts.Core;
using Npgsql;
using Orchestrator.Workflow;
using Tests.Infrastructure;
using static Tests.Orchestrator.WorkflowMessages;

namespace Tests.Orchestrator;

/// <summary>BLOCKED requests wait for the conflicting leases to end instead of re-planning in a loop.</summary>
public sealed class BlockedRequestsTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    private const int Waiters = 20;

    [Fact]
    public async Task Twenty_requests_blocked_on_one_plan_wait_for_its_release_and_are_all_planned_soon_after_it_with_one_re_plan_each()
    {
        await using var harness = await OrchestratorHarness.StartAsync(postgres, "blocked_storm", new Dictionary<string, string?>
        {
            // A short back-off: if it drove resubmission, every waiter would re-plan many times while the holder works.
            ["Orchestrator:Workflow:ResubmitBackoff"] = "00:00:00.100",
            ["Orchestrator:Workflow:MaxPlanAttempts"] = "10",
        });
        var holder = await harness.SubmitAsync("holder");
        await harness.WaitForStageAsync(holder, Stage.PlanPhase);
        var symbols = Enumerable.Range(1, Waiters).Select(i => $"App.Shared.Method{i}").ToArray();
        harness.Srm.Grant(PlanIdOf(holder), symbols);
        await harness.PublishAsync(Topics.PlanOut, holder, ReadyPlan(holder, steps: 1));
        await harness.WaitForStageAsync(holder, Stage.CodePhase);

        var waiters = new List<string>();
        for (var i = 0; i < Waiters; i++) waiters.Add(await harness.SubmitAsync($"waiter {i}"));
        object ids = waiters.ToArray(); // one array parameter, not params
        using var stop = new CancellationTokenSource();
        var planner = PlanAsync(harness, waiters.Select((id, i) => (id, symbols[i])).ToDictionary(), stop.Token);

        await OrchestratorHarness.WaitUntilAsync(async () => await harness.CountAsync(
            "SELECT count(*) FROM requests WHERE id = ANY($1) AND resubmit_at IS NOT NULL", ids) == Waiters, "every waiter to be blocked");
        await Task.Delay(TimeSpan.FromSeconds(2)); // the holder works on; 20 back-offs of 100 ms would have elapsed many times over

        Assert.Equal(Waiters, await harness.CountAsync(
            "SELECT count(*) FROM history WHERE request_id = ANY($1) AND trigger = 'plan_blocked'", ids));
        await harness.PublishAsync(Topics.CommitResultOut, holder, Commit(holder, 1, success: false));
        await harness.WaitForStageAsync(holder, Stage.Regress);
        var released = Stopwatch.StartNew();

        await OrchestratorHarness.WaitUntilAsync(async () => await harness.CountAsync(
            "SELECT count(*) FROM requests WHERE id = ANY($1) AND stage = 'code_phase'", ids) == Waiters,
            "every waiter to be planned", TimeSpan.FromSeconds(30));
        var planned = released.Elapsed;
        await stop.CancelAsync();
        await planner;

        Assert.True(planned < TimeSpan.FromSeconds(5), $"the waiters were planned {planned.TotalSeconds:0.0} s after the release");
        foreach (var id in waiters)
        {
            var timeline = (await harness.TimelineAsync(id)).Select(t => t.Entry).ToList();
            Assert.Equal(1, timeline.Count(e => e.Trigger == Trigger.PlanBlocked));
            var resubmit = Assert.Single(timeline, e => e.Trigger == Trigger.Resubmit);
            Assert.Contains(PlanIdOf(holder), resubmit.Detail);
            Assert.Equal(2, (await harness.Queries.GetAsync(id, default))!.Attempts);
        }
        Assert.Equal(1, harness.Srm.CallsFor(PlanIdOf(holder)));
    }

    /// <summary>Plays the planner: each attempt of a waiter reserves its symbol on the stand-in Srm and answers READY or BLOCKED.</summary>
    private static async Task PlanAsync(OrchestratorHarness harness, Dictionary<string, string> symbolOf, CancellationToken cancellationToken)
    {
        var answered = new Dictionary<string, int>();
        while (!cancellationToken.IsCancellationRequested)
        {
            await using var command = harness.DataSource.CreateCommand(
                "SELECT id, attempts FROM requests WHERE id = ANY($1) AND stage = 'plan_phase' AND resubmit_at IS NULL");
            command.Parameters.Add(new NpgsqlParameter { Value = symbolOf.Keys.ToArray() });
            var due = new List<(string Id, int Attempt)>();
            await using (var reader = await command.ExecuteReaderAsync(CancellationToken.None))
            {
                while (await reader.ReadAsync(CancellationToken.None)) due.Add((reader.GetString(0), reader.GetInt32(1)));
            }
            foreach (var (id, attempt) in due.Where(d => !answered.TryGetValue(d.Id, out var seen) || seen < d.Attempt))
            {
                answered[id] = attempt;
                var conflicts = harness.Srm.TryReserve(PlanIdOf(id), symbolOf[id]);
                var plan = ReadyPlan(id, steps: 1);
                if (conflicts.Count > 0)
                {
                    plan = new Plan { Id = PlanIdOf(id), ParentRequestId = id, Status = PlanStatus.Blocked };
                    plan.Conflicts.AddRange(conflicts.Select(c => new SymbolConflict
                    {
                        FqName = c.FqName, HolderPlanId = c.HolderPlanId, HolderLeaseId = c.HolderLeaseId, ExpiresAt = c.ExpiresAt,
                    }));
                }
                await harness.PublishAsync(Topics.PlanOut, id, plan);
            }
            try
            {
                await Task.Delay(20, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}

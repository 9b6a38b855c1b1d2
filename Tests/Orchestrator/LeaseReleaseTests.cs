using Contracts;
using Contracts.Core;
using Orchestrator.Workflow;
using Tests.Infrastructure;
using static Tests.Orchestrator.WorkflowMessages;

namespace Tests.Orchestrator;

/// <summary>The lease-release worker retries what can get better and records what cannot.</summary>
public sealed class LeaseReleaseTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    [Fact]
    public async Task A_release_srm_refuses_as_invalid_is_noted_on_the_timeline_and_not_retried()
    {
        await using var harness = await OrchestratorHarness.StartAsync(postgres, nameof(A_release_srm_refuses_as_invalid_is_noted_on_the_timeline_and_not_retried));
        var refused = await harness.SubmitAsync();
        var released = await harness.SubmitAsync();
        harness.Srm.Reject(PlanIdOf(refused));

        await RegressAsync(harness, refused);
        await OrchestratorHarness.WaitUntilAsync(async () =>
            (await harness.Queries.LeaseReleaseAsync(PlanIdOf(refused), default))?.GaveUpAt is not null, "the worker to give up on the refused release");

        var note = (await harness.TimelineAsync(refused))[^1].Entry;
        Assert.Equal((Trigger.ReleaseFail, Stage.Regress, Stage.Regress, false), (note.Trigger, note.From, note.To, note.Applied));
        Assert.Contains("InvalidArgument", note.Detail);
        Assert.Contains(PlanIdOf(refused), note.Detail);

        // Another plan's release fails once as transient and is retried after the back-off; the refused plan, due earlier
        // had it been retried, is left alone by every one of those passes.
        harness.Srm.FailNext(1);
        await RegressAsync(harness, released);
        await OrchestratorHarness.WaitUntilAsync(async () =>
            (await harness.Queries.LeaseReleaseAsync(PlanIdOf(released), default))?.ReleasedAt is not null, "the other plan's leases to be released");
        Assert.Equal(2, harness.Srm.CallsFor(PlanIdOf(released)));
        var status = await harness.Queries.LeaseReleaseAsync(PlanIdOf(refused), default);
        Assert.Equal((1, (DateTimeOffset?)null), (status!.Attempts, status.ReleasedAt));
        Assert.Equal(1, harness.Srm.CallsFor(PlanIdOf(refused)));
    }

    private static async Task RegressAsync(OrchestratorHarness harness, string id)
    {
        await harness.WaitForStageAsync(id, Stage.PlanPhase);
        await harness.PublishAsync(Topics.PlanOut, id, ReadyPlan(id, steps: 1));
        await harness.WaitForStageAsync(id, Stage.CodePhase);
        await harness.PublishAsync(Topics.CommitResultOut, id, Commit(id, 1, success: false));
        await harness.WaitForStageAsync(id, Stage.Regress);
    }
}

using Contracts;
using Contracts.Core;
using Orchestrator.Workflow;
using Tests.Infrastructure;
using static Tests.Orchestrator.WorkflowMessages;

namespace Tests.Orchestrator;

/// <summary>Messages from other agents are input too (issue 15, items 5, 6 and 12; issue 12's unknown statuses).</summary>
public sealed class AgentInputTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    [Fact]
    public async Task A_forged_plan_is_refused_with_the_reason_on_the_timeline_and_dead_lettered()
    {
        await using var harness = await OrchestratorHarness.StartAsync(postgres, "forged_plan");
        var id = await harness.SubmitAsync();
        await harness.WaitForStageAsync(id, Stage.PlanPhase);

        var forged = new Plan { Id = "", ParentRequestId = id, Status = PlanStatus.Ready };
        forged.Steps.Add(new Step { Order = 1, Goal = "read it", Kind = "EDIT", Path = "../../etc/passwd" });
        await harness.PublishAsync(Topics.PlanOut, id, forged);
        var unknownKind = ReadyPlan(id, steps: 1);
        unknownKind.Steps[0].Kind = "DESTROY";
        await harness.PublishAsync(Topics.PlanOut, id, unknownKind);

        var deadLetters = await WaitForDeadLettersAsync(harness, Topics.PlanOut, 2);
        Assert.Contains(deadLetters, r => OrchestratorHarness.Header(r, "dlq-error")!.Contains("is not the id derived for request"));
        Assert.Equal(Stage.PlanPhase, (await harness.Queries.GetAsync(id, default))!.Stage);
        var refused = (await harness.TimelineAsync(id)).Select(e => e.Entry).Where(e => e.Detail.StartsWith("rejected: ", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, refused.Count);
        Assert.All(refused, e => Assert.False(e.Applied));
        Assert.Contains("path '../../etc/passwd' contains '..'", refused[0].Detail);
        Assert.Contains("kind 'DESTROY' is not one of ADD, EDIT, REMOVE, REFACTOR", refused[1].Detail);

        await harness.PublishAsync(Topics.PlanOut, id, ReadyPlan(id, steps: 1));
        await harness.WaitForStageAsync(id, Stage.CodePhase);
    }

    [Fact]
    public async Task Change_requests_straight_to_kafka_meet_the_front_doors_rules_and_unknown_statuses_are_refused()
    {
        await using var harness = await OrchestratorHarness.StartAsync(postgres, "kafka_requests");
        await harness.PublishAsync(Topics.ChangeRequestIn, "not-a-uuid", Request("not-a-uuid"));
        await harness.PublishAsync(Topics.ChangeRequestIn, "named-by-the-key", Request(""));
        var valid = Request(Guid.NewGuid().ToString());
        await harness.ProduceAsSeedAsync(Topics.ChangeRequestIn, valid);
        await harness.WaitForStageAsync(valid.Id, Stage.PlanPhase);

        var deadLetters = await WaitForDeadLettersAsync(harness, Topics.ChangeRequestIn, 2);
        Assert.Contains(deadLetters, r => OrchestratorHarness.Header(r, "dlq-error")!.Contains("id must be a UUID"));
        Assert.Contains(deadLetters, r => OrchestratorHarness.Header(r, "dlq-error")!.Contains("names no known request"));
        Assert.Equal(1, await harness.CountAsync("SELECT count(*) FROM requests"));

        // A build report without a status is invalid input, not a failed build.
        await harness.PublishAsync(Topics.PlanOut, valid.Id, ReadyPlan(valid.Id, steps: 1));
        await harness.WaitForStageAsync(valid.Id, Stage.CodePhase);
        await harness.PublishAsync(Topics.CommitResultOut, valid.Id, Commit(valid.Id, 1));
        await harness.WaitForStageAsync(valid.Id, Stage.Build1);
        await harness.PublishAsync(Topics.BuildReportOut, valid.Id, new BuildReport { RequestId = valid.Id, CommitSha = "sha1" });
        var refused = await WaitForDeadLettersAsync(harness, Topics.BuildReportOut, 1);
        Assert.Contains("has status \"\", not one of PASSED, FAILED", OrchestratorHarness.Header(refused[0], "dlq-error"));
        Assert.Contains(await harness.TimelineAsync(valid.Id), e => e.Entry.Detail.StartsWith("rejected: build of sha1 has status", StringComparison.Ordinal));
        await harness.PublishAsync(Topics.BuildReportOut, valid.Id, new BuildReport { RequestId = valid.Id, CommitSha = "sha1", Status = "passed" });
        await harness.WaitForStageAsync(valid.Id, Stage.TestPlan);
    }

    [Fact]
    public async Task Headerless_messages_after_a_broker_restart_are_not_taken_for_old_ones()
    {
        await using var harness = await OrchestratorHarness.StartAsync(postgres, "broker_restart");
        async Task SubmitAsSeedAsync(int count)
        {
            for (var i = 0; i < count; i++)
            {
                var request = Request(Guid.NewGuid().ToString());
                // One partition, so the restarted broker hands out the same positions again.
                await harness.ProduceAsSeedAsync(Topics.ChangeRequestIn, request, partition: 0);
                await harness.WaitForStageAsync(request.Id, Stage.PlanPhase);
            }
        }

        await SubmitAsSeedAsync(4);
        await harness.RestartBrokerAsync();
        await SubmitAsSeedAsync(4);

        Assert.Equal(8, await harness.CountAsync("SELECT count(*) FROM requests"));
        Assert.Equal(8, await harness.CountAsync("SELECT count(*) FROM inbox WHERE topic = $1 AND partition = 0", Topics.ChangeRequestIn));
    }

    private static async Task<List<Confluent.Kafka.ConsumeResult<string, byte[]>>> WaitForDeadLettersAsync(
        OrchestratorHarness harness, string topic, int count)
    {
        await OrchestratorHarness.WaitUntilAsync(() => Task.FromResult(harness.ReadTopic(Topics.DeadLetter(topic)).Count >= count),
            $"{count} dead letter(s) on {Topics.DeadLetter(topic)}");
        return harness.ReadTopic(Topics.DeadLetter(topic));
    }
}

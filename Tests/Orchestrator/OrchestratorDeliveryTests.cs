using System.Text;
using Confluent.Kafka;
using Contracts;
using Contracts.Core;
using Google.Protobuf;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Orchestrator.Messaging;
using Orchestrator.Persistence;
using Orchestrator.Workflow;
using ServiceDefaults.Kafka;
using Tests.Infrastructure;
using static Tests.Orchestrator.WorkflowMessages;

namespace Tests.Orchestrator;

/// <summary>At-least-once delivery, crashes and poison messages change nothing they should not.</summary>
public sealed class OrchestratorDeliveryTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    [Fact]
    public async Task Duplicated_and_reordered_deliveries_change_nothing()
    {
        await using var harness = await OrchestratorHarness.StartAsync(postgres, "duplicates");
        var id = await harness.SubmitAsync();
        await harness.WaitForStageAsync(id, Stage.PlanPhase);

        // Every agent message is delivered twice with the same message id (a producer retry, a redelivery).
        var sent = new List<(string Topic, IMessage Message, string MessageId)>();
        async Task SendTwice(string topic, IMessage message, Stage next)
        {
            var messageId = Guid.NewGuid().ToString();
            sent.Add((topic, message, messageId));
            await harness.PublishAsync(topic, id, message, messageId);
            await harness.PublishAsync(topic, id, message, messageId);
            await harness.WaitForStageAsync(id, next);
        }
        await SendTwice(Topics.PlanOut, ReadyPlan(id, steps: 1), Stage.CodePhase);
        await SendTwice(Topics.CommitResultOut, Commit(id, 1), Stage.Build1);
        await SendTwice(Topics.BuildReportOut, Build(id, buildId: "b1"), Stage.TestPlan);
        await SendTwice(Topics.TestSpecOut, Spec(id), Stage.TestBuild);
        await SendTwice(Topics.GeneratedTestsOut, Generated(id), Stage.Build2);
        await SendTwice(Topics.BuildReportOut, Build(id, buildId: "b2"), Stage.Done);
        await OrchestratorHarness.WaitUntilAsync(async () =>
            await harness.CountAsync("SELECT count(*) FROM inbox WHERE request_id = $1 AND topic <> $2", id, Topics.ChangeRequestIn) == sent.Count, "the inbox to record each message once");
        var timeline = await harness.TimelineAsync(id);
        Assert.Equal(7, timeline.Count);
        Assert.All(timeline, t => Assert.True(t.Entry.Applied));

        // The same messages again, oldest last, with new ids: each is recorded as ignored, nothing else changes.
        foreach (var (topic, message, _) in Enumerable.Reverse(sent)) await harness.PublishAsync(topic, id, message);
        await OrchestratorHarness.WaitUntilAsync(async () => (await harness.TimelineAsync(id)).Count == 7 + sent.Count, "the stale messages to be recorded");
        var after = await harness.TimelineAsync(id);
        Assert.All(after.Skip(7), t => Assert.False(t.Entry.Applied));
        Assert.All(after.Skip(7), t => Assert.Equal(Stage.Done, t.Entry.From));
        Assert.Equal(Stage.Done, (await harness.Queries.GetAsync(id, default))!.Stage);

        // Nothing was published twice.
        await OrchestratorHarness.WaitUntilAsync(async () => await harness.Queries.UnpublishedCountAsync(default) == 0, "the outbox to drain");
        Assert.Single(harness.ReadTopic(Topics.CodeTaskOut, id));
        Assert.Single(harness.ReadTopic(Topics.DeepPlanIn, id));
        Assert.Empty(harness.ReadTopic(Topics.RegressionOut, id));
        Assert.Equal(1, await harness.CountAsync("SELECT count(*) FROM lease_releases WHERE request_id = $1", id));
    }

    [Fact]
    public async Task A_plan_that_overtakes_a_change_request_from_another_agent_is_applied_when_the_request_arrives()
    {
        // Another agent publishes straight to change.request.in; the planner's answer on plan.out is consumed first.
        await using var harness = await OrchestratorHarness.StartAsync(postgres, "early_plan");
        const string id = "6d1f3b2a-0000-4000-8000-0000000000a1";
        await harness.PublishAsync(Topics.PlanOut, id, ReadyPlan(id, steps: 2));
        await OrchestratorHarness.WaitUntilAsync(async () =>
            await harness.CountAsync("SELECT count(*) FROM parked_plans WHERE request_id = $1", id) == 1, "the early plan to be parked");
        Assert.Null(await harness.Queries.GetAsync(id, default));

        await harness.PublishAsync(Topics.ChangeRequestIn, id, Request(id));

        var coding = await harness.WaitForStageAsync(id, Stage.CodePhase);
        Assert.Equal([TaskId(id, 1), TaskId(id, 2)], coding.PendingTasks);
        var timeline = await harness.TimelineAsync(id);
        Assert.Equal([(Trigger.Crq, Topics.ChangeRequestIn), (Trigger.Plan, Topics.PlanOut)],
            timeline.Select(t => (t.Entry.Trigger, t.Entry.Source.Topic)));
        Assert.All(timeline, t => Assert.True(t.Entry.Applied, t.Entry.Detail));
        Assert.Equal(0, await harness.CountAsync("SELECT count(*) FROM parked_plans WHERE request_id = $1", id));
        await OrchestratorHarness.WaitUntilAsync(async () => await harness.Queries.UnpublishedCountAsync(default) == 0, "the outbox to drain");
        Assert.Single(harness.ReadTopic(Topics.DeepPlanIn, id));
        Assert.Equal([TaskId(id, 1), TaskId(id, 2)],
            TaskBundle.Parser.ParseFrom(Assert.Single(harness.ReadTopic(Topics.CodeTaskOut, id)).Message.Value).Tasks.Select(t => t.TaskId));
    }

    [Fact]
    public async Task A_crash_between_the_database_commit_and_the_offset_commit_repeats_nothing_and_loses_nothing()
    {
        // Run 1: no consumer, no relay in the Orchestrator; the test consumes group "orchestrator" itself,
        // hands each record to the Orchestrator's handler (database commit), then "dies": it closes without
        // committing any offset. The outbox rows written meanwhile were never published.
        await using var harness = await OrchestratorHarness.StartAsync(postgres, "crash", start: false);
        await harness.StartOrchestratorAsync(new Dictionary<string, string?>
        {
            ["Orchestrator:Kafka:ConsumerEnabled"] = "false",
            ["Orchestrator:Outbox:RelayEnabled"] = "false",
        });
        var first = await harness.SubmitAsync("first");
        var second = await harness.SubmitAsync("second");
        var handler = new OrchestratorMessageHandler(harness.Services.GetRequiredService<RequestStore>(), NullLogger<OrchestratorMessageHandler>.Instance);
        using (var consumer = OrchestratorGroupConsumer(harness))
        {
            await harness.PublishAsync(Topics.PlanOut, first, ReadyPlan(first, steps: 1));
            await harness.PublishAsync(Topics.PlanOut, second, ReadyPlan(second, steps: 2));
            await HandleAsync(consumer, handler, count: 2);
            // A code agent answers the second plan's first task (causally after the plan was processed).
            await harness.PublishAsync(Topics.CommitResultOut, second, Commit(second, 1));
            await HandleAsync(consumer, handler, count: 1);
            consumer.Close(); // leaves the group; auto-commit is off, so no offset was ever committed
        }
        Assert.Equal(Stage.CodePhase, (await harness.Queries.GetAsync(first, default))!.Stage);
        Assert.Equal([TaskId(second, 2)], (await harness.Queries.GetAsync(second, default))!.PendingTasks);
        var historyBefore = await harness.CountAsync("SELECT count(*) FROM history");
        var outboxBefore = await harness.CountAsync("SELECT count(*) FROM outbox");
        Assert.True(await harness.Queries.UnpublishedCountAsync(default) > 0);
        Assert.Empty(harness.ReadTopic(Topics.CodeTaskOut));
        await harness.StopOrchestratorAsync();

        // Run 2: a normal restart. Kafka redelivers the three records (no committed offsets); the inbox rejects them.
        await harness.StartOrchestratorAsync();
        await OrchestratorHarness.WaitUntilAsync(async () => await harness.Queries.UnpublishedCountAsync(default) == 0, "the restarted relay to publish the outbox");
        await harness.PublishAsync(Topics.CommitResultOut, first, Commit(first, 1));
        await harness.WaitForStageAsync(first, Stage.Build1);
        // The first request's commit came after the redelivered records on the same partitions' order of processing.
        await OrchestratorHarness.WaitUntilAsync(async () =>
            await harness.CountAsync("SELECT count(*) FROM history") == historyBefore + 1, "exactly one new transition");
        Assert.Equal(outboxBefore, await harness.CountAsync("SELECT count(*) FROM outbox"));
        Assert.Equal([TaskId(second, 2)], (await harness.Queries.GetAsync(second, default))!.PendingTasks);
        Assert.Equal(3, (await harness.TimelineAsync(second)).Count(t => t.Entry.Applied)); // crq, plan, task_ok — once each

        // Published exactly once each, after the restart.
        Assert.Single(harness.ReadTopic(Topics.CodeTaskOut, first));
        Assert.Single(harness.ReadTopic(Topics.CodeTaskOut, second));

        // The rest of the second request still flows: nothing was lost.
        await harness.PublishAsync(Topics.CommitResultOut, second, Commit(second, 2));
        await harness.WaitForStageAsync(second, Stage.Build1);
    }

    private static IConsumer<byte[], byte[]> OrchestratorGroupConsumer(OrchestratorHarness harness)
    {
        var consumer = new ConsumerBuilder<byte[], byte[]>(new ConsumerConfig
        {
            BootstrapServers = harness.Kafka.BootstrapServers, GroupId = "orchestrator", EnableAutoCommit = false,
            AutoOffsetReset = AutoOffsetReset.Earliest, SessionTimeoutMs = 6000,
        }).Build();
        consumer.Subscribe(Topics.All);
        return consumer;
    }

    /// <summary>Hands records to the Orchestrator's handler (each one a database commit) until <paramref name="count"/> agent messages were handled.</summary>
    private static async Task HandleAsync(IConsumer<byte[], byte[]> consumer, OrchestratorMessageHandler handler, int count)
    {
        var handled = 0;
        var deadline = DateTime.UtcNow + OrchestratorHarness.Timeout;
        while (handled < count && DateTime.UtcNow < deadline)
        {
            if (consumer.Consume(TimeSpan.FromMilliseconds(200)) is not { IsPartitionEOF: false } record) continue;
            var headers = record.Message.Headers.Select(h => new KeyValuePair<string, byte[]>(h.Key, h.GetValueBytes())).ToList();
            var message = new ConsumedMessage(record.Topic, record.Partition.Value, record.Offset.Value,
                Encoding.UTF8.GetString(record.Message.Key ?? []), record.Message.Value, headers, DateTimeOffset.UtcNow);
            await handler.HandleAsync(message, CancellationToken.None);
            if (record.Topic is Topics.PlanOut or Topics.CommitResultOut) handled++;
        }
        Assert.Equal(count, handled);
    }

    [Fact]
    public async Task A_poison_message_is_dead_lettered_and_processing_continues()
    {
        await using var harness = await OrchestratorHarness.StartAsync(postgres, "poison");
        var id = await harness.SubmitAsync();
        await harness.WaitForStageAsync(id, Stage.PlanPhase);

        await harness.Agents.ProduceRawAsync(Topics.PlanOut, id, [0xFF, 0xFF, 0xFF, 0x01],
            [new("content-type", Encoding.UTF8.GetBytes("application/x-protobuf; messageType=core.Plan")), new("message-id", "poison-1"u8.ToArray())],
            CancellationToken.None);
        await harness.PublishAsync(Topics.PlanOut, "", new Plan { Status = PlanStatus.Ready }); // names no request at all
        await harness.PublishAsync(Topics.PlanOut, id, ReadyPlan(id));

        await harness.WaitForStageAsync(id, Stage.CodePhase);
        await OrchestratorHarness.WaitUntilAsync(() => Task.FromResult(harness.ReadTopic(Topics.DeadLetter(Topics.PlanOut)).Count == 2), "two dead letters");
        var deadLetters = harness.ReadTopic(Topics.DeadLetter(Topics.PlanOut));
        var poison = Assert.Single(deadLetters, r => OrchestratorHarness.Header(r, "message-id") == "poison-1");
        Assert.Equal(Topics.PlanOut, OrchestratorHarness.Header(poison, "dlq-source-topic"));
        Assert.Contains("not a valid core.Plan", OrchestratorHarness.Header(poison, "dlq-error"));
        Assert.Contains(deadLetters, r => OrchestratorHarness.Header(r, "dlq-error")!.Contains("names no known request"));
    }
}

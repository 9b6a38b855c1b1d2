using System.Text;
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

/// <summary>A partition's batch applied in one transaction: what is bad in it is answered alone, the rest is applied once.</summary>
public sealed class GroupCommitTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    [Fact]
    public async Task A_batch_with_a_duplicate_a_poison_a_refused_and_an_undecidable_message_applies_the_others_exactly_once()
    {
        await using var harness = await OrchestratorHarness.StartAsync(postgres, "group_commit", new Dictionary<string, string?>
        {
            ["Orchestrator:Kafka:ConsumerEnabled"] = "false",
        });
        var a = await harness.SubmitAsync("first");
        var b = await harness.SubmitAsync("second");
        var refused = new CommitResult(Commit(a, 1)) { Status = "MAYBE" };
        var handler = new OrchestratorMessageHandler(harness.Services.GetRequiredService<RequestStore>(), NullLogger<OrchestratorMessageHandler>.Instance);

        var batch = new List<ConsumedMessage>
        {
            Record(Topics.PlanOut, a, ReadyPlan(a, steps: 1), "plan-a"),
            Record(Topics.PlanOut, a, ReadyPlan(a, steps: 1), "plan-a"), // the same message again within the batch
            Record(Topics.PlanOut, a, null, "not-protobuf"),
            Record(Topics.PlanOut, b, ReadyPlan(b, steps: 1), "plan-b"),
            Record(Topics.CommitResultOut, a, refused, "commit-a-refused"),
            Record(Topics.CommitResultOut, a, Commit(a, 1), "commit-a"),
            Record(Topics.ChangeRequestIn, "nameless", new ChangeRequest { Id = "nameless" }, "invalid-request"),
        };
        var failures = await handler.HandleBatchAsync(batch, CancellationToken.None);

        Assert.Equal([false, false, true, false, true, false, true], failures.Select(f => f is PoisonMessageException));
        Assert.Equal(3, failures.Count(f => f is not null));
        Assert.Contains("not a valid core.Plan", failures[2]!.Message);
        Assert.Contains("MAYBE", failures[4]!.Message);
        Assert.Contains("Invalid change request", failures[6]!.Message);

        Assert.Equal(Stage.Build1, (await harness.Queries.GetAsync(a, default))!.Stage);
        Assert.Equal(Stage.CodePhase, (await harness.Queries.GetAsync(b, default))!.Stage);
        var timeline = await harness.TimelineAsync(a);
        Assert.Single(timeline, t => t.Entry.Applied && t.Entry.Trigger == Trigger.Plan);
        Assert.Single(timeline, t => t.Entry.Applied && t.Entry.Trigger == Trigger.CodeOk);
        Assert.Contains(timeline, t => !t.Entry.Applied && t.Entry.Detail.Contains("MAYBE", StringComparison.Ordinal));
        Assert.Equal(1, await harness.CountAsync("SELECT count(*) FROM inbox WHERE message_id = 'plan-a'"));
        // The message that could not be decided left no inbox row: sent again (e.g. fixed upstream and replayed), it is not a duplicate.
        Assert.Equal(0, await harness.CountAsync("SELECT count(*) FROM inbox WHERE message_id = 'invalid-request'"));
        Assert.IsType<PoisonMessageException>(Assert.Single(await handler.HandleBatchAsync([batch[6]], CancellationToken.None)));

        // Delivered again as a whole (a redelivery after a crash): nothing is applied twice.
        var historyBefore = await harness.CountAsync("SELECT count(*) FROM history");
        var again = await handler.HandleBatchAsync(batch.Where((_, i) => i is not 2 and not 6).ToList(), CancellationToken.None);
        Assert.All(again, f => Assert.Null(f));
        Assert.Equal(historyBefore, await harness.CountAsync("SELECT count(*) FROM history"));
    }

    private static int offset;

    private static ConsumedMessage Record(string topic, string key, IMessage? message, string messageId)
    {
        var descriptor = PipelineMessages.DescriptorFor(topic)!;
        return new ConsumedMessage(topic, 0, Interlocked.Increment(ref offset), key, message?.ToByteArray() ?? [0xFF, 0xFF, 0xFF, 0x01],
            [new(KafkaHeaderNames.MessageId, Encoding.UTF8.GetBytes(messageId)), new(KafkaHeaderNames.ContentType, Encoding.UTF8.GetBytes(MessageTypes.ContentType(descriptor)))],
            DateTimeOffset.UtcNow);
    }
}

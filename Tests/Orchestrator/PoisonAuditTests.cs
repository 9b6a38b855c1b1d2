using Confluent.Kafka;
using Contracts;
using Contracts.Core;
using Orchestrator.Workflow;
using Tests.Infrastructure;
using static Tests.Orchestrator.WorkflowMessages;

namespace Tests.Orchestrator;

/// <summary>The audit's poison run (issue 15), on the Orchestrator's consumer group: every consumed topic dead-letters every undecodable record.</summary>
public sealed class PoisonAuditTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    private const int PerTopic = 100;

    [Fact]
    public async Task A_hundred_malformed_records_per_topic_are_dead_lettered_naming_the_group_and_a_valid_request_still_moves()
    {
        await using var harness = await OrchestratorHarness.StartAsync(postgres, "poison_audit");
        using (var producer = new ProducerBuilder<Null, byte[]>(new ProducerConfig { BootstrapServers = harness.Kafka.BootstrapServers }).Build())
        {
            foreach (var topic in Topics.All)
            {
                // A field-1 string whose length runs past the end: no message type can parse it.
                for (var i = 0; i < PerTopic; i++) producer.Produce(topic, new Message<Null, byte[]> { Value = [0x0A, 0x7F, (byte)i] });
            }
            producer.Flush(TimeSpan.FromSeconds(30));
        }

        var valid = Request(Guid.NewGuid().ToString());
        await harness.ProduceAsSeedAsync(Topics.ChangeRequestIn, valid);
        await harness.WaitForStageAsync(valid.Id, Stage.PlanPhase, TimeSpan.FromMinutes(3));
        foreach (var topic in Topics.All)
        {
            await OrchestratorHarness.WaitUntilAsync(() => Task.FromResult(harness.ReadTopic(Topics.DeadLetter(topic)).Count >= PerTopic),
                $"{PerTopic} dead letters on {Topics.DeadLetter(topic)}", TimeSpan.FromMinutes(3));
            var deadLetters = harness.ReadTopic(Topics.DeadLetter(topic));
            Assert.Equal(PerTopic, deadLetters.Count);
            Assert.All(deadLetters, r => Assert.Equal("orchestrator", OrchestratorHarness.Header(r, "dlq-consumer-group")));
        }
        using var health = await harness.Http.GetAsync("/health");
        Assert.True(health.IsSuccessStatusCode, await health.Content.ReadAsStringAsync());
    }
}

using System.Net.Http.Json;
using System.Text;
using Confluent.Kafka;
using Contracts;
using Contracts.Core;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orchestrator.Hosting;
using Orchestrator.Messaging;
using Orchestrator.Workflow;
using RequestPlanner.Planning.Retrieval;
using RequestPlanner.Worker;
using ServiceDefaults.Kafka;
using Tests.Infrastructure;

namespace Tests.Orchestrator;

/// <summary>
/// The audit's poison run (issue 15) on every consumer group of the system (the Orchestrator and the real
/// RequestPlanner): each topic a group consumes gets 100 malformed records, and each group dead-letters all of them
/// under its own name; the services stay healthy and a valid request sent after them is planned and coded.
/// </summary>
public sealed class PoisonAuditTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    private const int PerTopic = 100;
    private const int Kinds = 4;

    [Fact]
    public async Task A_hundred_malformed_records_per_topic_are_dead_lettered_by_every_group_naming_it_and_a_valid_request_still_moves()
    {
        await using var system = await ReviewFlowSystem.StartAsync(postgres, "poison_audit");
        var harness = system.Orchestrator;
        var consumers = ConsumerGroups(harness.Services).Concat(ConsumerGroups(system.Planner.Services)).ToList();
        Assert.Equal([OrchestratorKafkaOptions.GroupId, RequestPlannerHostingExtensions.ConsumerGroup], consumers.Select(c => c.Group));
        var consumed = consumers.SelectMany(c => c.Topics).Distinct().ToList();

        using (var producer = new ProducerBuilder<Null, byte[]>(new ProducerConfig { BootstrapServers = harness.Kafka.BootstrapServers }).Build())
        {
            foreach (var topic in consumed)
            {
                for (var i = 0; i < PerTopic; i++) producer.Produce(topic, Malformed(topic, i));
            }
            producer.Flush(TimeSpan.FromSeconds(30));
        }
        using var submitted = await harness.Http.PostAsJsonAsync("/api/change-requests",
            new { repo = system.Repository, branch = ReviewFlowSystem.Branch, description = "add greet() and call it from main", requester = "auditor" });
        submitted.EnsureSuccessStatusCode();
        var id = (await submitted.Content.ReadFromJsonAsync<Submitted>())!.Id;

        var expected = consumers.SelectMany(c => c.Topics.Select(topic => (c.Group, Topic: topic))).ToList();
        var deadLetters = await DeadLettersAsync(harness, consumed, done: d => expected.All(e => d.GetValueOrDefault(e)?.Count >= PerTopic));

        // Which group fell short on which topic, if any; and no dead letter without a group or a source.
        Assert.Equal(expected.Select(e => (e, PerTopic)), deadLetters.OrderBy(d => expected.IndexOf(d.Key)).Select(d => (d.Key, d.Value.Count)));
        foreach (var (group, topic) in expected)
        {
            var letters = deadLetters[(group, topic)];
            Assert.All(letters, r => Assert.Equal(Topics.DeadLetter(topic), r.Topic));
            Assert.Equal(PerTopic, letters.Select(r => (OrchestratorHarness.Header(r, KafkaHeaderNames.DeadLetterSourcePartition), OrchestratorHarness.Header(r, KafkaHeaderNames.DeadLetterSourceOffset))).Distinct().Count());
            Assert.All(letters, r => Assert.Equal(typeof(PoisonMessageException).FullName, OrchestratorHarness.Header(r, KafkaHeaderNames.DeadLetterErrorType)));
            // Each kind of malformation is named as such, by whichever group read it.
            var errors = letters.Select(r => OrchestratorHarness.Header(r, KafkaHeaderNames.DeadLetterError) ?? "").ToList();
            Assert.Equal(PerTopic / Kinds, errors.Count(e => e.Contains("contains a NUL character")));
            Assert.Equal(PerTopic / Kinds, errors.Count(e => e.Contains("was expected on this topic")));
            Assert.Equal(PerTopic / 2, errors.Count(e => e.Contains("is not a valid") && !e.Contains("NUL")));
        }

        var coded = await harness.WaitForStageAsync(id, Stage.CodePhase, TimeSpan.FromMinutes(2));
        Assert.Equal((PlanIdentity.ForRequest(id), RetrievalPlanner.Name), (coded.Plan!.Id, coded.Plan.Planner));
        foreach (var service in new[] { harness.Http, system.Planner.Client })
        {
            using var health = await service.GetAsync("/health");
            Assert.True(health.IsSuccessStatusCode, await health.Content.ReadAsStringAsync());
        }
    }

    private sealed record Submitted(string Id);

    /// <summary>The dead letters of <paramref name="topics"/> by consumer group and source topic, once <paramref name="done"/> (or after four minutes).</summary>
    private static async Task<Dictionary<(string Group, string Topic), List<ConsumeResult<string, byte[]>>>> DeadLettersAsync(
        OrchestratorHarness harness, IReadOnlyList<string> topics, Func<Dictionary<(string Group, string Topic), List<ConsumeResult<string, byte[]>>>, bool> done)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(4);
        while (true)
        {
            var deadLetters = topics.SelectMany(topic => harness.ReadTopic(Topics.DeadLetter(topic)))
                .GroupBy(r => (Group: OrchestratorHarness.Header(r, KafkaHeaderNames.DeadLetterConsumerGroup) ?? "", Topic: OrchestratorHarness.Header(r, KafkaHeaderNames.DeadLetterSourceTopic) ?? ""))
                .ToDictionary(g => g.Key, g => g.ToList());
            if (done(deadLetters) || DateTime.UtcNow > deadline) return deadLetters;
            await Task.Delay(TimeSpan.FromMilliseconds(500));
        }
    }

    private static IEnumerable<(string Group, IReadOnlyList<string> Topics)> ConsumerGroups(IServiceProvider services) =>
        services.GetServices<IHostedService>().OfType<KafkaConsumerLoop>().Select(loop => (loop.GroupId, loop.ConsumedTopics));

    /// <summary>Record <paramref name="i"/> of four kinds, as the audit sent them: bytes no parser accepts, another message type, a NUL in a string.</summary>
    private static Message<Null, byte[]> Malformed(string topic, int i)
    {
        var type = PipelineMessages.DescriptorFor(topic) ?? throw new InvalidOperationException($"{topic} carries no known message type.");
        return (i % Kinds) switch
        {
            0 => new() { Value = [0x0A, 0x7F, (byte)i] },           // a string whose length runs past the end
            1 => new() { Value = [0x08, (byte)(0x80 | i)] },        // a varint cut short
            2 => new()                                              // a valid message of another type
            {
                Value = ChangeRequest.Descriptor == type ? new Plan { Id = $"p{i}" }.ToByteArray() : new ChangeRequest { Id = $"c{i}" }.ToByteArray(),
                Headers = new Headers { { KafkaHeaderNames.ContentType, Encoding.UTF8.GetBytes(MessageTypes.ContentType(ChangeRequest.Descriptor == type ? Plan.Descriptor : ChangeRequest.Descriptor)) } },
            },
            _ => new() { Value = WithNul(type, i).ToByteArray() },  // well-formed protobuf, but PostgreSQL cannot keep the text
        };
    }

    private static IMessage WithNul(MessageDescriptor type, int i)
    {
        var message = type.Parser.ParseFrom([]);
        var text = type.Fields.InFieldNumberOrder().First(f => f.FieldType == FieldType.String && !f.IsRepeated);
        text.Accessor.SetValue(message, $"poison\0{i}");
        return message;
    }
}

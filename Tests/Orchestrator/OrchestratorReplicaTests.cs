using System.Net.Http.Json;
using Contracts;
using Microsoft.Extensions.DependencyInjection;
using Orchestrator.Replicas;
using Orchestrator.Workflow;
using Tests.Infrastructure;
using static Tests.Orchestrator.WorkflowMessages;

namespace Tests.Orchestrator;

/// <summary>Several Orchestrators in group <c>orchestrator</c> over one database: any replica serves the API, one leads the workers.</summary>
public sealed class OrchestratorReplicaTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    private static readonly Trigger[] HappyPath =
        [Trigger.Crq, Trigger.Plan, Trigger.TaskOk, Trigger.CodeOk, Trigger.BuildOk, Trigger.Tspec, Trigger.GtOk, Trigger.Build2Ok];

    /// <summary>Longer than the test waits: an event stream that sees a commit was woken by the other replica's NOTIFY.</summary>
    private static readonly Dictionary<string, string?> NoPolling = new() { ["Orchestrator:Events:PollInterval"] = "00:10:00" };

    [Fact]
    public async Task An_event_stream_on_one_replica_sees_the_transitions_another_replica_applies()
    {
        // A consumes and relays; B only serves HTTP, so every transition is applied (and committed) by A.
        await using var harness = await OrchestratorHarness.StartAsync(postgres, "replica_events", NoPolling);
        await using var b = await harness.StartReplicaAsync(new Dictionary<string, string?>
        {
            ["Orchestrator:Kafka:ConsumerEnabled"] = "false",
            ["Orchestrator:Outbox:RelayEnabled"] = "false",
        });
        using var http = new HttpClient { BaseAddress = new Uri(b.Urls.First()) };
        var id = await harness.SubmitAsync();

        using var events = await http.GetAsync($"/api/change-requests/{id}/events", HttpCompletionOption.ResponseHeadersRead);
        using var reader = new StreamReader(await events.Content.ReadAsStreamAsync());
        Assert.Equal("crq", (await ReadEventAsync(reader)).Trigger);

        await harness.PublishAsync(Topics.PlanOut, id, ReadyPlan(id, steps: 1));
        Assert.Equal(("transition", "plan"), await ReadEventAsync(reader));
        await harness.PublishAsync(Topics.CommitResultOut, id, Commit(id, 1, success: false));
        Assert.Equal(("transition", "code_fail"), await ReadEventAsync(reader));
        Assert.Equal("end", (await ReadEventAsync(reader)).Event);
    }

    [Fact]
    public async Task One_replica_leads_the_workers_and_another_takes_over_when_its_session_ends()
    {
        var fastCheck = new Dictionary<string, string?> { ["Orchestrator:Replicas:LeaderCheckInterval"] = "00:00:00.200" };
        await using var harness = await OrchestratorHarness.StartAsync(postgres, "replica_leader", fastCheck);
        var first = harness.Services.GetRequiredService<ReplicaLeadership>();
        await OrchestratorHarness.WaitUntilAsync(() => Task.FromResult(first.IsLeader), "the first replica to lead");
        await using var b = await harness.StartReplicaAsync();
        var second = b.Services.GetRequiredService<ReplicaLeadership>();
        Assert.False(second.IsLeader);

        // The leader's lock session ends (as when Postgres drops it); its process lives on.
        Assert.Equal(1, await harness.CountAsync(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_locks WHERE locktype = 'advisory' AND granted AND objsubid = 1 " +
            "AND classid = x'4F524348'::int::oid AND objid = x'4C454144'::int::oid AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"));
        await OrchestratorHarness.WaitUntilAsync(() => Task.FromResult(second.IsLeader && !first.IsLeader), "the second replica to take over");

        // The new leader relays what the other replica commits: a submission there reaches change.request.in once.
        var id = await harness.SubmitAsync();
        Assert.Single(await harness.WaitForTopicAsync(Topics.ChangeRequestIn, id));
        Assert.False(first.IsLeader);
    }

    [Fact]
    public async Task Two_replica_processes_one_killed_mid_load_and_one_started_finish_every_request_exactly_once()
    {
        const int Requests = 40;
        await using var harness = await OrchestratorHarness.StartAsync(postgres, "replica_kill", start: false);
        await using var a = await OrchestratorProcess.StartAsync("replica-a", harness.Settings);
        await using var b = await OrchestratorProcess.StartAsync("replica-b", harness.Settings);
        var leader = await LeaderAsync(harness);
        Assert.True(leader is "replica-a" or "replica-b", $"leader: {leader}");

        var replicas = new[] { a, b };
        var ids = await Task.WhenAll(Enumerable.Range(0, Requests).Select(i => SubmitAsync(replicas[i % 2].Http, i)));
        var pipeline = new StandInPipeline(harness);
        foreach (var id in ids) pipeline.Add(id, Scenario.HappyPath);
        var run = pipeline.RunAsync(TimeSpan.FromMinutes(2));

        // Mid-load: the leader (relay, workers, a share of the partitions) dies without any shutdown; later a new replica joins.
        await OrchestratorHarness.WaitUntilAsync(async () => await harness.CountAsync("SELECT count(*) FROM history WHERE applied") >= Requests * 3,
            "the load to be under way");
        var (killed, survivor) = leader == a.Name ? (a, b) : (b, a);
        await killed.KillAsync();
        Assert.True(await harness.CountAsync("SELECT count(*) FROM history WHERE applied") < Requests * HappyPath.Length, "the kill came after the load ended");
        await using var c = await OrchestratorProcess.StartAsync("replica-c", harness.Settings);

        try
        {
            await run;
        }
        catch (TimeoutException ex)
        {
            Assert.Fail($"{ex.Message}\n{survivor.Output}\n{c.Output}");
        }

        foreach (var id in ids)
        {
            var timeline = await harness.TimelineAsync(id);
            Assert.Equal(HappyPath, timeline.Where(t => t.Entry.Applied).Select(t => t.Entry.Trigger));
        }
        // Each transition's input is in the inbox once and was applied once.
        Assert.Equal(0, await harness.CountAsync(
            "SELECT count(*) FROM (SELECT message_id FROM history WHERE applied GROUP BY message_id HAVING count(*) > 1) twice"));
        Assert.Equal(0, await harness.CountAsync(
            "SELECT count(*) FROM history h WHERE applied AND source_topic <> 'http' AND NOT EXISTS (SELECT 1 FROM inbox i WHERE i.message_id = h.message_id)"));
        // The new leader published what the dead one left in the outbox, each message once.
        await OrchestratorHarness.WaitUntilAsync(async () => await harness.Queries.UnpublishedCountAsync(default) == 0, "the outbox to drain");
        Assert.Equal(ids.Order(), harness.ReadTopic(Topics.CodeTaskOut).Select(r => r.Message.Key).Order());
        Assert.NotEqual(killed.Name, await LeaderAsync(harness));
    }

    /// <summary>The application name of the session holding the leadership lock.</summary>
    private static async Task<string?> LeaderAsync(OrchestratorHarness harness)
    {
        string? leader = null;
        await OrchestratorHarness.WaitUntilAsync(async () =>
        {
            await using var command = harness.DataSource.CreateCommand(
                "SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid WHERE l.locktype = 'advisory' AND l.granted " +
                "AND l.objsubid = 1 AND l.classid = x'4F524348'::int::oid AND l.objid = x'4C454144'::int::oid AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())");
            leader = await command.ExecuteScalarAsync() as string;
            return leader is not null;
        }, "a replica to lead");
        return leader;
    }

    private static async Task<string> SubmitAsync(HttpClient http, int i)
    {
        using var response = await http.PostAsJsonAsync("/api/change-requests",
            new { repo = "https://example.test/app.git", branch = "main", description = $"replica request {i}", requester = "tester" });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<Submitted>())!.Id;
    }

    private sealed record Submitted(string Id);

    /// <summary>The next event's name and, for a transition, its trigger.</summary>
    private static async Task<(string Event, string? Trigger)> ReadEventAsync(StreamReader reader)
    {
        using var timeout = new CancellationTokenSource(OrchestratorHarness.Timeout);
        string? name = null;
        while (await reader.ReadLineAsync(timeout.Token) is { } line)
        {
            if (line.StartsWith("event: ", StringComparison.Ordinal)) name = line["event: ".Length..];
            else if (line.StartsWith("data: ", StringComparison.Ordinal) && name is not null)
                return (name, System.Text.Json.JsonDocument.Parse(line["data: ".Length..]).RootElement.TryGetProperty("trigger", out var trigger) ? trigger.GetString() : null);
        }
        throw new EndOfStreamException("The event stream ended.");
    }
}

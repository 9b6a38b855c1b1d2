using System.Text.Json;
using Contracts;
using Contracts.Core;

namespace Tests.EndToEnd;

/// <summary>The whole system as the AppHost runs it (Aspire.Hosting.Testing): HTTP in, plan out, later phases played by the test.</summary>
[Collection(PipelineCollection.Name)]
public sealed class PipelineEndToEndTests(PipelineFixture pipeline)
{
    private const string Description = "add greet() to the app and call it from main";

    [Fact]
    public async Task Submitted_request_gets_a_plan_with_reserved_leases_and_enters_code_phase()
    {
        var id = await pipeline.SubmitAsync("e2e-plan", Description);
        var request = await pipeline.WaitForStageAsync(id, "code_phase");

        var plan = request.GetProperty("plan");
        Assert.NotEqual(0, plan.GetProperty("steps").GetArrayLength());
        Assert.Contains("retrieval", plan.GetProperty("planner").GetString());
        var leaseIds = request.GetProperty("leases").GetProperty("reservedLeaseIds").EnumerateArray().Select(e => long.Parse(e.GetString()!, System.Globalization.CultureInfo.InvariantCulture)).ToHashSet();
        Assert.NotEmpty(leaseIds);

        var held = await pipeline.LeasesOfPlanAsync(plan.GetProperty("id").GetString()!);
        Assert.Equal(leaseIds, held.Select(l => l.LeaseId).ToHashSet());
        Assert.Contains(held, l => l.FqName.EndsWith("greet", StringComparison.OrdinalIgnoreCase));
        Assert.Equal(request.GetProperty("pendingTasks").GetArrayLength(), plan.GetProperty("steps").GetArrayLength());
    }

    [Fact]
    public async Task Later_phases_drive_the_request_to_done_and_its_leases_are_released()
    {
        var id = await pipeline.SubmitAsync("e2e-done", Description);
        var planId = await PlayToDoneAsync(id);

        var done = await pipeline.WaitForAsync(id, r => r.GetProperty("leases").GetProperty("release").GetString() == "released", "leases released");
        Assert.Equal("done", done.GetProperty("stage").GetString());
        Assert.Empty(await pipeline.LeasesOfPlanAsync(planId));
        Assert.Equal(["idle", "plan_phase", "code_phase", "build1", "test_plan", "test_build", "build2", "done"], StagesOf(done));
    }

    [Fact]
    public async Task Failed_build_regresses_with_a_ticket_and_releases_the_leases()
    {
        var id = await pipeline.SubmitAsync("e2e-regress", Description);
        var planId = await CompleteCodePhaseAsync(id);
        await pipeline.Publisher.PublishAsync(Topics.BuildReportOut, id,
            new BuildReport { RequestId = id, Status = "FAILED", Log = "error CS1002: ; expected" }, CancellationToken.None);

        var regressed = await pipeline.WaitForAsync(id, r => r.GetProperty("stage").GetString() == "regress"
            && r.GetProperty("leases").GetProperty("release").GetString() == "released", "regress with released leases");
        var ticket = Assert.Single(regressed.GetProperty("tickets").EnumerateArray());
        Assert.Equal("build1", ticket.GetProperty("stage").GetString());
        Assert.Empty(await pipeline.LeasesOfPlanAsync(planId));
    }

    [Fact]
    public async Task Services_killed_mid_run_restart_and_every_request_ends_exactly_once()
    {
        var ids = new List<string>();
        for (var i = 0; i < 4; i++) ids.Add(await pipeline.SubmitAsync($"e2e-crash-{i}", Description));

        // The planner dies while requests wait for plans; the Orchestrator dies while they move through the phases.
        await pipeline.CrashAndRestartAsync("requestplanner");
        foreach (var id in ids) await pipeline.WaitForStageAsync(id, "code_phase");

        var playing = ids.Select(PlayToDoneAsync).ToList();
        await pipeline.CrashAndRestartAsync("orchestrator");
        await Task.WhenAll(playing);

        foreach (var id in ids)
        {
            var request = await pipeline.WaitForStageAsync(id, "done");
            var applied = request.GetProperty("timeline").EnumerateArray().Where(t => t.GetProperty("applied").GetBoolean()).ToList();
            Assert.Single(applied, t => t.GetProperty("to").GetString() == "done");
            Assert.Equal(applied.Count, applied.Select(t => (t.GetProperty("from").GetString(), t.GetProperty("to").GetString())).Distinct().Count());
        }
    }

    /// <summary>Commits every pending task and returns the plan id once the request is in build1.</summary>
    private async Task<string> CompleteCodePhaseAsync(string id)
    {
        var request = await pipeline.WaitForStageAsync(id, "code_phase");
        foreach (var task in request.GetProperty("pendingTasks").EnumerateArray())
        {
            await pipeline.Publisher.PublishAsync(Topics.CommitResultOut, id,
                new CommitResult { RequestId = id, TaskId = task.GetString()!, Status = "SUCCESS", CommitSha = "abc123" },
                CancellationToken.None);
        }
        await pipeline.WaitForStageAsync(id, "build1");
        return request.GetProperty("plan").GetProperty("id").GetString()!;
    }

    /// <summary>Plays the code, build and test agents' messages, waiting for each stage, until done.</summary>
    private async Task<string> PlayToDoneAsync(string id)
    {
        var planId = await CompleteCodePhaseAsync(id);
        await Send(Topics.BuildReportOut, new BuildReport { RequestId = id, Status = "PASSED" }, "test_plan");
        await Send(Topics.TestSpecOut, new TestSpec { RequestId = id, Cases = { "greet prints a greeting" } }, "test_build");
        await Send(Topics.GeneratedTestsOut, new GeneratedTests { RequestId = id, Precheck = "PASSED" }, "build2");
        await Send(Topics.BuildReportOut, new BuildReport { RequestId = id, Status = "PASSED" }, "done");
        return planId;

        async Task Send<T>(string topic, T message, string next) where T : Google.Protobuf.IMessage<T>
        {
            // Sent once: a message the killed Orchestrator consumed but never committed is redelivered to its successor.
            await pipeline.Publisher.PublishAsync(topic, id, message, CancellationToken.None);
            await pipeline.WaitForStageAsync(id, next, TimeSpan.FromSeconds(180));
        }
    }

    private static List<string> StagesOf(JsonElement request)
    {
        var applied = request.GetProperty("timeline").EnumerateArray().Where(t => t.GetProperty("applied").GetBoolean()).ToList();
        return [applied[0].GetProperty("from").GetString()!, .. applied.Select(t => t.GetProperty("to").GetString()!)];
    }
}

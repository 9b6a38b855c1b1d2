using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Contracts.Core;
using Orchestrator.Workflow;
using Tests.Infrastructure;

namespace Tests.Orchestrator;

/// <summary>
/// The front door asks the real RagService about a request's repository: a specific 400 for each way it cannot be planned,
/// and a repository that was never indexed is indexed before planning (the first line of the timeline says so).
/// </summary>
public sealed class RepositoryDoorTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    [Fact]
    public async Task Each_unplannable_repository_gets_its_own_400_and_a_plannable_one_is_indexed_first()
    {
        await using var system = await ReviewFlowSystem.StartAsync(postgres, "door");
        var http = system.Orchestrator.Http;
        var plain = Path.Combine(system.Workspace, "plain");
        Directory.CreateDirectory(plain);
        File.WriteAllText(Path.Combine(plain, "notes.py"), "def note():\n    return 1\n");

        async Task<(HttpStatusCode Status, JsonElement Body)> Submit(string repo, string branch)
        {
            using var response = await http.PostAsJsonAsync("/api/change-requests", new { repo, branch, description = "add greet() and call it from main", requester = "ana" });
            return (response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone());
        }
        static string Error(JsonElement body, string field) => body.GetProperty("errors").GetProperty(field)[0].GetString()!;

        var missing = await Submit(Path.Combine(system.Workspace, "no-such-repo"), "trunk");
        Assert.Equal(HttpStatusCode.BadRequest, missing.Status);
        Assert.Contains("does not exist", Error(missing.Body, "repo"));

        var file = await Submit(Path.Combine(system.Repository, "README.md"), "trunk");
        Assert.Equal(HttpStatusCode.BadRequest, file.Status);
        Assert.Contains("is a file, not a directory", Error(file.Body, "repo"));

        var outside = await Submit("/etc", "trunk");
        Assert.Equal(HttpStatusCode.BadRequest, outside.Status);
        Assert.Contains("outside the workspace roots", Error(outside.Body, "repo"));
        Assert.Contains(WorkspaceRoot(system), Error(outside.Body, "repo"));
        Assert.Contains("Rag:WorkspaceRoots", Error(outside.Body, "repo"));

        var relative = await Submit("shop", "trunk");
        Assert.Equal(HttpStatusCode.BadRequest, relative.Status);
        Assert.Contains("not an absolute path", Error(relative.Body, "repo"));

        var branch = await Submit(system.Repository, "no-such-branch");
        Assert.Equal(HttpStatusCode.BadRequest, branch.Status);
        Assert.Contains("has no branch 'no-such-branch' (its current branch is 'trunk')", Error(branch.Body, "branch"));
        Assert.Equal(0, await system.Orchestrator.CountAsync("SELECT count(*) FROM requests"));

        // The page's branch default.
        var described = JsonDocument.Parse(await http.GetStringAsync($"/api/repositories?path={Uri.EscapeDataString(system.Repository)}")).RootElement;
        Assert.Equal((true, true, "trunk"), (described.GetProperty("ok").GetBoolean(), described.GetProperty("git").GetBoolean(), described.GetProperty("currentBranch").GetString()));

        // A folder that is not a git working tree is accepted and indexed as a plain folder.
        var folder = await Submit(plain, "main");
        Assert.Equal(HttpStatusCode.Accepted, folder.Status);
        var folderTimeline = await system.Orchestrator.TimelineAsync(folder.Body.GetProperty("id").GetString()!);
        Assert.Contains("plain folder", folderTimeline[0].Entry.Detail);

        // A git working tree never indexed: indexed at the door, then planned.
        var accepted = await Submit(system.Repository, "trunk");
        Assert.Equal(HttpStatusCode.Accepted, accepted.Status);
        var id = accepted.Body.GetProperty("id").GetString()!;
        var timeline = await system.Orchestrator.TimelineAsync(id);
        Assert.Equal((Trigger.Index, false), (timeline[0].Entry.Trigger, timeline[0].Entry.Applied));
        Assert.Matches(@"indexed .+@trunk: 3 file\(s\), \d+ chunk\(s\); 3 changed", timeline[0].Entry.Detail);
        var coded = await system.Orchestrator.WaitForStageAsync(id, Stage.CodePhase);
        Assert.NotEmpty(coded.Plan!.Steps);
    }

    private static string WorkspaceRoot(ReviewFlowSystem system) => RagService.Repositories.WorkspaceRoots.Canonical(system.Workspace);
}

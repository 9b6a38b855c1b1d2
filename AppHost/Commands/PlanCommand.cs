using System.CommandLine;
using AppHost.Hosting;
using AppHost.Terminal;
using Contracts.Core;
using Microsoft.Extensions.Logging;

namespace AppHost.Commands;

/// <summary>
/// <c>dotnet run --project AppHost -- plan --repo PATH "description"</c>: starts the system, indexes PATH,
/// submits the change request, follows it until its plan is out, prints the plan and stops everything.
/// </summary>
public static class PlanCommand
{
    public static Command Create(CancellationToken shutdown)
    {
        var repo = new Option<DirectoryInfo>("--repo") { Description = "Working tree of the git repository to plan for.", DefaultValueFactory = _ => new DirectoryInfo(".") };
        var branch = new Option<string?>("--branch") { Description = "Branch name (default: the working tree's current branch)." };
        var json = new Option<bool>("--json") { Description = "Print the plan as JSON (protobuf JSON mapping) only." };
        var verbose = new Option<bool>("--verbose") { Description = "Show every service's log lines (otherwise they go to files under the data directory)." };
        var keepLeases = new Option<bool>("--keep-leases") { Description = "Keep the plan's symbol leases after the command exits (they expire after their TTL)." };
        var timeout = new Option<int>("--timeout") { Description = "Seconds to wait for the plan.", DefaultValueFactory = _ => 300 };
        var description = new Argument<string>("description") { Description = "The change request, in words." };

        var command = new Command("plan", "Plan one change request for a repository and print the plan.") { repo, branch, json, verbose, keepLeases, timeout, description };
        command.SetAction((parse, _) => RunAsync(
            new PlanRequest(parse.GetValue(repo)!.FullName, parse.GetValue(branch), parse.GetValue(description)!, parse.GetValue(json),
                parse.GetValue(verbose), parse.GetValue(keepLeases), TimeSpan.FromSeconds(parse.GetValue(timeout))),
            shutdown));
        return command;
    }

    private static async Task<int> RunAsync(PlanRequest request, CancellationToken shutdown)
    {
        if (!Directory.Exists(request.RepositoryPath))
        {
            await Console.Error.WriteLineAsync($"No such folder: {request.RepositoryPath}. Pass --repo with the working tree to plan for.");
            return 2;
        }

        var configuration = AppHostConfiguration.Load();
        var dataDirectory = AppHostConfiguration.DataDirectory(configuration);
        using var loggerFactory = AppHostLogging.Create(request.Verbose ? LogLevel.Information : LogLevel.Warning);
        using var serviceLogs = new ResourceLogFiles(Path.Combine(dataDirectory, "logs"));
        var log = new ResourceLog(PipelineResources.Services.Select(s => s.Name));
        var options = new LocalSystemOptions
        {
            DataDirectory = dataDirectory,
            WorkspaceRoots = [request.RepositoryPath],
            Configuration = configuration,
            Output = request.Verbose ? log.Write : serviceLogs.Write,
        };

        await using var system = new LocalDistributedApplication(options, loggerFactory);
        try
        {
            Progress("starting Postgres, Kafka and the four services...");
            await system.StartAsync(shutdown);
            var session = new PlanSession(system, loggerFactory);
            await using (session)
            {
                var branch = request.Branch ?? await GitBranch.CurrentAsync(request.RepositoryPath, shutdown);
                Progress($"indexing {request.RepositoryPath} ({branch})...");
                var status = await session.IndexAsync(request.RepositoryPath, branch, shutdown);
                Progress($"indexed {status.Files} files, {status.Chunks} chunks; submitting the change request...");
                var id = await session.SubmitAsync(request.RepositoryPath, branch, request.Description, shutdown);
                Progress($"request {id} submitted; waiting for its plan...");
                var plan = await session.WaitForPlanAsync(id, request.Timeout, shutdown);

                if (request.Json) Console.WriteLine(PlanPrinter.ToJson(plan));
                else PlanPrinter.Print(plan);

                // Nothing acts on the plan once this command stops the system, so by default its leases go too.
                if (!request.KeepLeases && plan.ReservedLeaseIds.Count > 0)
                {
                    var released = await session.ReleaseLeasesAsync(plan.Id, shutdown);
                    Progress($"released the plan's {released} leases (pass --keep-leases to hold them until they expire)");
                }
                return plan.Status == PlanStatus.Ready ? 0 : 3;
            }
        }
        catch (OperationCanceledException) when (shutdown.IsCancellationRequested)
        {
            return 130;
        }
        catch (Exception e) when (e is InvalidOperationException or TimeoutException or FileNotFoundException or HttpRequestException or Grpc.Core.RpcException)
        {
            await Console.Error.WriteLineAsync($"plan failed: {e.Message}\nService logs are in {serviceLogs.Directory}; run again with --verbose to see them live.");
            return 1;
        }
        finally
        {
            Progress("stopping everything...");
        }
    }

    private static void Progress(string message) => Console.Error.WriteLine($"plan: {message}");

    private sealed record PlanRequest(string RepositoryPath, string? Branch, string Description, bool Json, bool Verbose, bool KeepLeases, TimeSpan Timeout);
}

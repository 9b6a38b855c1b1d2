using System.CommandLine;
using Contracts.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace AppHost.Commands;

/// <summary>
/// <c>dotnet run --project AppHost -- plan --repo PATH "description"</c>: the app model of Program.cs without the
/// dashboard; once every resource is healthy it indexes PATH, submits the change request, waits for its plan,
/// prints it, closes the request and stops everything. Logs go to stderr (and service logs to files), so stdout
/// holds only the plan.
/// </summary>
public sealed class PlanCommand
{
    private PlanCommand(PlanRequest? request, int? exitCode)
    {
        Request = request;
        ExitCode = exitCode;
    }

    public PlanRequest? Request { get; }

    /// <summary>Set when the arguments were handled without running (help, or an error already reported).</summary>
    public int? ExitCode { get; }

    /// <summary>Null unless <paramref name="args"/> start with <c>plan</c>.</summary>
    public static PlanCommand? Parse(string[] args)
    {
        if (args is not ["plan", ..]) return null;
        var repo = new Option<DirectoryInfo>("--repo") { Description = "Working tree of the git repository to plan for.", DefaultValueFactory = _ => new DirectoryInfo(".") };
        var branch = new Option<string?>("--branch") { Description = "Branch name (default: the working tree's current branch)." };
        var json = new Option<bool>("--json") { Description = "Print only the plan as JSON (protobuf JSON mapping) on stdout." };
        var verbose = new Option<bool>("--verbose") { Description = "Show every resource's log lines on stderr (otherwise they go to files under the data directory)." };
        var keepLeases = new Option<bool>("--keep-leases") { Description = "Leave the request open and its symbol leases held after the command exits (they expire after their TTL)." };
        var timeout = new Option<int>("--timeout") { Description = "Seconds to wait for the plan.", DefaultValueFactory = _ => 300 };
        var description = new Argument<string>("description") { Description = "The change request, in words." };
        var command = new RootCommand("Plan one change request for a repository and print the plan.") { repo, branch, json, verbose, keepLeases, timeout, description };

        PlanRequest? request = null;
        command.SetAction(parse =>
        {
            request = new PlanRequest(parse.GetValue(repo)!.FullName, parse.GetValue(branch), parse.GetValue(description)!, parse.GetValue(json),
                parse.GetValue(verbose), parse.GetValue(keepLeases), TimeSpan.FromSeconds(parse.GetValue(timeout)));
            return 0;
        });
        var exit = command.Parse(args[1..]).Invoke(new InvocationConfiguration { Output = Console.Error });
        if (request is null) return new PlanCommand(null, exit == 0 ? 0 : 2);
        if (!Directory.Exists(request.RepositoryPath))
        {
            Console.Error.WriteLine($"No such folder: {request.RepositoryPath}. Pass --repo with the working tree to plan for.");
            return new PlanCommand(null, 2);
        }
        return new PlanCommand(request, null);
    }

    /// <summary>The same app model, without the dashboard, with RagService allowed to index the repository only.</summary>
    public DistributedApplicationOptions Options => LocalDashboard.Options([$"--AppHost:WorkspaceRoots:0={Request!.RepositoryPath}"], disableDashboard: true);

    /// <summary>Every log line on stderr (stdout is the plan's); only warnings unless --verbose.</summary>
    public void ConfigureLogging(IDistributedApplicationBuilder builder) => builder.Services.AddLogging(logging => logging
        .ClearProviders()
        .AddSimpleConsole(console => console.SingleLine = true)
        .AddConsole(console => console.LogToStandardErrorThreshold = LogLevel.Trace)
        .AddFilter(level => level >= (Request!.Verbose ? LogLevel.Information : LogLevel.Warning)));

    public async Task<int> RunAsync(DistributedApplication app)
    {
        var request = Request!;
        var stopping = app.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
        var dataDirectory = app.Services.GetRequiredService<AppHostSettings>().DataDirectory;
        using var logs = new ResourceLogs(app, request.Verbose ? null : Path.Combine(dataDirectory, "logs"));
        try
        {
            Progress("starting Postgres, Kafka and the four services...");
            await app.StartAsync(stopping);
            await using var session = await PlanSession.StartAsync(app, stopping);
            var branch = request.Branch ?? await GitBranch.CurrentAsync(request.RepositoryPath, stopping);
            Progress($"indexing {request.RepositoryPath} ({branch})...");
            var status = await session.IndexAsync(request.RepositoryPath, branch, stopping);
            Progress($"indexed {status.Files} files, {status.Chunks} chunks; submitting the change request...");
            var id = await session.SubmitAsync(request.RepositoryPath, branch, request.Description, stopping);
            Progress($"request {id} submitted; waiting for its plan...");
            var plan = await session.WaitForPlanAsync(id, request.Timeout, stopping);

            Console.Out.Write(request.Json ? PlanPrinter.ToJson(plan) + Environment.NewLine : PlanPrinter.ToText(plan));
            await Console.Out.FlushAsync(stopping);

            // Nothing acts on the plan once this command stops the system: close the request unless asked not to.
            if (!request.KeepLeases)
                Progress(await session.CloseAsync(id, stopping));
            return plan.Status == PlanStatus.Ready ? 0 : 3;
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            return 130;
        }
        catch (Exception e) when (e is InvalidOperationException or TimeoutException or HttpRequestException or Grpc.Core.RpcException or DistributedApplicationException)
        {
            await Console.Error.WriteLineAsync($"plan failed: {e.Message}\n" +
                (logs.Directory is { } folder ? $"Service logs are in {folder}; run again with --verbose to see them live." : ""));
            return 1;
        }
        finally
        {
            Progress("stopping everything...");
            await app.StopAsync(CancellationToken.None);
            await app.DisposeAsync();
        }
    }

    private static void Progress(string message) => Console.Error.WriteLine($"plan: {message}");
}

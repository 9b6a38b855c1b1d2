using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Tests.Infrastructure;
using Tests.Orchestrator;

namespace Tests.EndToEnd;

/// <summary>
/// The AppHost as a newcomer runs it (<c>dotnet run --project AppHost</c>, the http profile's settings, on ports of this
/// run): the dashboard lists every resource Running and healthy, the web page's URL is the last line printed, and
/// Ctrl+C leaves no process behind.
/// </summary>
public sealed partial class AppHostRunTests
{
    private static readonly string[] Resources = ["postgres", "srmdb", "ragdb", "orchestratordb", "kafka", "srm", "ragservice", "requestplanner", "orchestrator"];

    [ChromiumFact]
    public async Task Dashboard_shows_every_resource_running_and_Ctrl_C_leaves_no_process()
    {
        var data = Directory.CreateTempSubdirectory("apphost-run-");
        // As root, the local Postgres runs as user 'postgres', which must be able to enter the folder.
        File.SetUnixFileMode(data.FullName, (UnixFileMode)0b111_101_101);
        var dashboard = $"http://localhost:{FreePort()}";
        var otlp = $"http://localhost:{FreePort()}";
        var start = new ProcessStartInfo("dotnet", [RepositoryPaths.AppHostAssembly])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetDirectoryName(RepositoryPaths.AppHostAssembly)!,
            Environment =
            {
                ["DOTNET_ENVIRONMENT"] = "Development",
                ["ASPNETCORE_ENVIRONMENT"] = "Development",
                ["ASPNETCORE_URLS"] = dashboard,
                ["ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL"] = otlp,
                ["ASPIRE_RESOURCE_SERVICE_ENDPOINT_URL"] = $"http://localhost:{FreePort()}",
                ["ASPIRE_ALLOW_UNSECURED_TRANSPORT"] = "true",
                ["DcpPublisher__RandomizePorts"] = "true",
                ["AppHost__DataDirectory"] = data.FullName,
                ["AppHost__Infrastructure"] = "local",
                ["OpenAI__ApiKey"] = "",
            },
        };
        using var appHost = Process.Start(start)!;
        var output = new List<string>();
        var healthy = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnLine(string? line)
        {
            if (line is null) return;
            lock (output) output.Add(line);
            if (line.Contains("All resources are healthy. Web page: ", StringComparison.Ordinal)) healthy.TrySetResult();
        }
        appHost.OutputDataReceived += (_, e) => OnLine(e.Data);
        appHost.ErrorDataReceived += (_, e) => OnLine(e.Data);
        appHost.BeginOutputReadLine();
        appHost.BeginErrorReadLine();

        try
        {
            await Task.WhenAny(healthy.Task, appHost.WaitForExitAsync(), Task.Delay(TimeSpan.FromMinutes(4)));
            Assert.True(healthy.Task.IsCompleted, "the AppHost did not report every resource healthy:\n" + Snapshot(output));
            var login = LoginUrl().Match(Snapshot(output));
            Assert.True(login.Success, "no dashboard login URL printed:\n" + Snapshot(output));
            await Task.Delay(500);
            Assert.Matches(@"Web page: http://localhost:\d+/$", Snapshot(output).TrimEnd().Split('\n')[^1]);

            await AssertDashboardListsEveryResourceRunningAsync(login.Groups["url"].Value);

            // Every service of this run exports telemetry to this run's OTLP endpoint; postgres names this run's data folder.
            var processes = ProcessTree.FindRun(appHost.Id, data.FullName, otlp);
            Assert.True(processes.Count >= 7, $"expected postgres, DCP and the four services of this run, found {processes.Count}:\n{Snapshot(output)}");
            Assert.True(Signals.Interrupt(appHost.Id), "could not send SIGINT");   // what Ctrl+C sends
            using var exit = new CancellationTokenSource(TimeSpan.FromMinutes(1));
            await appHost.WaitForExitAsync(exit.Token);
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
            while (processes.Any(ProcessTree.IsAlive) && DateTime.UtcNow < deadline) await Task.Delay(250);
            var survivors = processes.Where(ProcessTree.IsAlive).ToList();
            Assert.True(survivors.Count == 0, $"processes left behind: {string.Join(", ", survivors)}\n{Snapshot(output)}");
        }
        finally
        {
            if (!appHost.HasExited) appHost.Kill(entireProcessTree: true);
            try { data.Delete(recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    private static async Task AssertDashboardListsEveryResourceRunningAsync(string loginUrl)
    {
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumFactAttribute.ExecutablePath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1600, Height = 1000 } });
        page.SetDefaultTimeout(60_000);
        Assertions.SetDefaultExpectTimeout(60_000);
        await page.GotoAsync(loginUrl);
        foreach (var resource in Resources)
        {
            // The name cell's title is "<type>: <name>", so "srm" does not match srmdb's row.
            var row = page.GetByRole(AriaRole.Row).Filter(new LocatorFilterOptions { Has = page.Locator($"td[title$=': {resource}']") });
            await Assertions.Expect(row).ToHaveCountAsync(1);
            await Assertions.Expect(row).ToContainTextAsync("Running");
            await Assertions.Expect(row).Not.ToContainTextAsync("Unhealthy");
        }
        // The broker says what it is: its type reads "in-memory", and its details carry the full notice.
        await Assertions.Expect(page.Locator("td[title='Kafka (in-memory dev broker): kafka']")).ToHaveCountAsync(1);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(AppContext.BaseDirectory, "dashboard-resources.png"), FullPage = true });
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string Snapshot(List<string> output)
    {
        lock (output) return string.Join('\n', output.TakeLast(80));
    }

    [GeneratedRegex(@"Login to the dashboard at (?<url>http://\S+/login\?t=\w+)")]
    private static partial Regex LoginUrl();
}

using Contracts;
using Microsoft.Playwright;
using Tests.Infrastructure;
using static Tests.Orchestrator.WorkflowMessages;

namespace Tests.Orchestrator;

/// <summary>The web page in a real (headless) chromium, driven through Playwright's bundled node driver.</summary>
public sealed class OrchestratorBrowserTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    [ChromiumFact]
    public async Task Submitting_on_the_page_shows_the_timeline_advancing_live()
    {
        await using var harness = await OrchestratorHarness.StartAsync(postgres, "browser");
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumFactAttribute.ExecutablePath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
        var page = await browser.NewPageAsync();
        page.SetDefaultTimeout(30_000);
        await page.GotoAsync(harness.Address.ToString());

        // Bad input is refused with the server's explanation.
        await page.FillAsync("#repo", "https://example.test/app.git");
        await page.FillAsync("#branch", "has space");
        await page.FillAsync("#description", "add greet() and call it from main");
        await page.FillAsync("#requester", "browser-user");
        await page.UncheckAsync("#review"); // this test follows the pipeline; the review gate has its own
        await page.ClickAsync("#submit-button");
        await Assertions.Expect(page.Locator("#submit-status")).ToContainTextAsync("whitespace");

        await page.FillAsync("#branch", "main");
        await page.ClickAsync("#submit-button");
        await Assertions.Expect(page.Locator("#submit-status")).ToContainTextAsync("Accepted");
        await Assertions.Expect(page.Locator("#timeline tr")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator("#timeline")).ToContainTextAsync("crq");
        await Assertions.Expect(page.Locator("#detail-stage")).ToHaveAttributeAsync("data-stage", "plan_phase");
        var id = (await page.Locator("#detail-id").TextContentAsync())!;
        await Assertions.Expect(page.Locator($"#request-list li[data-id='{id}']")).ToHaveCountAsync(1);

        // Stand-in agents move the request on; the page follows through the event stream without reloading.
        await harness.PublishAsync(Topics.PlanOut, id, ReadyPlan(id, steps: 1));
        await Assertions.Expect(page.Locator("#detail-stage")).ToHaveAttributeAsync("data-stage", "code_phase");
        await Assertions.Expect(page.Locator("#timeline tr")).ToHaveCountAsync(2);
        await harness.PublishAsync(Topics.CommitResultOut, id, Commit(id, 1));
        await Assertions.Expect(page.Locator("#detail-stage")).ToHaveAttributeAsync("data-stage", "build1");
        await harness.PublishAsync(Topics.BuildReportOut, id, Build(id, passed: false));
        await Assertions.Expect(page.Locator("#detail-stage")).ToHaveAttributeAsync("data-stage", "regress");
        await Assertions.Expect(page.Locator("#timeline")).ToContainTextAsync("build_fail");
        await Assertions.Expect(page.Locator("#detail-tickets")).ToContainTextAsync("CS0103");
    }
}

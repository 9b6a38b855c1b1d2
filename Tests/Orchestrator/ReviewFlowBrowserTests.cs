using System.Net.Http.Json;
using System.Text.Json;
using Contracts;
using Contracts.Core;
using Microsoft.Playwright;
using Tests.Infrastructure;

namespace Tests.Orchestrator;

/// <summary>
/// Issue 14's flow in headless chromium: submit a request for a git repository from the page, watch it being planned
/// live, review the plan (symbols, leases, reasons), remove a step, approve, see code_phase and the TaskBundle carry the
/// edited plan; cancel another request and see its leases released. Screenshots go to the test output (screenshots/).
/// </summary>
public sealed class ReviewFlowBrowserTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    private static readonly string Screenshots = Path.Combine(AppContext.BaseDirectory, "screenshots");

    [ChromiumFact]
    public async Task A_plan_is_reviewed_edited_and_approved_on_the_page_and_another_request_is_cancelled()
    {
        await using var system = await ReviewFlowSystem.StartAsync(postgres, "review_flow");
        var harness = system.Orchestrator;
        Directory.CreateDirectory(Screenshots);

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumFactAttribute.ExecutablePath, Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 1600 } });
        page.SetDefaultTimeout(30_000);
        var consoleErrors = new List<string>();
        page.Console += (_, message) => { if (message.Type == "error") consoleErrors.Add($"{message.Text} ({message.Location})"); };
        await page.GotoAsync(harness.Address.ToString());

        // A path outside the workspace roots is refused as soon as it is typed, naming the roots and the setting.
        await page.FillAsync("#repo", "/etc");
        await page.PressAsync("#repo", "Tab");
        await Assertions.Expect(page.Locator("#repo-status")).ToContainTextAsync("outside the workspace roots");
        await Assertions.Expect(page.Locator("#repo-status")).ToContainTextAsync("Rag:WorkspaceRoots");

        // Submit from the page a repository never indexed; the branch defaults to the repository's; review is asked for by default.
        await page.FillAsync("#repo", system.Repository);
        await page.PressAsync("#repo", "Tab");
        await Assertions.Expect(page.Locator("#branch")).ToHaveValueAsync(ReviewFlowSystem.Branch);
        await page.FillAsync("#description", "add greet() to the shop app and call it from main");
        await page.FillAsync("#requester", "reviewer");
        Assert.True(await page.IsCheckedAsync("#review"));
        await page.ClickAsync("#submit-button");
        await Assertions.Expect(page.Locator("#submit-status")).ToContainTextAsync("Accepted");
        await Assertions.Expect(page.Locator("#detail-id")).Not.ToBeEmptyAsync();
        var id = (await page.Locator("#detail-id").TextContentAsync())!;
        Assert.EndsWith($"/requests/{id}", page.Url);

        // Indexed at the door (first on the timeline), then planned live: the plan waits in plan_review with its steps,
        // symbols, leases and reasons.
        await Assertions.Expect(page.Locator("#timeline tr").First).ToContainTextAsync($"indexed {system.Repository}@{ReviewFlowSystem.Branch}");
        await Assertions.Expect(page.Locator("#detail-stage")).ToHaveAttributeAsync("data-stage", "plan_review");
        await Assertions.Expect(page.Locator("#timeline")).ToContainTextAsync("waiting for review");
        var steps = page.Locator("#plan-steps .plan-step");
        await Assertions.Expect(steps).ToHaveCountAsync(2);
        await Assertions.Expect(page.Locator("#plan-steps")).ToContainTextAsync("greet");
        await Assertions.Expect(page.Locator("#plan-steps")).ToContainTextAsync("held by plan");
        await Assertions.Expect(page.Locator("#plan-steps .evidence").First).ToContainTextAsync("score");
        await Assertions.Expect(page.Locator("#detail-leases table.leases tbody tr").First).ToBeVisibleAsync();
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Screenshots, "1-plan-review.png"), FullPage = true });

        var before = (await harness.Queries.GetAsync(id, default))!;
        var planId = before.PlanId!;
        var removed = before.Plan!.Steps[1];
        var kept = before.Plan.Steps[0];
        var removedOnly = removed.Symbols.Except(kept.Symbols).ToList();
        Assert.NotEmpty(removedOnly);
        Assert.All(removedOnly, symbol => Assert.Contains(harness.Srm.LeasesOf(planId), l => l.FqName == symbol));

        // Remove the second step and approve: the edit is validated, the leases re-reserved, then the plan approved.
        await steps.Nth(1).Locator(".remove-step").ClickAsync();
        await Assertions.Expect(steps.Nth(1)).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("removed"));
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Screenshots, "2-step-removed.png"), FullPage = true });
        await page.ClickAsync("#action-approve");
        await Assertions.Expect(page.Locator("#detail-stage")).ToHaveAttributeAsync("data-stage", "code_phase");
        await Assertions.Expect(page.Locator("#timeline")).ToContainTextAsync($"removed step(s) {removed.Order}");
        await Assertions.Expect(page.Locator("#plan-steps .plan-step")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator("#detail-waiting")).ToContainTextAsync("nothing seems to consume code.task.out");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Screenshots, "3-approved-code-phase.png"), FullPage = true });

        var bundle = TaskBundle.Parser.ParseFrom(harness.ReadTopic(Topics.CodeTaskOut, id).Single().Message.Value);
        Assert.Equal([kept.Path], bundle.Tasks.Select(t => t.Step.Path));
        Assert.Equal([.. kept.Symbols], bundle.Tasks.Single().Step.Symbols);
        Assert.All(removedOnly, symbol => Assert.DoesNotContain(harness.Srm.LeasesOf(planId), l => l.FqName == symbol));
        Assert.All(kept.Symbols, symbol => Assert.Contains(harness.Srm.LeasesOf(planId), l => l.FqName == symbol));

        // Another request (an API client that does not ask for review) goes straight to code_phase; cancel it on its page.
        using var submitted = await harness.Http.PostAsJsonAsync("/api/change-requests",
            new { repo = system.Repository, branch = ReviewFlowSystem.Branch, description = "add record_refund() to the order book", requester = "api-client" });
        var other = JsonDocument.Parse(await submitted.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString()!;
        var coding = await harness.WaitForStageAsync(other, Stage.CodePhase);
        Assert.NotEmpty(harness.Srm.LeasesOf(coding.PlanId!));
        await page.GotoAsync(new Uri(harness.Address, $"/requests/{other}").ToString());
        await Assertions.Expect(page.Locator("#detail-stage")).ToHaveAttributeAsync("data-stage", "code_phase");
        await page.ClickAsync("#action-cancel-request");
        await Assertions.Expect(page.Locator("#detail-stage")).ToHaveAttributeAsync("data-stage", "cancelled");
        await OrchestratorHarness.WaitUntilAsync(() => Task.FromResult(harness.Srm.LeasesOf(coding.PlanId!).Count == 0), "the cancelled request's leases to be released");
        await page.ReloadAsync();
        await Assertions.Expect(page.Locator("#lease-release")).ToHaveAttributeAsync("data-release", "released");
        await Assertions.Expect(page.Locator("#action-retry")).ToBeVisibleAsync();
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Screenshots, "4-cancelled.png"), FullPage = true });
        Assert.True(consoleErrors.Count == 0, string.Join("\n", consoleErrors)); // the CSP blocked nothing the page needs
    }
}

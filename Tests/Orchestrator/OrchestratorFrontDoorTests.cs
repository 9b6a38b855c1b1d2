using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Orchestrator.Api;
using Contracts;
using Contracts.Core;
using Tests.Infrastructure;
using static Tests.Orchestrator.WorkflowMessages;

namespace Tests.Orchestrator;

/// <summary>Trust boundaries of the HTTP front door (issue 15: 2, 3, 4, 11) and the lifecycle controls (issue 14: 3).</summary>
public sealed class OrchestratorFrontDoorTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    private const string Key = "k-front-door-7c21";

    private static readonly Regex RouteParameter = new(@"\{[^}]+\}");

    private static object Body(string description = "add greet()") =>
        new { repo = "https://example.test/app.git", branch = "main", description, requester = "ana" };

    [Fact]
    public async Task With_api_keys_every_endpoint_but_the_probes_and_the_page_files_requires_a_key()
    {
        await using var harness = await OrchestratorHarness.StartAsync(postgres, "keys", new Dictionary<string, string?> { ["Orchestrator:ApiKeys:0"] = Key });
        var keyed = new HttpClient { BaseAddress = harness.Address, DefaultRequestHeaders = { { "X-Api-Key", Key } } };
        using var submitted = await keyed.PostAsJsonAsync("/api/change-requests", Body());
        Assert.Equal(HttpStatusCode.Accepted, submitted.StatusCode);
        var id = JsonDocument.Parse(await submitted.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString()!;

        // Every mapped endpoint but the probes and the page files, so a new endpoint cannot be left open by omission.
        var endpoints = harness.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<PublicEndpoint>() is null)
            .Select(e => (Methods: e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET"], Path: "/" + RouteParameter.Replace(e.RoutePattern.RawText!.TrimStart('/'), id)))
            .Where(e => e.Path is not "/health" and not "/alive")
            .SelectMany(e => e.Methods.Select(method => (Method: method, e.Path)))
            .ToList();
        Assert.Superset(new HashSet<(string, string)> { ("GET", "/api/repositories"), ("GET", "/metrics"), ("POST", $"/api/change-requests/{id}/approve"), ("GET", $"/api/change-requests/{id}/events") }, endpoints.ToHashSet());
        foreach (var (method, path) in endpoints)
        {
            using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = method == "GET" ? null : JsonContent.Create(Body()) };
            using var response = await harness.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
            Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{method} {path} answered {response.StatusCode} without a key");
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }
        string[] guarded = ["/api/change-requests", $"/api/change-requests/{id}", $"/api/change-requests/{id}/events", "/api/workflow", "/metrics"];
        foreach (var path in new[] { "/health", "/alive", "/", "/app.js", "/app.css", $"/requests/{id}" })
        {
            using var response = await harness.Http.GetAsync(path);
            Assert.True(response.IsSuccessStatusCode, $"GET {path} answered {response.StatusCode} without a key");
        }
        foreach (var path in guarded)
        {
            using var response = await keyed.GetAsync(path, HttpCompletionOption.ResponseHeadersRead);
            Assert.True(response.IsSuccessStatusCode, $"GET {path} answered {response.StatusCode} with the key");
        }
        Assert.Equal(1, await harness.CountAsync("SELECT count(*) FROM requests"));
    }

    [Fact]
    public async Task Every_error_is_problem_json_even_in_development_and_never_echoes_headers()
    {
        await using var harness = await OrchestratorHarness.StartAsync(postgres, "errors", environment: "Development");
        const string secret = "sk-live-do-not-echo-4411";
        var http = new HttpClient { BaseAddress = harness.Address, DefaultRequestHeaders = { { "X-Api-Key", secret }, { "Accept", "text/html,application/json" } } };

        foreach (var (query, field) in new[] { ("pageSize=abc", "pageSize"), ("pageSize=99999999999999999999", "pageSize"), ("page=-1", "page"), ("page=1e3", "page") })
        {
            using var response = await http.GetAsync($"/api/change-requests?{query}");
            var text = await response.Content.ReadAsStringAsync();
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.True(JsonDocument.Parse(text).RootElement.GetProperty("errors").TryGetProperty(field, out _), text);
            Assert.DoesNotContain(secret, text);
        }
        using (var response = await http.GetAsync("/api/change-requests/bad%01id"))
        {
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }
        using (var response = await http.GetAsync("/api/change-requests/bad%00id")) // refused by Kestrel itself, before any handler
        {
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.DoesNotContain(secret, await response.Content.ReadAsStringAsync());
        }
        using (var response = await http.GetAsync("/no/such/route"))
        {
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }

        // An unexpected failure (the table is gone) is a 500 problem without a stack trace or any header.
        await using (var command = harness.DataSource.CreateCommand("ALTER TABLE requests RENAME TO requests_gone"))
            await command.ExecuteNonQueryAsync();
        using (var response = await http.GetAsync("/api/change-requests"))
        {
            var text = await response.Content.ReadAsStringAsync();
            Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.DoesNotContain(secret, text);
            Assert.DoesNotContain("Npgsql", text);
            Assert.DoesNotContain(" at ", text);
        }
    }

    [Fact]
    public async Task The_page_is_sent_with_a_content_security_policy_and_cannot_be_framed_or_sniffed()
    {
        await using var harness = await OrchestratorHarness.StartAsync(postgres, "headers");
        foreach (var path in new[] { "/", "/app.js", "/requests/x", "/api/change-requests" })
        {
            using var response = await harness.Http.GetAsync(path);
            var csp = string.Join(" ", response.Headers.GetValues("Content-Security-Policy"));
            Assert.Contains("frame-ancestors 'none'", csp);
            Assert.Contains("script-src 'self'", csp);
            Assert.DoesNotContain("unsafe-inline", csp);
            Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
            Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
        }
    }

    [Fact]
    public async Task An_idempotency_key_returns_the_same_request_and_refuses_a_different_body()
    {
        await using var harness = await OrchestratorHarness.StartAsync(postgres, "idempotency");
        async Task<HttpResponseMessage> Post(string key, object body)
        {
            var request = new HttpRequestMessage(HttpMethod.Post, "/api/change-requests") { Content = JsonContent.Create(body) };
            request.Headers.Add("Idempotency-Key", key);
            return await harness.Http.SendAsync(request);
        }
        static async Task<string> IdOf(HttpResponseMessage response) =>
            JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString()!;

        using var first = await Post("key-1", Body());
        using var again = await Post("key-1", Body());
        Assert.Equal(HttpStatusCode.Accepted, again.StatusCode);
        Assert.Equal(await IdOf(first), await IdOf(again));
        Assert.Equal(first.Headers.Location, again.Headers.Location);
        Assert.Equal("true", again.Headers.GetValues("Idempotent-Replayed").Single());

        using var different = await Post("key-1", Body("something else"));
        Assert.Equal(HttpStatusCode.Conflict, different.StatusCode);
        Assert.Equal("application/problem+json", different.Content.Headers.ContentType?.MediaType);
        using var invalid = await Post(new string('k', 300), Body());
        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);

        // A crash-cut client retrying many times at once still creates one request.
        var racing = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Post("key-2", Body("raced"))));
        var ids = await Task.WhenAll(racing.Select(IdOf));
        Assert.Single(ids.Distinct());
        Assert.Equal(2, await harness.CountAsync("SELECT count(*) FROM requests"));
        Assert.Equal(2, await harness.CountAsync("SELECT count(*) FROM outbox WHERE topic = $1", Topics.ChangeRequestIn));
    }

    [Fact]
    public async Task Cancel_ends_the_request_and_releases_its_leases_and_retry_submits_it_again()
    {
        await using var harness = await OrchestratorHarness.StartAsync(postgres, "cancel");
        var id = await harness.SubmitAsync();
        var plan = ReadyPlan(id, steps: 1);
        plan.ReservedLeaseIds.Clear();
        plan.ReservedLeaseIds.AddRange(harness.Srm.Grant(plan.Id, "App.Greeter.Greet").Select(lease => lease.ToString(CultureInfo.InvariantCulture)));
        await harness.PublishAsync(Topics.PlanOut, id, plan);
        await harness.WaitForStageAsync(id, Stage.CodePhase);

        using var cancelled = await harness.Http.PostAsJsonAsync($"/api/change-requests/{id}/cancel", new { reason = "wrong repository" });
        Assert.Equal(HttpStatusCode.OK, cancelled.StatusCode);
        var details = JsonDocument.Parse(await cancelled.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("cancelled", details.GetProperty("stage").GetString());
        Assert.Contains("wrong repository", details.GetProperty("timeline").EnumerateArray().Last().GetProperty("detail").GetString());
        Assert.Equal(["retry"], details.GetProperty("actions").EnumerateArray().Select(a => a.GetString()));
        await OrchestratorHarness.WaitUntilAsync(() => Task.FromResult(harness.Srm.LeasesOf(plan.Id).Count == 0), "the leases to be released");
        Assert.Empty(harness.ReadTopic(Topics.RegressionOut, id)); // cancelling is not a regression

        using (var twice = await harness.Http.PostAsync($"/api/change-requests/{id}/cancel", null))
            Assert.Equal(HttpStatusCode.Conflict, twice.StatusCode);
        using (var unknown = await harness.Http.PostAsync("/api/change-requests/no-such-request/cancel", null))
            Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);

        using var retried = await harness.Http.PostAsync($"/api/change-requests/{id}/retry", null);
        Assert.Equal(HttpStatusCode.Accepted, retried.StatusCode);
        var retryId = JsonDocument.Parse(await retried.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString()!;
        var retry = await harness.WaitForStageAsync(retryId, Stage.PlanPhase);
        Assert.Equal(id, retry.RetryOf);
        using (var notEnded = await harness.Http.PostAsync($"/api/change-requests/{retryId}/retry", null))
            Assert.Equal(HttpStatusCode.Conflict, notEnded.StatusCode);

        // Cancelled while the planner worked: the plan that arrives afterwards has its leases released too.
        using (var again = await harness.Http.PostAsync($"/api/change-requests/{retryId}/cancel", null))
            Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        var late = ReadyPlan(retryId, steps: 1);
        late.ReservedLeaseIds.Clear();
        late.ReservedLeaseIds.AddRange(harness.Srm.Grant(late.Id, "App.Greeter.Other").Select(lease => lease.ToString(CultureInfo.InvariantCulture)));
        await harness.PublishAsync(Topics.PlanOut, retryId, late);
        await OrchestratorHarness.WaitUntilAsync(() => Task.FromResult(harness.Srm.LeasesOf(late.Id).Count == 0), "the late plan's leases to be released");
        Assert.Equal(Stage.Cancelled, (await harness.Queries.GetAsync(retryId, default))!.Stage);
    }

    [Fact]
    public async Task The_list_filters_by_repository_and_stage_and_shows_ages()
    {
        await using var harness = await OrchestratorHarness.StartAsync(postgres, "filters");
        using (var other = await harness.Http.PostAsJsonAsync("/api/change-requests", new { repo = "/work/other", branch = "main", description = "x", requester = "ana" }))
            other.EnsureSuccessStatusCode();
        var id = await harness.SubmitAsync();
        var page = JsonDocument.Parse(await harness.Http.GetStringAsync("/api/change-requests?repo=/work/other&stage=plan_phase")).RootElement;
        Assert.Equal(1, page.GetProperty("total").GetInt64());
        var item = page.GetProperty("items")[0];
        Assert.Equal("/work/other", item.GetProperty("repo").GetString());
        Assert.True(item.GetProperty("ageSeconds").GetInt64() >= 0);
        Assert.True(item.TryGetProperty("idleSeconds", out _));
        var none = JsonDocument.Parse(await harness.Http.GetStringAsync("/api/change-requests?repo=/work/other&stage=done")).RootElement;
        Assert.Equal(0, none.GetProperty("total").GetInt64());
        Assert.Contains(id, await harness.Http.GetStringAsync("/api/change-requests?repo=https://example.test/app.git"));
    }

    [Fact]
    public async Task Plan_edits_are_validated_like_a_planners_plan_and_review_actions_need_plan_review()
    {
        await using var harness = await OrchestratorHarness.StartAsync(postgres, "edits");
        using var submitted = await harness.Http.PostAsJsonAsync("/api/change-requests",
            new { repo = "https://example.test/app.git", branch = "main", description = "add greet()", requester = "ana", review = true });
        var id = JsonDocument.Parse(await submitted.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString()!;
        var plan = ReadyPlan(id, steps: 2);
        plan.Steps[0].Symbols.Add("App.Greet");
        plan.Steps[1].Symbols.Add("App.Main");
        plan.ReservedLeaseIds.Clear();
        plan.ReservedLeaseIds.AddRange(harness.Srm.Grant(plan.Id, "App.Greet", "App.Main").Select(lease => lease.ToString(CultureInfo.InvariantCulture)));
        using (var early = await harness.Http.PostAsync($"/api/change-requests/{id}/approve", null))
            Assert.Equal(HttpStatusCode.Conflict, early.StatusCode);
        await harness.PublishAsync(Topics.PlanOut, id, plan);
        await harness.WaitForStageAsync(id, Stage.PlanReview);
        Assert.Empty(harness.ReadTopic(Topics.CodeTaskOut, id));

        foreach (var (steps, field) in new (object[], string)[]
        {
            ([], "steps"),
            ([new { order = 9, kind = "EDIT", path = "src/a.cs" }], "steps[0]"),
            ([new { order = 1, kind = "DELETE", path = "src/a.cs" }], "steps[0].kind"),
            ([new { order = 1, kind = "EDIT", path = "../../etc/passwd" }], "steps[0].path"),
            ([new { order = 1, kind = "EDIT", path = "/etc/passwd" }], "steps[0].path"),
            ([new { order = 1, kind = "EDIT", path = ".git/config" }], "steps[0].path"),
            ([new { order = 1, kind = "EDIT", path = "a.cs" }, new { order = 1, kind = "EDIT", path = "b.cs" }], "steps[1]"),
        })
        {
            using var response = await harness.Http.PostAsJsonAsync($"/api/change-requests/{id}/edit", new { steps });
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, text);
            Assert.True(JsonDocument.Parse(text).RootElement.GetProperty("errors").TryGetProperty(field, out _), text);
        }
        Assert.Equal(2, harness.Srm.LeasesOf(plan.Id).Count); // refused edits release nothing

        using (var edit = await harness.Http.PostAsJsonAsync($"/api/change-requests/{id}/edit",
            new { steps = new[] { new { order = 1, kind = "ADD", path = "src/greet.cs" } } }))
        {
            Assert.Equal(HttpStatusCode.OK, edit.StatusCode);
            var details = JsonDocument.Parse(await edit.Content.ReadAsStringAsync()).RootElement;
            Assert.Equal("plan_review", details.GetProperty("stage").GetString());
            var step = details.GetProperty("plan").GetProperty("steps").EnumerateArray().Single();
            Assert.Equal(("ADD", "src/greet.cs"), (step.GetProperty("kind").GetString(), step.GetProperty("path").GetString()));
        }
        Assert.Equal(["App.Greet"], harness.Srm.LeasesOf(plan.Id).Select(l => l.FqName));
        Assert.Equal("src/greet.cs", harness.Srm.LeasesOf(plan.Id).Single().FilePath);

        using (var approve = await harness.Http.PostAsync($"/api/change-requests/{id}/approve", null))
            Assert.Equal(HttpStatusCode.OK, approve.StatusCode);
        var state = await harness.WaitForStageAsync(id, Stage.CodePhase);
        Assert.Equal(harness.Srm.LeasesOf(plan.Id).Select(l => l.LeaseId.ToString(CultureInfo.InvariantCulture)), state.Plan!.ReservedLeaseIds);
        var bundle = TaskBundle.Parser.ParseFrom((await harness.WaitForTopicAsync(Topics.CodeTaskOut, id)).Single().Message.Value);
        Assert.Equal(["src/greet.cs"], bundle.Tasks.Select(t => t.Step.Path));
        using (var late = await harness.Http.PostAsync($"/api/change-requests/{id}/reject", null))
            Assert.Equal(HttpStatusCode.Conflict, late.StatusCode);
    }
}

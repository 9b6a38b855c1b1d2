using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Contracts;
using Contracts.Core;
using Tests.Infrastructure;
using static Tests.Orchestrator.WorkflowMessages;

namespace Tests.Orchestrator;

// Alone: OpenTelemetry listens to every meter named "Orchestrator" in the process, so another test's host counting
// transitions at the same time would show in this host's /metrics.
[Collection(nameof(ProcessWideMetrics))]
public sealed class OrchestratorApiTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    private const string Key = "k-3f9a1c7e5b";

    private static object ValidBody => new { repo = "https://example.test/app.git", branch = "main", description = "add greet()", requester = "ana" };

    [Fact]
    public async Task The_front_door_validates_authenticates_accepts_lists_and_streams()
    {
        await using var harness = await OrchestratorHarness.StartAsync(postgres, "api", new Dictionary<string, string?>
        {
            ["Orchestrator:ApiKeys:0"] = Key,
            ["Orchestrator:ApiKeys:1"] = "second-key",
        });
        using var anonymous = new HttpClient { BaseAddress = harness.Address };
        var http = harness.Http;
        http.DefaultRequestHeaders.Add("X-Api-Key", Key); // Authorization: Bearer, when sent, takes precedence

        // 401 without a key or with a wrong one.
        using (var response = await anonymous.PostAsJsonAsync("/api/change-requests", ValidBody))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
        }
        using (var response = await Send(http, ValidBody, bearer: Key + "x"))
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);

        // 400 problem+json on bad input (with either key header).
        using (var response = await Send(http, new { repo = "", branch = "has space", description = new string('d', 9000), requester = "ana" }, apiKey: Key))
        {
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            var errors = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("errors");
            Assert.Contains("repo is required", errors.GetProperty("repo")[0].GetString());
            Assert.Contains("whitespace", errors.GetProperty("branch")[0].GetString());
            Assert.Contains("at most 8000", errors.GetProperty("description")[0].GetString());
        }
        using (var response = await http.SendAsync(new HttpRequestMessage(HttpMethod.Post, "/api/change-requests")
        {
            Content = new StringContent("{\"repo\": ", Encoding.UTF8, "application/json"), Headers = { { "X-Api-Key", Key } },
        }))
        {
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.Contains("not valid JSON", await response.Content.ReadAsStringAsync());
        }

        // 202 with the id and a Location that answers.
        string id;
        using (var response = await Send(http, ValidBody, bearer: "second-key"))
        {
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
            id = body.GetProperty("id").GetString()!;
            Assert.Equal($"/api/change-requests/{id}", response.Headers.Location!.ToString());
            Assert.Equal("plan_phase", body.GetProperty("stage").GetString());
        }

        // The event stream shows transitions as they happen.
        using var events = await http.GetAsync($"/api/change-requests/{id}/events", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal("text/event-stream", events.Content.Headers.ContentType?.MediaType);
        using var reader = new StreamReader(await events.Content.ReadAsStreamAsync());
        Assert.Contains("\"trigger\":\"crq\"", await ReadEventAsync(reader));
        await harness.PublishAsync(Topics.PlanOut, id, ReadyPlan(id, steps: 2));
        var planEvent = await ReadEventAsync(reader);
        Assert.Contains("\"trigger\":\"plan\"", planEvent);
        Assert.Contains("\"to\":\"code_phase\"", planEvent);

        // GET shows stage, plan steps, leases and the timeline.
        var details = JsonDocument.Parse(await http.GetStringAsync($"/api/change-requests/{id}")).RootElement;
        Assert.Equal("code_phase", details.GetProperty("stage").GetString());
        Assert.Equal(2, details.GetProperty("plan").GetProperty("steps").GetArrayLength());
        Assert.Equal("src/file0.cs", details.GetProperty("plan").GetProperty("steps")[0].GetProperty("path").GetString());
        Assert.Equal("41", details.GetProperty("leases").GetProperty("reservedLeaseIds")[0].GetString());
        Assert.Equal("held", details.GetProperty("leases").GetProperty("release").GetString());
        Assert.Equal(["crq", "plan"], details.GetProperty("timeline").EnumerateArray().Select(e => e.GetProperty("trigger").GetString()));
        Assert.Empty(details.GetProperty("tickets").EnumerateArray());

        // A failing commit regresses; GET then shows the ticket.
        await harness.PublishAsync(Topics.CommitResultOut, id, Commit(id, 1, success: false));
        var endEvent = await ReadEventAsync(reader);
        Assert.Contains("\"to\":\"regress\"", endEvent);
        var regressed = JsonDocument.Parse(await http.GetStringAsync($"/api/change-requests/{id}")).RootElement;
        Assert.Contains("merge conflict", regressed.GetProperty("tickets")[0].GetProperty("reason").GetString());

        // Listing, filtered by stage and paged.
        var other = await SubmitWithKeyAsync(http);
        var list = JsonDocument.Parse(await http.GetStringAsync("/api/change-requests?stage=regress&page=1&pageSize=10")).RootElement;
        Assert.Equal(1, list.GetProperty("total").GetInt64());
        Assert.Equal(id, list.GetProperty("items")[0].GetProperty("id").GetString());
        var all = JsonDocument.Parse(await http.GetStringAsync("/api/change-requests?pageSize=1&page=1")).RootElement;
        Assert.Equal(2, all.GetProperty("total").GetInt64());
        Assert.Equal(other, all.GetProperty("items")[0].GetProperty("id").GetString()); // newest first
        using (var bad = await http.GetAsync("/api/change-requests?stage=nonsense"))
        {
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
            Assert.Equal("application/problem+json", bad.Content.Headers.ContentType?.MediaType);
        }
        using (var bad = await http.GetAsync("/api/change-requests?pageSize=1000"))
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        using (var missing = await http.GetAsync("/api/change-requests/no-such-id"))
            Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);

        // Metrics: the seed's counter, per stage, and the transition latency histogram.
        var metrics = await http.GetStringAsync("/metrics");
        Assert.Equal(1, Tests.Hosting.PrometheusText.Parse(metrics).Series("orch_stage_total").Single(s => s.Labels["stage"] == "regress").Value);
        Assert.Contains("orch_transition_duration_seconds_bucket", metrics);
        Assert.DoesNotContain(Key, metrics);

        // The web page is served.
        Assert.Contains("<title>Orchestrator", await http.GetStringAsync("/"));
    }

    private static async Task<string> SubmitWithKeyAsync(HttpClient http)
    {
        using var response = await Send(http, ValidBody, apiKey: Key);
        response.EnsureSuccessStatusCode();
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString()!;
    }

    private static Task<HttpResponseMessage> Send(HttpClient http, object body, string? bearer = null, string? apiKey = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/change-requests") { Content = JsonContent.Create(body) };
        if (bearer is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        if (apiKey is not null) request.Headers.Add("X-Api-Key", apiKey);
        return http.SendAsync(request);
    }

    /// <summary>The data of the next <c>transition</c> event.</summary>
    private static async Task<string> ReadEventAsync(StreamReader reader)
    {
        using var timeout = new CancellationTokenSource(OrchestratorHarness.Timeout);
        string? eventName = null;
        while (await reader.ReadLineAsync(timeout.Token) is { } line)
        {
            if (line.StartsWith("event: ", StringComparison.Ordinal)) eventName = line["event: ".Length..];
            else if (line.StartsWith("data: ", StringComparison.Ordinal) && eventName == "transition") return line["data: ".Length..];
        }
        throw new EndOfStreamException("The event stream ended.");
    }
}

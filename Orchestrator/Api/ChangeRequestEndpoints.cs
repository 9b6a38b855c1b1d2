using System.Text.Json;
using Contracts.Core;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using Orchestrator.Persistence;
using Orchestrator.Workflow;

namespace Orchestrator.Api;

/// <summary>The HTTP front door: submit, inspect, list, and stream a request's transitions.</summary>
public static class ChangeRequestEndpoints
{
    public const string Route = "/api/change-requests";
    public const int MaxBodyBytes = 64 * 1024;
    public const int MaxPageSize = 100;

    public static IEndpointRouteBuilder MapChangeRequestApi(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup(Route).WithTags("change-requests");
        group.MapPost("", SubmitAsync).AddEndpointFilter<ApiKeyFilter>();
        group.MapGet("", ListAsync);
        group.MapGet("{id}", GetAsync);
        group.MapGet("{id}/events", TransitionEventStream.StreamAsync);
        endpoints.MapGet("/api/workflow", () => TransitionTable.All.Select(t => new { from = t.From.Name(), trigger = t.Trigger.Name(), to = t.To.Name() }));
        return endpoints;
    }

    private static async Task<IResult> SubmitAsync(HttpRequest request, RequestStore store, TimeProvider time,
        IOptions<JsonOptions> json, CancellationToken cancellationToken)
    {
        if (request.ContentLength > MaxBodyBytes) return BadRequest($"The body must be at most {MaxBodyBytes} bytes.");
        if (!request.HasJsonContentType()) return BadRequest("Send the change request as application/json: {\"repo\", \"branch\", \"description\", \"requester\"}.");

        ChangeRequestSubmission? body;
        try
        {
            using var limited = new MemoryStream();
            await CopyLimitedAsync(request.Body, limited, MaxBodyBytes, cancellationToken);
            limited.Position = 0;
            body = await JsonSerializer.DeserializeAsync<ChangeRequestSubmission>(limited, json.Value.SerializerOptions, cancellationToken);
        }
        catch (JsonException ex)
        {
            return BadRequest($"The body is not valid JSON for a change request: {ex.Message}");
        }
        catch (InvalidDataException ex)
        {
            return BadRequest(ex.Message);
        }
        if (body is null) return BadRequest("The body must be a JSON object.");

        var errors = ChangeRequestRules.Validate(body.Repo, body.Branch, body.Description, body.Requester);
        if (errors.Count > 0) return Results.ValidationProblem(errors, title: "The change request is not valid.");

        var id = Guid.CreateVersion7(time.GetUtcNow()).ToString();
        var state = await store.SubmitAsync(new ChangeRequest
        {
            Id = id, Repo = body.Repo!.Trim(), Branch = body.Branch!.Trim(), Description = body.Description!.Trim(),
            Requester = body.Requester!.Trim(), Attempt = 1,
        }, cancellationToken);
        var location = $"{Route}/{id}";
        return Results.Accepted(location, new SubmittedView(id, state.Stage.Name(), location));
    }

    private static async Task<IResult> GetAsync(string id, RequestQueries queries, CancellationToken cancellationToken)
    {
        if (id.Length > ChangeRequestRules.MaxIdLength) return BadRequest("The id is too long.");
        var state = await queries.GetAsync(id, cancellationToken);
        if (state is null) return Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such change request", detail: $"No change request has id '{id}'.");

        var timeline = await queries.TimelineAsync(id, 0, cancellationToken);
        var tickets = await queries.TicketsAsync(id, cancellationToken);
        var release = await queries.LeaseReleaseAsync(state.PlanId, cancellationToken);
        var releaseState = release switch
        {
            null when TransitionTable.IsTerminal(state.Stage) => "none",
            null => "held",
            { ReleasedAt: not null } => "released",
            _ => "releasing",
        };
        var leases = new LeasesView(state.PlanId, state.Plan?.ReservedLeaseIds.ToList() ?? [], releaseState, release?.ReleasedCount,
            release?.Attempts ?? 0, release?.LastError);
        return Results.Ok(new RequestDetailsView(state.Id, state.Stage.Name(), state.Repo, state.Branch, state.Description, state.Requester,
            state.Attempts, state.CreatedAt, state.UpdatedAt, state.PendingTasks, state.ResubmitAt, state.BlockedBy, PlanView.Of(state.Plan),
            leases, tickets.Select(TicketView.Of).ToList(), timeline.Select(TimelineView.Of).ToList()));
    }

    private static async Task<IResult> ListAsync(RequestQueries queries, string? stage, int? page, int? pageSize, CancellationToken cancellationToken)
    {
        Stage? filter = null;
        if (!string.IsNullOrEmpty(stage))
        {
            if (!WorkflowNames.TryParseStage(stage, out var parsed))
                return Results.ValidationProblem(new Dictionary<string, string[]> { ["stage"] = [$"Unknown stage; use one of {string.Join(", ", WorkflowNames.StageNameList)}."] });
            filter = parsed;
        }
        var pageNumber = page ?? 1;
        var size = pageSize ?? 20;
        if (pageNumber < 1 || pageNumber > 1_000_000)
            return Results.ValidationProblem(new Dictionary<string, string[]> { ["page"] = ["page counts from 1 (at most 1000000)."] });
        if (size < 1 || size > MaxPageSize)
            return Results.ValidationProblem(new Dictionary<string, string[]> { ["pageSize"] = [$"pageSize must be between 1 and {MaxPageSize}."] });

        var result = await queries.ListAsync(filter, pageNumber, size, cancellationToken);
        return Results.Ok(new RequestPageView(result.Items.Select(RequestSummaryView.Of).ToList(), result.Page, result.PageSize, result.Total));
    }

    private static IResult BadRequest(string detail) =>
        Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "The change request is not valid.", detail: detail);

    private static async Task CopyLimitedAsync(Stream source, Stream target, int limit, CancellationToken cancellationToken)
    {
        var buffer = new byte[8192];
        var total = 0;
        int read;
        while ((read = await source.ReadAsync(buffer, cancellationToken)) > 0)
        {
            total += read;
            if (total > limit) throw new InvalidDataException($"The body must be at most {limit} bytes.");
            await target.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
        }
    }
}

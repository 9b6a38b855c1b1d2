using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Contracts.Core;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using Grpc.Core;
using Orchestrator.Persistence;
using Orchestrator.Repositories;
using Orchestrator.Workflow;

namespace Orchestrator.Api;

/// <summary>The HTTP front door: submit, inspect, list, and stream a request's transitions.</summary>
public static class ChangeRequestEndpoints
{
    public const string Route = "/api/change-requests";
    public const string IdempotencyHeader = "Idempotency-Key";
    public const int MaxBodyBytes = 64 * 1024;
    public const int MaxPageSize = 100;
    public const int MaxIdempotencyKeyLength = 255;

    public static IEndpointRouteBuilder MapChangeRequestApi(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup(Route).WithTags("change-requests");
        group.MapPost("", SubmitAsync);
        group.MapGet("", ListAsync);
        group.MapGet("{id}", GetAsync);
        group.MapGet("{id}/events", TransitionEventStream.StreamAsync);
        group.MapRequestLifecycle();
        endpoints.MapGet("/api/workflow", () => WorkflowView.Current);
        endpoints.MapGet("/api/repositories", DescribeRepositoryAsync);
        return endpoints;
    }

    private static async Task<IResult> SubmitAsync(HttpRequest request, RequestStore store, RequestQueries queries, RepositoryDoor door, TimeProvider time,
        IOptions<JsonOptions> json, IOptions<ReviewOptions> review, CancellationToken cancellationToken)
    {
        if (request.ContentLength > MaxBodyBytes) return BadRequest($"The body must be at most {MaxBodyBytes} bytes.");
        if (!request.HasJsonContentType()) return BadRequest("Send the change request as application/json: {\"repo\", \"branch\", \"description\", \"requester\"}.");
        var idempotencyKey = request.Headers[IdempotencyHeader].ToString();
        if (request.Headers.ContainsKey(IdempotencyHeader) && !IsValidIdempotencyKey(idempotencyKey))
            return BadRequest($"{IdempotencyHeader} must be 1 to {MaxIdempotencyKeyLength} visible ASCII characters (a UUID is a good choice).");

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

        var changeRequest = new ChangeRequest
        {
            Id = Guid.CreateVersion7(time.GetUtcNow()).ToString(), Repo = body.Repo?.Trim() ?? "", Branch = body.Branch?.Trim() ?? "",
            Description = body.Description?.Trim() ?? "", Requester = body.Requester?.Trim() ?? "", Attempt = 1,
        };
        var errors = ChangeRequestRules.Validate(changeRequest);
        if (errors.Count > 0) return Results.ValidationProblem(errors, title: "The change request is not valid.");

        string? indexNote = null;
        if (door.Enabled)
        {
            var (repo, branch) = (changeRequest.Repo, changeRequest.Branch);
            try
            {
                var description = await door.DescribeAsync(repo, branch, cancellationToken);
                var problems = RepositoryDoor.Problems(description);
                if (problems.Count > 0) return Results.ValidationProblem(problems, title: "The repository cannot be planned.");
                indexNote = await door.IndexAsync(repo, branch, description!, cancellationToken);
            }
            catch (RpcException ex) when (ex.StatusCode is StatusCode.FailedPrecondition or StatusCode.PermissionDenied or StatusCode.NotFound or StatusCode.InvalidArgument)
            {
                return Results.ValidationProblem(new Dictionary<string, string[]> { ["repo"] = [ex.Status.Detail] }, title: "The repository cannot be indexed.");
            }
            catch (RpcException ex)
            {
                request.HttpContext.Response.Headers.RetryAfter = "5";
                return Results.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "RagService cannot check the repository now",
                    detail: $"The request was not accepted: {ex.Status.Detail}. Submit it again in a moment.");
            }
        }

        var reviewed = review.Value.ReviewPlans && body.Review == true;
        var key = idempotencyKey.Length > 0 ? new IdempotencyKey(idempotencyKey, Fingerprint(changeRequest, reviewed)) : null;
        var outcome = await store.SubmitAsync(changeRequest, new Submission(reviewed, Idempotency: key, IndexNote: indexNote), cancellationToken);
        if (outcome.Conflict)
        {
            return Results.Problem(statusCode: StatusCodes.Status409Conflict, title: "Idempotency key reused with a different body",
                detail: $"{IdempotencyHeader} '{idempotencyKey}' was first used for request {outcome.RequestId} with a different body. Use a new key for a new request.");
        }
        var stage = outcome.Replayed ? (await queries.GetAsync(outcome.RequestId, cancellationToken))?.Stage ?? Stage.Idle : Stage.PlanPhase;
        if (outcome.Replayed) request.HttpContext.Response.Headers["Idempotent-Replayed"] = "true";
        var location = $"{Route}/{outcome.RequestId}";
        return Results.Accepted(location, new SubmittedView(outcome.RequestId, stage.Name(), location, reviewed));
    }

    /// <summary><c>GET /api/repositories?path=&amp;branch=</c>: what RagService says of a working tree (the page fills the branch from it).</summary>
    private static async Task<IResult> DescribeRepositoryAsync(string? path, string? branch, RepositoryDoor door, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(path) || path.Length > ChangeRequestRules.MaxRepoLength || (branch?.Length ?? 0) > ChangeRequestRules.MaxBranchLength)
            return Results.ValidationProblem(new Dictionary<string, string[]> { ["path"] = [$"path is required (at most {ChangeRequestRules.MaxRepoLength} characters)."] });
        if (!door.Enabled)
            return Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "No RagService to ask",
                detail: "This Orchestrator has no RagService reference (services__ragservice__http__0), so it cannot describe repositories.");
        try
        {
            var description = (await door.DescribeAsync(path.Trim(), branch?.Trim() ?? "", cancellationToken))!;
            return Results.Ok(new RepositoryView(description.Path, description.Problem == Contracts.Rag.RepositoryDescription.Types.Problem.None,
                description.Problem.ToString(), description.Message, description.Git, description.CurrentBranch, [.. description.WorkspaceRoots]));
        }
        catch (RpcException ex)
        {
            return Results.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "RagService cannot describe the repository now", detail: ex.Status.Detail);
        }
    }

    private static async Task<IResult> GetAsync(string id, RequestDetails details, CancellationToken cancellationToken)
    {
        if (InvalidId(id) is { } invalid) return invalid;
        var view = await details.GetAsync(id, cancellationToken);
        return view is null ? NotFound(id) : Results.Ok(view);
    }

    private static async Task<IResult> ListAsync(RequestQueries queries, TimeProvider time, IOptions<WorkflowOptions> workflow,
        string? stage, string? repo, string? page, string? pageSize, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        Stage? stageFilter = null;
        if (!string.IsNullOrEmpty(stage))
        {
            if (WorkflowNames.TryParseStage(stage, out var parsed)) stageFilter = parsed;
            else errors["stage"] = [$"Unknown stage; use one of {string.Join(", ", WorkflowNames.StageNameList)}."];
        }
        if (repo is { Length: > ChangeRequestRules.MaxRepoLength }) errors["repo"] = [$"repo must be at most {ChangeRequestRules.MaxRepoLength} characters."];
        var pageNumber = ParseInt(page, 1, 1, 1_000_000, "page", "page counts from 1 (at most 1000000).", errors);
        var size = ParseInt(pageSize, 20, 1, MaxPageSize, "pageSize", $"pageSize must be a whole number between 1 and {MaxPageSize}.", errors);
        if (errors.Count > 0) return Results.ValidationProblem(errors, title: "The query is not valid.");

        var result = await queries.ListAsync(stageFilter, string.IsNullOrEmpty(repo) ? null : repo, pageNumber, size, cancellationToken);
        var now = time.GetUtcNow();
        return Results.Ok(new RequestPageView(result.Items.Select(s => RequestSummaryView.Of(s, now, workflow.Value)).ToList(),
            result.Page, result.PageSize, result.Total));
    }

    /// <summary>A query number, or <paramref name="fallback"/> when absent; anything else (text, overflow, out of range) is an error.</summary>
    private static int ParseInt(string? value, int fallback, int min, int max, string field, string message, Dictionary<string, string[]> errors)
    {
        if (string.IsNullOrEmpty(value)) return fallback;
        if (int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number >= min && number <= max) return number;
        errors[field] = [message];
        return fallback;
    }

    /// <summary>400 for an id no request can have (too long, control characters), else null.</summary>
    internal static IResult? InvalidId(string id) =>
        id.Length > ChangeRequestRules.MaxIdLength || id.Any(char.IsControl)
            ? Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "The request id is not valid.",
                detail: $"A request id has at most {ChangeRequestRules.MaxIdLength} characters and no control characters.")
            : null;

    internal static IResult NotFound(string id) =>
        Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such change request", detail: $"No change request has id '{id}'.");

    private static IResult BadRequest(string detail) =>
        Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "The change request is not valid.", detail: detail);

    private static bool IsValidIdempotencyKey(string key) =>
        key.Length is > 0 and <= MaxIdempotencyKeyLength && key.All(c => c is > ' ' and <= '~');

    /// <summary>What makes two submissions "the same request" for an idempotency key: the normalised fields.</summary>
    private static string Fingerprint(ChangeRequest request, bool review) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(
        JsonSerializer.Serialize(new[] { request.Repo, request.Branch, request.Description, request.Requester, review ? "review" : "" }))));

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

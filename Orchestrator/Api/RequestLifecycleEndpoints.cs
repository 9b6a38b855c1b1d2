using System.Text.Json;
using Contracts.Core;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using Orchestrator.Persistence;
using Orchestrator.Workflow;

namespace Orchestrator.Api;

/// <summary>What a person does with a request: cancel it (its leases are released) or retry one that ended without success.</summary>
public static class RequestLifecycleEndpoints
{
    public static RouteGroupBuilder MapRequestLifecycle(this RouteGroupBuilder group)
    {
        group.MapPost("{id}/cancel", CancelAsync);
        group.MapPost("{id}/retry", RetryAsync);
        group.MapPlanReview();
        return group;
    }

    private static async Task<IResult> CancelAsync(string id, HttpRequest request, RequestStore store, RequestWorkflow workflow,
        RequestDetails details, IOptions<JsonOptions> json, CancellationToken cancellationToken)
    {
        if (ChangeRequestEndpoints.InvalidId(id) is { } invalid) return invalid;
        var reason = await ActionBodies.ReasonAsync(request, json.Value.SerializerOptions, cancellationToken);
        if (reason.Error is { } error) return error;
        var detail = reason.Text is { Length: > 0 } text ? $"cancelled: {text}" : "cancelled on request";
        var acted = await store.ActAsync(id, state => workflow.Cancel(state, detail, MessageSource.Http($"cancel:{id}")), cancellationToken);
        if (acted is not { } result) return ChangeRequestEndpoints.NotFound(id);
        if (!result.Decision.History.Any(h => h.Applied))
        {
            return Results.Problem(statusCode: StatusCodes.Status409Conflict, title: "The request has already ended",
                detail: $"Request {id} is {result.Before.Stage.Name()}; only a request that has not ended can be cancelled.");
        }
        return Results.Ok(await details.GetAsync(id, cancellationToken));
    }

    /// <summary>Submits a regressed or cancelled request again as a new request (new id, new plan), linked to the old one.</summary>
    private static async Task<IResult> RetryAsync(string id, RequestStore store, RequestQueries queries, TimeProvider time, CancellationToken cancellationToken)
    {
        if (ChangeRequestEndpoints.InvalidId(id) is { } invalid) return invalid;
        var previous = await queries.GetAsync(id, cancellationToken);
        if (previous is null) return ChangeRequestEndpoints.NotFound(id);
        if (previous.Stage is not (Stage.Regress or Stage.Cancelled))
        {
            return Results.Problem(statusCode: StatusCodes.Status409Conflict, title: "Only a regressed or cancelled request can be retried",
                detail: $"Request {id} is {previous.Stage.Name()}.");
        }
        var retry = previous.ToChangeRequest(1);
        retry.Id = Guid.CreateVersion7(time.GetUtcNow()).ToString();
        var outcome = await store.SubmitAsync(retry, new Submission(previous.Review, RetryOf: id), cancellationToken);
        var location = $"{ChangeRequestEndpoints.Route}/{outcome.RequestId}";
        return Results.Accepted(location, new SubmittedView(outcome.RequestId, Stage.PlanPhase.Name(), location, previous.Review));
    }
}

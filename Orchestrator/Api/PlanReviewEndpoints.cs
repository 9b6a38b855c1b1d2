using System.Globalization;
using System.Text.Json;
using Contracts.Core;
using Contracts.Srm;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using Orchestrator.Leases;
using Orchestrator.Persistence;
using Orchestrator.Workflow;

namespace Orchestrator.Api;

/// <summary>
/// The review gate's actions on a request in plan_review: approve (code_phase, the plan's tasks on code.task.out), edit
/// (validated like a planner's plan; the kept symbols are reserved again and the removed steps' leases released), reject
/// (regress, leases released).
/// </summary>
public static class PlanReviewEndpoints
{
    public static RouteGroupBuilder MapPlanReview(this RouteGroupBuilder group)
    {
        group.MapPost("{id}/approve", ApproveAsync);
        group.MapPost("{id}/reject", RejectAsync);
        group.MapPost("{id}/edit", EditAsync);
        return group;
    }

    private static async Task<IResult> ApproveAsync(string id, RequestStore store, RequestWorkflow workflow, RequestDetails details, CancellationToken cancellationToken) =>
        await ActAsync(id, "approved", state => workflow.Approve(state, "", MessageSource.Http($"approve:{id}:{state.Version}")), store, details, cancellationToken);

    private static async Task<IResult> RejectAsync(string id, HttpRequest request, RequestStore store, RequestWorkflow workflow, RequestDetails details,
        IOptions<JsonOptions> json, CancellationToken cancellationToken)
    {
        var reason = await ActionBodies.ReasonAsync(request, json.Value.SerializerOptions, cancellationToken);
        if (reason.Error is { } error) return error;
        var detail = reason.Text is { Length: > 0 } text ? $"plan rejected: {text}" : "plan rejected on review";
        return await ActAsync(id, "rejected", state => workflow.Reject(state, detail, MessageSource.Http($"reject:{id}")), store, details, cancellationToken);
    }

    private static async Task<IResult> EditAsync(string id, HttpRequest request, RequestStore store, RequestQueries queries, RequestWorkflow workflow,
        RequestDetails details, IPlanLeases leases, IOptions<JsonOptions> json, CancellationToken cancellationToken)
    {
        if (ChangeRequestEndpoints.InvalidId(id) is { } invalid) return invalid;
        PlanEditBody? body;
        try
        {
            body = await request.ReadFromJsonAsync<PlanEditBody>(json.Value.SerializerOptions, cancellationToken);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or BadHttpRequestException)
        {
            return ActionBodies.Invalid($"The body must be JSON like {{\"steps\": [{{\"order\": 1, \"kind\": \"EDIT\", \"path\": \"src/app.py\"}}]}}: {ex.Message}");
        }
        var state = await queries.GetAsync(id, cancellationToken);
        if (state is null) return ChangeRequestEndpoints.NotFound(id);
        if (state.Stage != Stage.PlanReview || state.Plan is null) return NotUnderReview(id, state.Stage);

        var edited = PlanEdit.Apply(state.Plan, body, out var errors, out var summary);
        if (edited is null) return Results.ValidationProblem(errors, title: "The edited plan is not valid.");

        var reserved = await ReserveAgainAsync(state, edited, leases, cancellationToken);
        if (reserved is not null) return reserved;

        // Applied only to the version that was validated and re-reserved; a concurrent change makes it a 409.
        var acted = await store.ActAsync(id, current => current.Version == state.Version
            ? workflow.Edit(current, edited, $"plan edited: {summary}", MessageSource.Http($"edit:{id}:{state.Version}"))
            : Decision.Nothing(current), cancellationToken);
        if (acted is not { } result || !result.Decision.History.Any(h => h.Applied))
        {
            return Results.Problem(statusCode: StatusCodes.Status409Conflict, title: "The request changed while it was edited",
                detail: $"Request {id} moved on or was edited by someone else; reload it and edit again.");
        }
        return Results.Ok(await details.GetAsync(id, cancellationToken));
    }

    /// <summary>
    /// Reserves the edited plan's symbols (and the plan's other live leases) again under its plan id, then releases the leases only
    /// removed steps needed. Null when done; otherwise the 409 or 503 to answer (nothing was released then).
    /// </summary>
    private static async Task<IResult?> ReserveAgainAsync(RequestState state, Plan edited, IPlanLeases leases, CancellationToken cancellationToken)
    {
        try
        {
            var live = await leases.ListAsync(edited.Id, cancellationToken);
            var kept = edited.Steps.SelectMany(s => s.Symbols.Select(symbol => (Symbol: symbol, Step: s))).GroupBy(p => p.Symbol).ToDictionary(g => g.Key, g => g.First().Step);
            var removedOnly = state.Plan!.Steps.SelectMany(s => s.Symbols).Where(s => !kept.ContainsKey(s)).ToHashSet(StringComparer.Ordinal);
            var request = new ReserveBatchRequest { PlanId = edited.Id, TtlSec = TtlOf(live) };
            foreach (var (symbol, step) in kept)
            {
                var lease = live.FirstOrDefault(l => l.FqName == symbol);
                request.Items.Add(new SymbolRef
                {
                    Repo = lease?.Repo ?? state.Repo, Branch = lease?.Branch ?? state.Branch, FqName = symbol,
                    Kind = lease?.Kind is { Length: > 0 } kind ? kind : "function", FilePath = step.Path,
                });
            }
            foreach (var other in live.Where(l => !kept.ContainsKey(l.FqName) && !removedOnly.Contains(l.FqName)))
                request.Items.Add(new SymbolRef { Repo = other.Repo, Branch = other.Branch, FqName = other.FqName, Kind = other.Kind, FilePath = other.FilePath });

            var reply = request.Items.Count == 0 ? new ReserveBatchReply { Granted = true } : await leases.ReserveAsync(request, cancellationToken);
            if (!reply.Granted)
            {
                return Results.Problem(statusCode: StatusCodes.Status409Conflict, title: "The edited plan's symbols are held by another plan",
                    detail: string.Join("; ", reply.Conflicts.Select(c => $"{c.FqName} is reserved by plan {c.HolderPlanId} (lease {c.HolderLeaseId})")));
            }
            foreach (var lease in live.Where(l => removedOnly.Contains(l.FqName)))
                await leases.ReleaseAsync(lease.LeaseId, cancellationToken);
            edited.ReservedLeaseIds.Clear();
            edited.ReservedLeaseIds.AddRange(reply.Leases.Select(l => l.LeaseId).Order().Select(id => id.ToString(CultureInfo.InvariantCulture)));
            return null;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return Results.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Srm could not re-reserve the edited plan",
                detail: $"The plan was not changed: {ex.Message}. Try again when Srm is reachable.");
        }
    }

    /// <summary>The plan's lease TTL as the planner chose it (from a live lease), or 15 minutes.</summary>
    private static int TtlOf(IReadOnlyList<Lease> live) =>
        live.FirstOrDefault(l => l.AcquiredAt is not null && l.ExpiresAt is not null) is { } lease
            ? (int)Math.Clamp((lease.ExpiresAt.ToDateTimeOffset() - lease.AcquiredAt.ToDateTimeOffset()).TotalSeconds, 60, 86_400)
            : 900;

    private static async Task<IResult> ActAsync(string id, string verb, Func<RequestState, Decision> decide, RequestStore store, RequestDetails details,
        CancellationToken cancellationToken)
    {
        if (ChangeRequestEndpoints.InvalidId(id) is { } invalid) return invalid;
        var acted = await store.ActAsync(id, decide, cancellationToken);
        if (acted is not { } result) return ChangeRequestEndpoints.NotFound(id);
        if (!result.Decision.History.Any(h => h.Applied)) return NotUnderReview(id, result.Before.Stage, verb);
        return Results.Ok(await details.GetAsync(id, cancellationToken));
    }

    private static IResult NotUnderReview(string id, Stage stage, string verb = "edited") =>
        Results.Problem(statusCode: StatusCodes.Status409Conflict, title: "No plan is under review",
            detail: $"Request {id} is {stage.Name()}; a plan can be {verb} only in plan_review.");
}

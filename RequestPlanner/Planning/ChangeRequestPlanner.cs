using System.Globalization;
using Contracts.Core;
using Contracts.Rag;
using Contracts.Srm;
using Microsoft.Extensions.Logging;
using RequestPlanner.Planning.Llm;
using RequestPlanner.Planning.Outages;
using RequestPlanner.Planning.Reservations;
using RequestPlanner.Planning.Retrieval;
using Grpc.Core;

namespace RequestPlanner.Planning;

/// <summary>
/// One change request to one <see cref="Plan"/>: validate the request, retrieve context (HybridSearch), plan
/// (<see cref="IPlanner"/>: the LLM, or retrieval when none is configured), reserve every symbol in one
/// all-or-nothing ReserveBatch under the plan id derived from the request id. The plan is READY (with lease
/// ids), BLOCKED (with the conflicts) or FAILED (with the reasons).
/// An outage of a dependency (RagService, Srm, the LLM past its own retries) is waited out with back-off for
/// <see cref="PlannerOptions.OutageRetryFor"/>, then the plan is FAILED with the reason; an invalid request
/// throws <see cref="InvalidChangeRequestException"/>.
/// </summary>
public sealed class ChangeRequestPlanner(
    IContextRetriever retriever,
    IPlanner planner,
    ISymbolReserver reserver,
    PlannerOptions options,
    PlannerMetrics metrics,
    TimeProvider time,
    ILogger<ChangeRequestPlanner> logger)
{
    private const string RagServiceName = "RagService";

    public async Task<Plan> PlanAsync(ChangeRequest request, CancellationToken cancellationToken)
    {
        var errors = ChangeRequestRules.Validate(request);
        if (errors.Count > 0) throw new InvalidChangeRequestException([.. errors.SelectMany(pair => pair.Value)]);

        using var activity = PlannerTelemetry.Source.StartActivity("plan change request");
        var started = time.GetTimestamp();
        var plan = await PlanThroughOutagesAsync(request, request.Branch, cancellationToken);

        activity?.SetTag("request.id", request.Id);
        activity?.SetTag("plan.id", plan.Id);
        activity?.SetTag("plan.status", plan.Status.ToString());
        activity?.SetTag("plan.planner", plan.Planner);
        activity?.SetTag("plan.steps", plan.Steps.Count);
        var elapsed = time.GetElapsedTime(started);
        metrics.PlanEmitted(plan.Status, plan.Planner, elapsed);
        logger.LogInformation("Request {RequestId} planned by {Planner}: plan {PlanId} is {Status} with {Steps} steps and {Leases} leases in {ElapsedMs} ms",
            request.Id, plan.Planner, plan.Id, plan.Status, plan.Steps.Count, plan.ReservedLeaseIds.Count, (long)elapsed.TotalMilliseconds);
        return plan;
    }

    /// <summary>
    /// Plans, waiting out an outage of a dependency with back-off for <see cref="PlannerOptions.OutageRetryFor"/>;
    /// past that the plan is FAILED with the reason, so the request regresses visibly instead of hanging.
    /// </summary>
    private async Task<Plan> PlanThroughOutagesAsync(ChangeRequest request, string branch, CancellationToken cancellationToken)
    {
        var delay = options.OutageRetryDelay;
        long? outageStarted = null;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await PlanOnceAsync(request, branch, cancellationToken);
            }
            catch (DependencyUnavailableException e)
            {
                outageStarted ??= time.GetTimestamp();
                var waited = time.GetElapsedTime(outageStarted.Value);
                if (waited + delay > options.OutageRetryFor)
                {
                    logger.LogError("Request {RequestId}: {Dependency} stayed unavailable for {WaitedSeconds} s over {Attempts} attempts; publishing a FAILED plan. Last error: {Error}",
                        request.Id, e.Dependency, (long)waited.TotalSeconds, attempt, e.InnerException?.Message);
                    var failed = NewPlan(request, branch);
                    failed.Status = PlanStatus.Failed;
                    failed.Errors.Add($"{e.Dependency} was unavailable for {waited.TotalSeconds:0} s over {attempt} attempts (Planner:OutageRetryFor {options.OutageRetryFor}); last error: {e.InnerException?.Message}. Submit the request again once it is back.");
                    return failed;
                }
                logger.LogWarning("Request {RequestId}: {Dependency} is unavailable (attempt {Attempt}: {Error}); retrying in {Delay}",
                    request.Id, e.Dependency, attempt, e.InnerException?.Message, delay);
                await Task.Delay(delay, time, cancellationToken);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, options.OutageMaxRetryDelay.Ticks));
            }
        }
    }

    private async Task<Plan> PlanOnceAsync(ChangeRequest request, string branch, CancellationToken cancellationToken)
    {
        var plan = NewPlan(request, branch);
        var context = await TransientFailure.CallAsync(RagServiceName, () => retriever.SearchAsync(new HybridSearchRequest
        {
            Repo = request.Repo,
            Branch = branch,
            Query = request.Description,
            K = options.SearchK,
            Alpha = options.SearchAlpha,
        }, cancellationToken), cancellationToken);

        PlannerResult result;
        try
        {
            result = await planner.PlanAsync(new PlanningInput(request, branch, context), cancellationToken);
        }
        catch (Exception e) when (TransientFailure.Is(e, cancellationToken))
        {
            // The LLM planner calls the LLM, and RagService (ResolvePaths) to validate paths.
            throw new DependencyUnavailableException(e is LlmUnavailableException ? "The LLM" : RagServiceName, e);
        }
        plan.Planner = result.Planner;
        plan.Rationale.AddRange(result.Rationale);

        if (!result.Succeeded)
        {
            plan.Status = PlanStatus.Failed;
            plan.Errors.AddRange(result.Errors.Count > 0 ? result.Errors : ["the planner produced no steps"]);
        }
        else
        {
            plan.Steps.AddRange(result.Steps);
            StepEvidence.Attach(plan.Steps, context);
            await ReserveAsync(plan, request.Description, cancellationToken);
        }
        return plan;
    }

    private static Plan NewPlan(ChangeRequest request, string branch) => new()
    {
        Id = PlanIdentity.ForRequest(request.Id),
        ParentRequestId = request.Id,
        Repo = request.Repo,
        Branch = branch,
    };

    private async Task ReserveAsync(Plan plan, string description, CancellationToken cancellationToken)
    {
        var symbols = SymbolCollector.Collect(plan.Repo, plan.Branch, [.. plan.Steps], description);
        if (symbols.Count == 0)
        {
            plan.Status = PlanStatus.Ready;
            return;
        }

        var request = new ReserveBatchRequest { PlanId = plan.Id, TtlSec = options.LeaseTtlSeconds };
        request.Items.AddRange(symbols);
        ReserveBatchReply reply;
        try
        {
            reply = await TransientFailure.CallAsync("Srm", () => reserver.ReserveBatchAsync(request, cancellationToken), cancellationToken);
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.InvalidArgument)
        {
            // Srm judged the symbols themselves invalid: retrying the same plan cannot help.
            plan.Status = PlanStatus.Failed;
            plan.Errors.Add($"Srm refused to reserve the plan's symbols: {e.Status.Detail}");
            return;
        }

        if (reply.Granted)
        {
            plan.Status = PlanStatus.Ready;
            plan.ReservedLeaseIds.AddRange(reply.Leases.Select(l => l.LeaseId).Order().Select(id => id.ToString(CultureInfo.InvariantCulture)));
            return;
        }

        plan.Status = PlanStatus.Blocked;
        foreach (var conflict in reply.Conflicts)
        {
            plan.Conflicts.Add(new SymbolConflict
            {
                FqName = conflict.FqName,
                HolderPlanId = conflict.HolderPlanId,
                HolderLeaseId = conflict.HolderLeaseId,
                ExpiresAt = conflict.ExpiresAt,
            });
            var until = conflict.ExpiresAt is null ? "" : $" until {conflict.ExpiresAt.ToDateTimeOffset():O}";
            plan.Errors.Add($"symbol {conflict.FqName} is reserved by plan {conflict.HolderPlanId} (lease {conflict.HolderLeaseId}){until}");
        }
        if (reply.Conflicts.Count == 0)
            plan.Errors.Add("Srm refused the reservation without naming a conflict");
    }
}

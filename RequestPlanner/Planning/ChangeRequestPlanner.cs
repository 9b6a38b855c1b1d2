using System.Globalization;
using Contracts.Core;
using Contracts.Rag;
using Contracts.Srm;
using Microsoft.Extensions.Logging;
using RequestPlanner.Planning.Requests;
using RequestPlanner.Planning.Reservations;
using RequestPlanner.Planning.Retrieval;
using Grpc.Core;

namespace RequestPlanner.Planning;

/// <summary>
/// One change request to one <see cref="Plan"/>: validate the request, retrieve context (HybridSearch), plan
/// (<see cref="IPlanner"/>: the LLM, or retrieval when none is configured), reserve every symbol in one
/// all-or-nothing ReserveBatch under the plan id derived from the request id. The plan is READY (with lease
/// ids), BLOCKED (with the conflicts) or FAILED (with the reasons).
/// Dependencies that are down (RagService, Srm, the LLM past its retries) throw, so the consumer loop retries
/// the message; an invalid request throws <see cref="InvalidChangeRequestException"/>.
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
    public async Task<Plan> PlanAsync(ChangeRequest request, CancellationToken cancellationToken)
    {
        var errors = ChangeRequestValidator.Validate(request);
        if (errors.Count > 0) throw new InvalidChangeRequestException(errors);

        using var activity = PlannerTelemetry.Source.StartActivity("plan change request");
        var started = time.GetTimestamp();
        var branch = request.Branch.Length > 0 ? request.Branch : options.DefaultBranch;
        var plan = new Plan
        {
            Id = PlanIdentity.ForRequest(request.Id),
            ParentRequestId = request.Id,
            Repo = request.Repo,
            Branch = branch,
        };

        var context = await retriever.SearchAsync(new HybridSearchRequest
        {
            Repo = request.Repo,
            Branch = branch,
            Query = request.Description,
            K = options.SearchK,
            Alpha = options.SearchAlpha,
        }, cancellationToken);

        var result = await planner.PlanAsync(new PlanningInput(request, branch, context), cancellationToken);
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
            await ReserveAsync(plan, request.Description, cancellationToken);
        }

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
            reply = await reserver.ReserveBatchAsync(request, cancellationToken);
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

using System.Text;
using Contracts.Core;
using Google.Protobuf;

namespace AppHost.Commands;

/// <summary>A plan for people (plain lines: no colour, no wrapping, so it reads the same in a pipe) or as JSON.</summary>
public static class PlanPrinter
{
    private static readonly JsonFormatter Json = new(JsonFormatter.Settings.Default.WithFormatDefaultValues(true));

    public static string ToJson(Plan plan) => Json.Format(plan);

    public static string ToText(Plan plan)
    {
        var text = new StringBuilder();
        text.AppendLine($"Plan {plan.Id} for request {plan.ParentRequestId}: {plan.Status}");
        text.AppendLine($"planner: {plan.Planner}");
        foreach (var step in plan.Steps)
        {
            text.AppendLine($"  {step.Order}. {step.Kind} {step.Path}: {step.Goal}");
            if (step.Symbols.Count > 0) text.AppendLine($"     symbols: {string.Join(", ", step.Symbols)}");
        }
        if (plan.Rationale.Count > 0)
        {
            text.AppendLine("rationale:");
            foreach (var line in plan.Rationale) text.AppendLine($"  - {line}");
        }
        text.AppendLine($"reserved leases: {(plan.ReservedLeaseIds.Count == 0 ? "none" : string.Join(", ", plan.ReservedLeaseIds))}");
        foreach (var conflict in plan.Conflicts)
            text.AppendLine($"  conflict: {conflict.FqName} held by plan {conflict.HolderPlanId} (lease {conflict.HolderLeaseId}) until {conflict.ExpiresAt?.ToDateTimeOffset():u}");
        foreach (var error in plan.Errors) text.AppendLine($"  error: {error}");
        return text.ToString();
    }
}

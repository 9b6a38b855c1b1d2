using Contracts.Core;
using Google.Protobuf;
using Spectre.Console;

namespace AppHost.Terminal;

/// <summary>A plan for people (steps, rationale, leases) or as JSON (protobuf's JSON mapping).</summary>
public static class PlanPrinter
{
    private static readonly JsonFormatter Json = new(JsonFormatter.Settings.Default.WithFormatDefaultValues(true));

    public static string ToJson(Plan plan) => Json.Format(plan);

    public static void Print(Plan plan)
    {
        var colour = plan.Status switch { PlanStatus.Ready => "green", PlanStatus.Blocked => "yellow", _ => "red" };
        AnsiConsole.MarkupLine($"[bold]Plan {Markup.Escape(plan.Id)}[/] for request {Markup.Escape(plan.ParentRequestId)}: [{colour}]{plan.Status}[/]");
        AnsiConsole.MarkupLine($"planner: {Markup.Escape(plan.Planner)}");

        var steps = new Table().AddColumn("#").AddColumn("kind").AddColumn("path").AddColumn("goal").AddColumn("symbols");
        foreach (var step in plan.Steps)
            steps.AddRow(step.Order.ToString(), step.Kind.ToString(), Markup.Escape(step.Path), Markup.Escape(step.Goal), Markup.Escape(string.Join(", ", step.Symbols)));
        AnsiConsole.Write(steps);

        if (plan.Rationale.Count > 0)
        {
            AnsiConsole.MarkupLine("[bold]rationale[/]");
            foreach (var line in plan.Rationale) AnsiConsole.MarkupLine($"  - {Markup.Escape(line)}");
        }
        AnsiConsole.MarkupLine($"[bold]reserved leases[/]: {(plan.ReservedLeaseIds.Count == 0 ? "none" : string.Join(", ", plan.ReservedLeaseIds))}");
        foreach (var conflict in plan.Conflicts)
            AnsiConsole.MarkupLine($"  [yellow]conflict[/] {Markup.Escape(conflict.FqName)} held by plan {Markup.Escape(conflict.HolderPlanId)} (lease {conflict.HolderLeaseId}) until {conflict.ExpiresAt?.ToDateTimeOffset():u}");
        foreach (var error in plan.Errors) AnsiConsole.MarkupLine($"  [red]error[/] {Markup.Escape(error)}");
    }
}

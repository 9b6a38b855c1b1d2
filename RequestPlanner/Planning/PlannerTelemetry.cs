using System.Diagnostics;

namespace RequestPlanner.Planning;

/// <summary>Traces of the planner (ActivitySource "RequestPlanner", exported by ServiceDefaults with the service's own name).</summary>
public static class PlannerTelemetry
{
    public const string SourceName = "RequestPlanner";

    public static readonly ActivitySource Source = new(SourceName);
}

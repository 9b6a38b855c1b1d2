namespace RequestPlanner.Planning.Validation;

/// <summary>Bounds on a plan, so a runaway reply cannot flood the code phase or the lease table.</summary>
public static class PlanLimits
{
    public const int MaxSteps = 40;
    public const int MaxGoalLength = 1_000;
    public const int MaxSymbolsPerStep = 32;
    public const int MaxSymbolLength = 256;
    public const int MaxRationaleItems = 20;
    public const int MaxRationaleLength = 1_000;
}

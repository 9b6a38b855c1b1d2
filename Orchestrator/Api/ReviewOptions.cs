namespace Orchestrator.Api;

/// <summary>
/// Bound from <c>Orchestrator</c>: <see cref="ReviewPlans"/> (default true) lets a submission ask for its plan to be reviewed
/// (<c>"review": true</c>, which the web page sends): the plan then waits in plan_review until a person approves, edits or
/// rejects it. False: no plan waits, whatever the submission asks. API clients that do not ask are never held.
/// </summary>
public sealed class ReviewOptions
{
    public const string Section = "Orchestrator";

    public bool ReviewPlans { get; set; } = true;
}

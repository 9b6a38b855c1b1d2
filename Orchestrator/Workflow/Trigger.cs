namespace Orchestrator.Workflow;

/// <summary>
/// What moves a request between stages. The seed's triggers (crq, plan, code_ok, build_ok, tspec, gt_ok,
/// gt_fail, build2_ok, build_fail) plus the ones its prose implies but never named: a BLOCKED plan and its
/// resubmission, a FAILED plan, a single commit clearing one task, and a failed commit; and the review gate
/// (a READY plan held for review, approved, edited or rejected) and cancellation, which people fire over HTTP.
/// </summary>
public enum Trigger
{
    Crq,
    Plan,
    PlanBlocked,
    Resubmit,
    PlanFail,
    TaskOk,
    CodeOk,
    CodeFail,
    BuildOk,
    Tspec,
    GtOk,
    GtFail,
    Build2Ok,
    BuildFail,
    /// <summary>A timeline note, never a transition: releasing the plan's leases failed permanently.</summary>
    ReleaseFail,
    /// <summary>A timeline note, never a transition: the repository was indexed before planning.</summary>
    Index,
    Review,
    Approve,
    Edit,
    Reject,
    Cancel,
}

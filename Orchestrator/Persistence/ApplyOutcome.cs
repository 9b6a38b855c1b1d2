namespace Orchestrator.Persistence;

/// <summary>What applying one input did.</summary>
public enum ApplyOutcome
{
    /// <summary>State, history and/or outbox were written.</summary>
    Applied,
    /// <summary>The inbox already held the message: nothing was written again.</summary>
    Duplicate,
    /// <summary>Our own message coming back from a topic we publish to: recorded in the inbox only.</summary>
    OwnMessage,
    /// <summary>A plan for a request not seen yet: kept until its change request creates the request.</summary>
    Parked,
    /// <summary>No request with this id exists (and the message cannot create one).</summary>
    UnknownRequest,
    /// <summary>The input had nothing to do (e.g. a resubmission timer for a request that moved on).</summary>
    NoEffect,
}

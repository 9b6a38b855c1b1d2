namespace Orchestrator.Persistence;

/// <summary>
/// How a request was submitted over HTTP: whether its plan is reviewed, which request it retries, its idempotency key, and what
/// indexing its repository at the door did (the first line of its timeline).
/// </summary>
public sealed record Submission(bool Review, string? RetryOf = null, IdempotencyKey? Idempotency = null, string? IndexNote = null);

/// <summary>A client's <c>Idempotency-Key</c> and the digest of the body it came with.</summary>
public sealed record IdempotencyKey(string Key, string Fingerprint);

/// <summary>The request a submission names: new, or (<paramref name="Replayed"/>) the one its idempotency key created before.</summary>
/// <param name="Conflict">The key was used before with a different body.</param>
public sealed record SubmitOutcome(string RequestId, bool Replayed, bool Conflict);

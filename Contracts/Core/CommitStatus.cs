namespace Contracts.Core;

/// <summary>The seed's <c>CommitResult.status</c> strings.</summary>
public enum CommitStatus { Success, Failure }

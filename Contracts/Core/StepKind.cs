namespace Contracts.Core;

/// <summary>What a plan step does to its file: the seed's <c>Step.kind</c> strings.</summary>
public enum StepKind { Add, Edit, Remove, Refactor }

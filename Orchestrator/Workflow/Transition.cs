using Contracts.Core;

namespace Orchestrator.Workflow;

/// <summary>One row of the transition table: in stage <paramref name="From"/>, <paramref name="Trigger"/> leads to <paramref name="To"/>.</summary>
public sealed record Transition(Stage From, Trigger Trigger, Stage To);

using Orchestrator.Workflow;

namespace Orchestrator.Api;

/// <summary><c>GET /api/workflow</c>: the state diagram (stages in order, which are terminal, every transition).</summary>
public sealed record WorkflowView(IReadOnlyList<string> Stages, IReadOnlyList<string> Terminal, IReadOnlyList<TransitionView> Transitions)
{
    public static WorkflowView Current { get; } = new(
        [.. TransitionTable.NonTerminalStages.Concat(TransitionTable.TerminalStages).Select(s => s.Name())],
        [.. TransitionTable.TerminalStages.Select(s => s.Name())],
        [.. TransitionTable.All.Select(t => new TransitionView(t.From.Name(), t.Trigger.Name(), t.To.Name()))]);
}

public sealed record TransitionView(string From, string Trigger, string To);

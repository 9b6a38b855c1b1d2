using Google.Protobuf;
using Orchestrator.Workflow;

namespace Orchestrator.Persistence;

/// <summary>A consumed message to apply: the request it names, the message, where it came from and the trace its outbox rows continue (null: the current activity's).</summary>
public sealed record ConsumedInput(string RequestId, IMessage Message, MessageSource Source, string? TraceParent);

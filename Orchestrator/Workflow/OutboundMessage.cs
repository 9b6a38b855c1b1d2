using Google.Protobuf;

namespace Orchestrator.Workflow;

/// <summary>A message the workflow decided to publish; it goes to the outbox in the same transaction as the state.</summary>
public sealed record OutboundMessage(string Topic, string Key, IMessage Message, string MessageId);

namespace Orchestrator.Messaging;

/// <summary>One stored outbox row, published with exactly its stored message id and traceparent.</summary>
public sealed record OutboxRecord(long Id, string Topic, string Key, byte[] Payload, string MessageType, string MessageId, string? TraceParent);

using System.Security.Cryptography;
using System.Text;
using Contracts;
using Google.Protobuf;
using Orchestrator.Persistence;
using Orchestrator.Workflow;
using ServiceDefaults.Kafka;

namespace Orchestrator.Messaging;

/// <summary>
/// Handles one record of consumer group <c>orchestrator</c>: parses it by topic, finds its request, and applies it
/// through <see cref="RequestStore"/> (inbox + state + history + outbox in one transaction). The consumer loop
/// stores the offset only after this returns, i.e. after the database commit. Records that can never be
/// processed throw <see cref="PoisonMessageException"/> and are dead-lettered.
/// </summary>
public sealed class OrchestratorMessageHandler(RequestStore store, ILogger<OrchestratorMessageHandler> logger) : IKafkaMessageHandler
{
    private const int MaxMessageIdLength = 200;

    public async Task HandleAsync(ConsumedMessage record, CancellationToken cancellationToken)
    {
        // DeepPlan, TaskBundle and RegressionTicket are what we publish; consuming them only observes the topics.
        if (!PipelineMessages.Inputs.Contains(record.Topic)) return;

        var message = Parse(record);
        var requestId = PipelineMessages.RequestIdOf(message);
        if (requestId.Length == 0 && message is Contracts.Core.ChangeRequest request && record.Key.Length > 0)
        {
            request.Id = record.Key; // a producer that only set the key still names the request
            requestId = record.Key;
        }
        if (requestId.Length == 0) requestId = record.Key;
        if (requestId.Length == 0 || requestId.Length > ChangeRequestRules.MaxIdLength)
        {
            throw new PoisonMessageException(
                $"{message.Descriptor.Name} at {record.Position} names no usable request id (field empty or longer than {ChangeRequestRules.MaxIdLength}, key '{Shorten(record.Key)}'). Set the request id field and key the message by it.");
        }
        if (record.Key.Length > 0 && record.Key != requestId)
        {
            logger.LogWarning("{MessageType} at {Position} is keyed {Key} but names request {RequestId}; using the request id field",
                message.Descriptor.Name, record.Position, Shorten(record.Key), requestId);
        }

        var source = new MessageSource(record.Topic, record.Partition, record.Offset, MessageIdOf(record));
        try
        {
            await store.ApplyAsync(requestId, message, source, cancellationToken);
        }
        catch (InvalidMessageException ex)
        {
            throw new PoisonMessageException($"{message.Descriptor.Name} at {record.Position}: {ex.Message}", ex);
        }
    }

    private static IMessage Parse(ConsumedMessage record)
    {
        var descriptor = PipelineMessages.DescriptorFor(record.Topic)
            ?? throw new PoisonMessageException($"Topic {record.Topic} is not a pipeline topic; the Orchestrator cannot interpret {record.Position}.");
        var declared = record.MessageType;
        if (declared is not null && declared != descriptor.FullName)
        {
            throw new PoisonMessageException(
                $"{record.Position} declares {declared}, but {record.Topic} carries {descriptor.FullName}. Publish {declared} on its own topic.");
        }
        try
        {
            return descriptor.Parser.ParseFrom(record.Value);
        }
        catch (InvalidProtocolBufferException ex)
        {
            throw new PoisonMessageException($"{record.Position} is not a valid {descriptor.FullName}: {ex.Message}", ex);
        }
    }

    /// <summary>The message-id header, or the record's position when a producer sent none; long ids are hashed.</summary>
    private static string MessageIdOf(ConsumedMessage record)
    {
        var id = record.MessageId is { Length: > 0 } header ? header : $"{record.Topic}/{record.Partition}/{record.Offset}";
        return id.Length <= MaxMessageIdLength ? id : "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(id)));
    }

    private static string Shorten(string text) => text.Length <= 64 ? text : text[..64] + "…";
}

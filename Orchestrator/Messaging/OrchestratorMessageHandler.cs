using System.Security.Cryptography;
using System.Text;
using Contracts;
using Contracts.Core;
using Google.Protobuf;
using Orchestrator.Persistence;
using Orchestrator.Workflow;
using ServiceDefaults.Kafka;

namespace Orchestrator.Messaging;

/// <summary>
/// Handles records of consumer group <c>orchestrator</c>: parses each by topic, finds its request, and applies a
/// partition's batch through <see cref="RequestStore.ApplyBatchAsync"/> (inbox + state + history + outbox of all of
/// them in one transaction). The consumer loop stores the offsets only after this returns, i.e. after the database
/// commit. Records that can never be processed are answered with <see cref="PoisonMessageException"/> and dead-lettered;
/// the others of their batch are applied.
/// </summary>
public sealed class OrchestratorMessageHandler(RequestStore store, ILogger<OrchestratorMessageHandler> logger) : IKafkaMessageHandler, IKafkaBatchHandler
{
    private const int MaxMessageIdLength = 200;

    public async Task HandleAsync(ConsumedMessage record, CancellationToken cancellationToken)
    {
        if ((await HandleBatchAsync([record], cancellationToken))[0] is { } failure) throw failure;
    }

    public async Task<IReadOnlyList<Exception?>> HandleBatchAsync(IReadOnlyList<ConsumedMessage> records, CancellationToken cancellationToken)
    {
        var failures = new Exception?[records.Count];
        var inputs = new List<(int Index, ConsumedInput Input)>();
        for (var i = 0; i < records.Count; i++)
        {
            try
            {
                if (await InputOfAsync(records[i], cancellationToken) is { } input) inputs.Add((i, input));
            }
            catch (PoisonMessageException ex)
            {
                failures[i] = ex;
            }
        }
        if (inputs.Count == 0) return failures;

        // In a batch the loop's span covers all records; each outbox row continues its own input's trace instead.
        var results = await store.ApplyBatchAsync(
            [.. inputs.Select(x => records.Count == 1 ? x.Input : x.Input with { TraceParent = records[x.Index].TraceParent })], cancellationToken);
        for (var k = 0; k < inputs.Count; k++)
        {
            var (index, input) = inputs[k];
            if (results[k].Invalid is { } reason)
                failures[index] = new PoisonMessageException($"{input.Message.Descriptor.Name} at {records[index].Position}: {reason}");
        }
        return failures;
    }

    /// <summary>The input a record makes, or null for a record of a topic the Orchestrator only observes; throws <see cref="PoisonMessageException"/>.</summary>
    private async Task<ConsumedInput?> InputOfAsync(ConsumedMessage record, CancellationToken cancellationToken)
    {
        // Every record is parsed first, so bytes that are no message are dead-lettered on whichever topic they arrive.
        var message = Parse(record);
        // DeepPlan, TaskBundle and RegressionTicket are what we publish; consuming them only observes the topics.
        if (!PipelineMessages.Inputs.Contains(record.Topic)) return null;

        var requestId = await RequestIdOfAsync(record, message, cancellationToken);
        if (requestId.Length == 0 || requestId.Length > ChangeRequestRules.MaxIdLength)
        {
            throw new PoisonMessageException(
                $"{message.Descriptor.Name} at {record.Position} names no known request (request id empty or longer than {ChangeRequestRules.MaxIdLength}, " +
                $"no task, commit or spec id of a known request, key '{Shorten(record.Key)}'). Set the request id field or answer a message of the request.");
        }
        if (record.Key.Length > 0 && record.Key != requestId)
        {
            logger.LogWarning("{MessageType} at {Position} is keyed {Key} but names request {RequestId}; using the request id field",
                message.Descriptor.Name, record.Position, Shorten(record.Key), requestId);
        }
        return new ConsumedInput(requestId, message, new MessageSource(record.Topic, record.Partition, record.Offset, MessageIdOf(record)), TraceParent: null);
    }

    /// <summary>
    /// The request id the message names; for a seed-style message that names none (no key, no request id), the request
    /// its task, commit or spec id belongs to; else the record's key. A change request is only ever its own id.
    /// </summary>
    private async Task<string> RequestIdOfAsync(ConsumedMessage record, IMessage message, CancellationToken cancellationToken)
    {
        var named = PipelineMessages.RequestIdOf(message);
        if (named.Length > 0 || message is ChangeRequest) return named;
        return await store.CorrelatedRequestAsync(PipelineMessages.SeedIdsOf(message), cancellationToken) ?? record.Key;
    }

    private static IMessage Parse(ConsumedMessage record) => record.Parse(PipelineMessages.DescriptorFor(record.Topic)
        ?? throw new PoisonMessageException($"Topic {record.Topic} is not a pipeline topic; the Orchestrator cannot interpret {record.Position}."));

    /// <summary>
    /// The message-id header. A record without one (the seed's agents send none) is identified by its position, its
    /// timestamp and a hash of its key and bytes: the position alone comes back when a broker restarts empty or a topic is
    /// recreated while the database is kept, and a new record there must never pass for an old one.
    /// </summary>
    private static string MessageIdOf(ConsumedMessage record)
    {
        if (record.MessageId is { Length: > 0 } header)
            return header.Length <= MaxMessageIdLength ? header : "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(header)));
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(Encoding.UTF8.GetBytes($"{record.Timestamp.ToUnixTimeMilliseconds()}\n{record.Key}\n"));
        hash.AppendData(record.Value);
        return $"{record.Topic}/{record.Partition}/{record.Offset}/{Convert.ToHexStringLower(hash.GetHashAndReset())[..32]}";
    }

    private static string Shorten(string text) => text.Length <= 64 ? text : text[..64] + "…";
}

using System.Diagnostics;
using System.Globalization;
using System.Text;
using Confluent.Kafka;
using Contracts;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;

namespace ServiceDefaults.Kafka;

/// <summary>
/// Consumes <see cref="KafkaConsumerOptions.Topics"/> in a consumer group and hands its records to a handler. A failing handler is retried with backoff; a message failing permanently (<see cref="PermanentFailure"/>:
/// undecodable, invalid, unstorable) or still failing after the retries goes to <c>&lt;topic&gt;.dlq</c> with headers
/// naming the error, the source and this consumer group, and the loop moves on.
/// </summary>
/// <remarks>
/// Offsets: <c>enable.auto.offset.store=false</c>; the loop stores a record's offset only after the handler
/// succeeded or the record was dead-lettered, and librdkafka's auto-commit (every 5 s) commits stored offsets.
/// Stored offsets are also committed explicitly when partitions are revoked and on shutdown (Close), so a
/// restart resumes right after the last finished record. Delivery is at-least-once: a record whose
/// handler was interrupted (shutdown, crash) is delivered again, so handlers dedupe on <c>message-id</c>.
/// By default records are handled one at a time per loop. With <see cref="KafkaConsumerOptions.ProcessPartitionsInParallel"/>
/// each assigned partition has a worker of its own (<see cref="PartitionWorker"/>) that hands the handler batches of up to
/// <see cref="KafkaConsumerOptions.MaxBatchSize"/> records in offset order; per-key order holds either way, since a key
/// lives in one partition. On revocation the batches in flight finish and store their offsets before the offsets are
/// committed, and queued records are dropped (the next owner receives them), so a rebalance loses and repeats nothing.
/// A record's handling, retries included, must stay under librdkafka's <c>max.poll.interval.ms</c> (5 min) or the member
/// is dropped from the group.
/// </remarks>
public sealed class KafkaConsumerLoop : BackgroundService
{
    private static readonly TimeSpan MaxDeadLetterBackoff = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan ParallelPollInterval = TimeSpan.FromMilliseconds(100);

    private readonly string bootstrapServers;
    private readonly KafkaConsumerOptions options;
    private readonly Func<IReadOnlyList<ConsumedMessage>, CancellationToken, Task<IReadOnlyList<Exception?>>> handler;
    private readonly IKafkaPublisher deadLetters;
    private readonly ILogger<KafkaConsumerLoop> logger;
    private readonly TimeProvider timeProvider;
    private readonly ResiliencePipeline retryPipeline;

    public KafkaConsumerLoop(
        string bootstrapServers,
        KafkaConsumerOptions options,
        Func<ConsumedMessage, CancellationToken, Task> handler,
        IKafkaPublisher deadLetters,
        ILogger<KafkaConsumerLoop> logger,
        TimeProvider? timeProvider = null)
        : this(bootstrapServers, options, async (messages, cancellationToken) =>
        {
            foreach (var message in messages) await handler(message, cancellationToken);
            return new Exception?[messages.Count];
        }, deadLetters, logger, timeProvider)
    {
    }

    /// <summary>A loop whose handler takes records of one partition at once (<see cref="IKafkaBatchHandler"/>).</summary>
    public KafkaConsumerLoop(
        string bootstrapServers,
        KafkaConsumerOptions options,
        Func<IReadOnlyList<ConsumedMessage>, CancellationToken, Task<IReadOnlyList<Exception?>>> handler,
        IKafkaPublisher deadLetters,
        ILogger<KafkaConsumerLoop> logger,
        TimeProvider? timeProvider = null)
    {
        options.Validate();
        KafkaNativeLibrary.EnsureLoaded();
        this.bootstrapServers = bootstrapServers;
        this.options = options;
        this.handler = handler;
        this.deadLetters = deadLetters;
        this.logger = logger;
        this.timeProvider = timeProvider ?? TimeProvider.System;
        retryPipeline = BuildRetryPipeline();
    }

    /// <summary>The consumer group: what this loop's dead letters name.</summary>
    public string GroupId => options.GroupId;

    public IReadOnlyList<string> ConsumedTopics => [.. options.Topics];

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        // Consume() blocks its thread; keep it off the host's startup path.
        Task.Run(() => RunAsync(stoppingToken), CancellationToken.None);

    private async Task RunAsync(CancellationToken stoppingToken)
    {
        var restartDelay = options.RetryDelay;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await RunConsumerAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                // Never let a consumer failure stop the host: rebuild the consumer after a pause.
                logger.LogError(ex, "Kafka consumer of group {GroupId} on {Topics} failed; recreating it in {Delay}",
                    options.GroupId, options.Topics, restartDelay);
                if (!await DelayAsync(restartDelay, stoppingToken)) break;
                restartDelay = Min(restartDelay * 2, options.MaxRetryDelay);
            }
        }
        logger.LogInformation("Kafka consumer of group {GroupId} stopped", options.GroupId);
    }

    private async Task RunConsumerAsync(CancellationToken stoppingToken)
    {
        // Touched only on the consume thread: Consume() runs the rebalance handlers there.
        var workers = new Dictionary<TopicPartition, PartitionWorker>();
        var paused = new HashSet<TopicPartition>();
        using var consumer = BuildConsumer(workers, paused);
        consumer.Subscribe(options.Topics);
        logger.LogInformation("Kafka consumer of group {GroupId} subscribed to {Topics}", options.GroupId, options.Topics);
        try
        {
            while (true)
            {
                ConsumeResult<byte[], byte[]> result;
                try
                {
                    if (options.ProcessPartitionsInParallel)
                    {
                        // A short poll, so partitions paused for a long queue resume soon after their worker caught up.
                        stoppingToken.ThrowIfCancellationRequested();
                        result = consumer.Consume(ParallelPollInterval);
                        ResumeCaughtUp(consumer, workers, paused);
                    }
                    else
                    {
                        result = consumer.Consume(stoppingToken);
                    }
                }
                catch (ConsumeException ex) when (!ex.Error.IsFatal)
                {
                    logger.LogWarning("Kafka consumer of group {GroupId}: {Code} {Reason}; continuing",
                        options.GroupId, ex.Error.Code, ex.Error.Reason);
                    continue;
                }
                if (result is null || result.IsPartitionEOF) continue;

                if (options.ProcessPartitionsInParallel)
                {
                    if (!workers.TryGetValue(result.TopicPartition, out var worker))
                    {
                        workers[result.TopicPartition] = worker = new PartitionWorker(Math.Max(1, options.MaxBatchSize),
                            ProcessBatchAsync, finished => StoreOffset(consumer, finished), stoppingToken);
                    }
                    worker.Enqueue(result);
                    // librdkafka drops what it prefetched for a paused partition and fetches it again from here on resume.
                    if (worker.Queued >= MaxQueued && paused.Add(result.TopicPartition)) consumer.Pause([result.TopicPartition]);
                    continue;
                }
                if (!await ProcessAsync(result, stoppingToken)) return;
                StoreOffset(consumer, result);
            }
        }
        finally
        {
            StopWorkers(workers, workers.Keys.ToList());
            CloseQuietly(consumer);
        }
    }

    private int MaxQueued => Math.Max(1, options.MaxBatchSize) * 4;

    private void ResumeCaughtUp(IConsumer<byte[], byte[]> consumer, Dictionary<TopicPartition, PartitionWorker> workers, HashSet<TopicPartition> paused)
    {
        if (paused.Count == 0) return;
        var caughtUp = paused.Where(p => !workers.TryGetValue(p, out var worker) || worker.Queued <= MaxQueued / 2).ToList();
        if (caughtUp.Count == 0) return;
        consumer.Resume(caughtUp);
        paused.ExceptWith(caughtUp);
    }

    private void StoreOffset(IConsumer<byte[], byte[]> consumer, ConsumeResult<byte[], byte[]> result)
    {
        try
        {
            consumer.StoreOffset(result);
        }
        catch (KafkaException ex)
        {
            // The partition moved to another member meanwhile; it will see the record again.
            logger.LogWarning("Could not store offset of {Topic} [{Partition}] @{Offset}: {Reason}",
                result.Topic, result.Partition.Value, result.Offset.Value, ex.Error.Reason);
        }
    }

    /// <summary>Stops the partitions' workers and waits for their batches in flight, whose offsets they store.</summary>
    private static void StopWorkers(Dictionary<TopicPartition, PartitionWorker> workers, IEnumerable<TopicPartition> partitions)
    {
        var stopping = new List<Task>();
        foreach (var partition in partitions)
        {
            if (workers.Remove(partition, out var worker)) stopping.Add(worker.StopAsync());
        }
        // Blocking is intended: the rebalance must not complete before the batches in flight committed and stored their offsets.
        Task.WhenAll(stopping).GetAwaiter().GetResult();
    }

    /// <summary>
    /// Handles a batch of one partition's records in order; returns how many (a prefix) are finished: handled or
    /// dead-lettered. Fewer than all only when stopping interrupted the batch (the rest must not have offsets stored).
    /// </summary>
    private async Task<int> ProcessBatchAsync(IReadOnlyList<ConsumeResult<byte[], byte[]>> batch, CancellationToken stoppingToken)
    {
        if (batch.Count > 1)
        {
            var messages = batch.Select(ToConsumedMessage).ToList();
            IReadOnlyList<Exception?>? failures = null;
            using (var activity = StartBatchActivity(messages))
            {
                try
                {
                    failures = await handler(messages, stoppingToken);
                }
                catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                {
                    return 0;
                }
                catch (Exception ex)
                {
                    activity?.SetStatus(ActivityStatusCode.Error, ex.Message);
                    logger.LogWarning("Batch of {Count} record(s) from {Topic} [{Partition}] @{Offset} failed ({Error}); handling them one at a time",
                        batch.Count, batch[0].Topic, batch[0].Partition.Value, batch[0].Offset.Value, ex.Message);
                }
            }
            if (failures is not null)
            {
                for (var i = 0; i < messages.Count; i++)
                {
                    if (failures[i] is not { } failure)
                    {
                        KafkaTelemetry.Consumed.Add(1, KafkaTelemetry.Topic(messages[i].Topic), KafkaTelemetry.Result("processed"));
                        continue;
                    }
                    if (!await DeadLetterFailedAsync(messages[i], failure, attempts: 1, stoppingToken)) return i;
                }
                return batch.Count;
            }
        }
        for (var i = 0; i < batch.Count; i++)
        {
            if (!await ProcessAsync(batch[i], stoppingToken)) return i;
        }
        return batch.Count;
    }

    /// <returns>False when stopping interrupted the record (its offset must not be stored).</returns>
    private async Task<bool> ProcessAsync(ConsumeResult<byte[], byte[]> result, CancellationToken stoppingToken)
    {
        var message = ToConsumedMessage(result);
        using var activity = StartProcessActivity(message);
        var attempts = 0;
        var context = ResilienceContextPool.Shared.Get(stoppingToken);
        context.Properties.Set(MessageKey, message);
        try
        {
            await retryPipeline.ExecuteAsync(async ctx =>
            {
                attempts++;
                if ((await handler([message], ctx.CancellationToken))[0] is { } failure) throw failure;
            }, context);
            KafkaTelemetry.Consumed.Add(1, KafkaTelemetry.Topic(message.Topic), KafkaTelemetry.Result("processed"));
            logger.LogDebug("Processed {Topic} [{Partition}] @{Offset} message-id {MessageId} after {Attempts} attempt(s)",
                message.Topic, message.Partition, message.Offset, message.MessageId, attempts);
            return true;
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            logger.LogInformation("Stopping while processing {Topic} [{Partition}] @{Offset}; it will be delivered again",
                message.Topic, message.Partition, message.Offset);
            return false;
        }
        catch (Exception ex)
        {
            activity?.SetStatus(ActivityStatusCode.Error, ex.Message);
            return await DeadLetterFailedAsync(message, ex, attempts, stoppingToken);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    /// <returns>False when stopping interrupted writing the dead letter.</returns>
    private async Task<bool> DeadLetterFailedAsync(ConsumedMessage message, Exception ex, int attempts, CancellationToken stoppingToken)
    {
        var poison = PermanentFailure.Is(ex);
        var reason = poison ? "poison" : "retries_exhausted";
        var deadLetterTopic = Topics.DeadLetter(message.Topic);
        if (poison)
        {
            logger.LogWarning("Message {Topic} [{Partition}] @{Offset} message-id {MessageId} failed permanently in group {GroupId}; it goes to {DeadLetterTopic} without retries: {Error}",
                message.Topic, message.Partition, message.Offset, message.MessageId, options.GroupId, deadLetterTopic, ex.Message);
        }
        else
        {
            logger.LogError(ex, "Message {Topic} [{Partition}] @{Offset} message-id {MessageId} failed {Attempts} time(s); moving it to {DeadLetterTopic}",
                message.Topic, message.Partition, message.Offset, message.MessageId, attempts, deadLetterTopic);
        }

        if (!await DeadLetterAsync(message, deadLetterTopic, ex, stoppingToken)) return false;
        KafkaTelemetry.DeadLettered.Add(1, KafkaTelemetry.Topic(message.Topic), KafkaTelemetry.Result(reason));
        KafkaTelemetry.Consumed.Add(1, KafkaTelemetry.Topic(message.Topic), KafkaTelemetry.Result("dead_lettered"));
        return true;
    }

    /// <summary>Keeps trying until the dead letter is written: its source offset is stored only afterwards.</summary>
    private async Task<bool> DeadLetterAsync(ConsumedMessage message, string deadLetterTopic, Exception error, CancellationToken stoppingToken)
    {
        var headers = DeadLetterHeaders.For(message, error, options.GroupId);
        var backoff = options.RetryDelay;
        while (true)
        {
            try
            {
                await deadLetters.ProduceRawAsync(deadLetterTopic, message.Key, message.Value, headers, stoppingToken);
                return true;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return false;
            }
            catch (Exception ex)
            {
                logger.LogError(ex, "Could not write {Topic} [{Partition}] @{Offset} to {DeadLetterTopic}; retrying in {Delay}. Check that the broker is reachable and {DeadLetterTopic} exists.",
                    message.Topic, message.Partition, message.Offset, deadLetterTopic, backoff, deadLetterTopic);
                if (!await DelayAsync(backoff, stoppingToken)) return false;
                backoff = Min(backoff * 2, MaxDeadLetterBackoff);
            }
        }
    }

    private static ConsumedMessage ToConsumedMessage(ConsumeResult<byte[], byte[]> result)
    {
        var headers = result.Message.Headers is { } kafkaHeaders
            ? kafkaHeaders.Select(h => new KeyValuePair<string, byte[]>(h.Key, h.GetValueBytes() ?? [])).ToList()
            : [];
        return new ConsumedMessage(
            result.Topic,
            result.Partition.Value,
            result.Offset.Value,
            result.Message.Key is { } key ? Encoding.UTF8.GetString(key) : "",
            result.Message.Value ?? [],
            headers,
            new DateTimeOffset(result.Message.Timestamp.UtcDateTime, TimeSpan.Zero));
    }

    private static Activity? StartProcessActivity(ConsumedMessage message)
    {
        var activity = StartConsumerActivity(message.Topic, message.Partition, KafkaTelemetry.ParentFrom(message.TraceParent), links: null);
        activity?.SetTag("messaging.kafka.offset", message.Offset);
        activity?.SetTag("messaging.kafka.message.key", message.Key);
        activity?.SetTag("messaging.message.id", message.MessageId);
        return activity;
    }

    private static Activity? StartBatchActivity(IReadOnlyList<ConsumedMessage> messages)
    {
        var first = messages[0];
        var activity = StartConsumerActivity(first.Topic, first.Partition, default,
            messages.Select(m => KafkaTelemetry.ParentFrom(m.TraceParent)).Where(c => c != default).Select(c => new ActivityLink(c)));
        activity?.SetTag("messaging.batch.message_count", messages.Count);
        return activity;
    }

    /// <summary>A consumer "process" span with the tags every one has (OpenTelemetry messaging conventions).</summary>
    private static Activity? StartConsumerActivity(string topic, int partition, ActivityContext parent, IEnumerable<ActivityLink>? links)
    {
        var activity = KafkaTelemetry.ActivitySource.StartActivity($"{topic} process", ActivityKind.Consumer, parent, links: links);
        if (activity is null) return null;
        activity.SetTag("messaging.system", "kafka");
        activity.SetTag("messaging.operation.type", "process");
        activity.SetTag("messaging.destination.name", topic);
        activity.SetTag("messaging.destination.partition.id", partition.ToString(CultureInfo.InvariantCulture));
        return activity;
    }

    private IConsumer<byte[], byte[]> BuildConsumer(Dictionary<TopicPartition, PartitionWorker> workers, HashSet<TopicPartition> paused)
    {
        var config = new ConsumerConfig
        {
            BootstrapServers = bootstrapServers,
            GroupId = options.GroupId,
            ClientId = $"{AppDomain.CurrentDomain.FriendlyName}-{options.GroupId}",
            AutoOffsetReset = options.StartFromEarliest ? AutoOffsetReset.Earliest : AutoOffsetReset.Latest,
            EnableAutoCommit = true,
            EnablePartitionEof = false,
            SessionTimeoutMs = options.SessionTimeoutMs,
            HeartbeatIntervalMs = options.HeartbeatIntervalMs,
        };
        // Incremental rebalancing: a member keeps its other partitions, and the commit made when some are revoked is
        // accepted (an eager rebalance refuses it with "rebalance in progress", so the next owner would repeat them).
        if (options.ProcessPartitionsInParallel) config.PartitionAssignmentStrategy = PartitionAssignmentStrategy.CooperativeSticky;
        if (!options.DisableMetrics) config.StatisticsIntervalMs = KafkaStatisticsMetrics.DefaultIntervalMs;
        foreach (var (name, value) in options.ConsumerProperties) config.Set(name, value);
        // Offsets are stored by the loop only; this is what makes "processed or dead-lettered" the commit point.
        config.EnableAutoOffsetStore = false;

        var builder = new ConsumerBuilder<byte[], byte[]>(config);
        if (!options.DisableMetrics) builder.SetStatisticsHandler((_, json) => KafkaStatisticsMetrics.Record(json));
        return builder
            .SetLogHandler((_, message) => KafkaLogBridge.Log(logger, message))
            .SetErrorHandler((_, error) => logger.LogWarning(
                "Kafka consumer of group {GroupId} error {Code} (fatal: {IsFatal}): {Reason}",
                options.GroupId, error.Code, error.IsFatal, error.Reason))
            .SetPartitionsAssignedHandler((_, partitions) =>
            {
                var assigned = ToPartitions(partitions);
                logger.LogInformation("Kafka consumer of group {GroupId} assigned {Partitions}", options.GroupId, string.Join(", ", assigned));
                options.PartitionsAssigned?.Invoke(assigned);
            })
            .SetPartitionsRevokedHandler((consumer, partitions) =>
            {
                var revoked = ToPartitions(partitions.Select(p => p.TopicPartition));
                logger.LogInformation("Kafka consumer of group {GroupId} revoked {Partitions}", options.GroupId, string.Join(", ", revoked));
                options.PartitionsRevoked?.Invoke(revoked);
                StopWorkers(workers, partitions.Select(p => p.TopicPartition));
                ForgetPaused(consumer, paused, partitions.Select(p => p.TopicPartition));
                CommitStored(consumer);
            })
            .SetPartitionsLostHandler((consumer, partitions) =>
            {
                var lost = ToPartitions(partitions.Select(p => p.TopicPartition));
                logger.LogWarning("Kafka consumer of group {GroupId} lost {Partitions} (session timed out); records after the last commit will be redelivered",
                    options.GroupId, string.Join(", ", lost));
                options.PartitionsRevoked?.Invoke(lost);
                StopWorkers(workers, partitions.Select(p => p.TopicPartition));
                ForgetPaused(consumer, paused, partitions.Select(p => p.TopicPartition));
            })
            .Build();
    }

    /// <summary>Resumes revoked partitions this member paused, so whoever is assigned them next fetches them.</summary>
    private static void ForgetPaused(IConsumer<byte[], byte[]> consumer, HashSet<TopicPartition> paused, IEnumerable<TopicPartition> partitions)
    {
        var revoked = partitions.Where(paused.Remove).ToList();
        if (revoked.Count == 0) return;
        try
        {
            consumer.Resume(revoked);
        }
        catch (KafkaException)
        {
            // Already gone from the assignment: nothing stays paused.
        }
    }

    /// <summary>Commits stored offsets now, so the next owner of a revoked partition starts where we stopped.</summary>
    private void CommitStored(IConsumer<byte[], byte[]> consumer)
    {
        try
        {
            consumer.Commit();
        }
        catch (KafkaException ex) when (ex.Error.Code == ErrorCode.Local_NoOffset)
        {
            // Nothing processed since the last commit.
        }
        catch (KafkaException ex)
        {
            logger.LogWarning("Kafka consumer of group {GroupId} could not commit on revocation: {Reason}", options.GroupId, ex.Error.Reason);
        }
    }

    private void CloseQuietly(IConsumer<byte[], byte[]> consumer)
    {
        try
        {
            // Close commits the stored offsets (auto-commit) and leaves the group so others take over at once.
            // The name is read first: a closed consumer's handle is gone.
            var name = consumer.Name;
            consumer.Close();
            KafkaStatisticsMetrics.Forget(name);
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "Kafka consumer of group {GroupId} did not close cleanly", options.GroupId);
        }
    }

    private ResiliencePipeline BuildRetryPipeline()
    {
        if (options.MaxRetries == 0) return ResiliencePipeline.Empty;
        return new ResiliencePipelineBuilder { TimeProvider = timeProvider }
            .AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = options.MaxRetries,
                Delay = options.RetryDelay,
                MaxDelay = options.MaxRetryDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                ShouldHandle = args => ValueTask.FromResult(
                    args.Outcome.Exception is { } ex
                    && !PermanentFailure.Is(ex)
                    && !(ex is OperationCanceledException && args.Context.CancellationToken.IsCancellationRequested)),
                OnRetry = args =>
                {
                    var message = args.Context.Properties.GetValue(MessageKey, null!);
                    KafkaTelemetry.Retries.Add(1, KafkaTelemetry.Topic(message.Topic));
                    logger.LogWarning("Handler failed on attempt {Attempt} for {Topic} [{Partition}] @{Offset} (group {GroupId}): {Error}; retrying in {Delay}",
                        args.AttemptNumber + 1, message.Topic, message.Partition, message.Offset, options.GroupId,
                        args.Outcome.Exception?.Message, args.RetryDelay);
                    return default;
                },
            })
            .Build();
    }

    private static readonly ResiliencePropertyKey<ConsumedMessage> MessageKey = new("kafka.message");

    private async Task<bool> DelayAsync(TimeSpan delay, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(delay, timeProvider, cancellationToken);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private static List<KafkaTopicPartition> ToPartitions(IEnumerable<TopicPartition> partitions) =>
        partitions.Select(p => new KafkaTopicPartition(p.Topic, p.Partition.Value)).ToList();

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;
}

using Contracts;
using Contracts.Core;
using Microsoft.Extensions.Logging;
using RequestPlanner.Planning;
using ServiceDefaults.Kafka;

namespace RequestPlanner.Worker;

/// <summary>
/// One record of <c>change.request.in</c>: parse, validate, plan, publish the <see cref="Plan"/> on
/// <c>plan.out</c> keyed by the request id. Malformed or invalid requests are poison (dead-lettered at once
/// with the reason, never planned); an outage of a dependency is waited out by the planner, which then
/// publishes a FAILED plan saying so, so the request regresses instead of hanging. Planning is idempotent per request (the plan id is derived
/// from the request id), so a retry or redelivery publishes the same plan again and reserves nothing new.
/// </summary>
public sealed class ChangeRequestHandler(ChangeRequestPlanner planner, IKafkaPublisher publisher, ILogger<ChangeRequestHandler> logger)
    : IKafkaMessageHandler
{
    public async Task HandleAsync(ConsumedMessage message, CancellationToken cancellationToken)
    {
        var request = message.Parse<ChangeRequest>();
        Plan plan;
        try
        {
            plan = await planner.PlanAsync(request, cancellationToken); // validates first: nothing is planned for an invalid request
        }
        catch (InvalidChangeRequestException e)
        {
            throw new PoisonMessageException(
                $"Change request {message.Position} is invalid and was not planned: {string.Join("; ", e.Errors)}. Fix the request and submit it again.", e);
        }
        // Only now is the id known to be short and printable enough to log.
        if (message.Key != request.Id)
            logger.LogWarning("Change request {RequestId} arrived with key {Key}; the plan is keyed by the request id", request.Id, message.Key);

        await publisher.PublishAsync(Topics.PlanOut, request.Id, plan, cancellationToken);
    }
}

using Microsoft.Extensions.Logging;
using OpenAI.Chat;
using RequestPlanner.Planning.Prompting;
using RequestPlanner.Planning.Validation;

namespace RequestPlanner.Planning.Llm;

/// <summary>
/// Plans with the LLM: prompt (<see cref="PlanPromptBuilder"/>), reply under the JSON schema, defensive read
/// (<see cref="PlanJsonParser"/>), validation (<see cref="PlanValidator"/>). A reply that is cut off
/// (finish_reason=length), not JSON, or invalid gets one repair turn with the errors; if that fails too,
/// the result carries the errors and the plan becomes FAILED.
/// </summary>
public sealed class LlmPlanner(OpenAiChatModel model, PlanValidator validator, PlanPromptBuilder promptBuilder, ILogger<LlmPlanner> logger) : IPlanner
{
    public const int RepairTurns = 1;

    public string Name => "llm:" + model.Model;

    public async Task<PlannerResult> PlanAsync(PlanningInput input, CancellationToken cancellationToken)
    {
        var prompt = promptBuilder.Build(input.Request, input.Branch, input.Context);
        logger.LogInformation(
            "Planning request {RequestId} with {Model}: {PromptTokens} prompt tokens, {Snippets} snippets ({Omitted} left out for the budget)",
            input.Request.Id, model.Model, prompt.Tokens, prompt.SnippetsIncluded, prompt.SnippetsOmitted);

        var messages = new List<ChatMessage>
        {
            ChatMessage.CreateSystemMessage(prompt.SystemMessage),
            ChatMessage.CreateUserMessage(prompt.UserMessage),
        };

        IReadOnlyList<string> errors = [];
        for (var turn = 0; turn <= RepairTurns; turn++)
        {
            ChatReply reply;
            try
            {
                reply = await model.CompleteAsync(messages, cancellationToken);
            }
            catch (LlmRequestRejectedException e)
            {
                return PlannerResult.Failed(Name, [e.Message]);
            }

            var (validation, replyErrors) = await ReadAsync(input, reply, cancellationToken);
            if (validation is { IsValid: true })
                return new PlannerResult(Name, validation.Steps, validation.Rationale, []);

            errors = replyErrors;
            logger.LogWarning("The plan for request {RequestId} was rejected on turn {Turn}: {Errors}",
                input.Request.Id, turn + 1, string.Join("; ", errors));
            if (turn == RepairTurns) break;

            // A truncated reply is not worth echoing back; the model only needs to know it must be shorter.
            if (reply.FinishReason != ChatFinishReason.Length && reply.Text.Length > 0)
                messages.Add(ChatMessage.CreateAssistantMessage(reply.Text));
            messages.Add(ChatMessage.CreateUserMessage(PlanPromptBuilder.BuildRepairMessage(errors)));
        }

        return PlannerResult.Failed(Name, [.. errors.Select(e => "after a repair turn: " + e)]);
    }

    private async Task<(PlanValidation? Validation, IReadOnlyList<string> Errors)> ReadAsync(
        PlanningInput input, ChatReply reply, CancellationToken cancellationToken)
    {
        if (reply.FinishReason == ChatFinishReason.Length)
            return (null, [$"the reply was cut off at the output limit ({reply.OutputTokens} tokens, finish_reason=length); send a shorter plan with fewer, more concise steps"]);
        if (reply.Refusal is { } refusal)
            return (null, [$"the model declined to answer ({(refusal.Length > 200 ? refusal[..200] + "…" : refusal)}); plan the change as described, as JSON"]);
        if (reply.FinishReason == ChatFinishReason.ContentFilter)
            return (null, ["the reply was withheld by the content filter (finish_reason=content_filter); describe the plan in neutral terms"]);

        var draft = PlanJsonParser.Parse(reply.Text, out var parseError);
        if (draft is null) return (null, [parseError]);

        var validation = await validator.ValidateAsync(input.Request.Repo, input.Branch, draft, cancellationToken);
        return (validation, validation.Errors);
    }
}

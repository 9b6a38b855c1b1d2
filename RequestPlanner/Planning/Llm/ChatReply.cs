using OpenAI.Chat;

namespace RequestPlanner.Planning.Llm;

/// <summary>One completion: its text, why it stopped, a refusal when the model declined, and the token usage.</summary>
public sealed record ChatReply(string Text, ChatFinishReason FinishReason, int InputTokens, int OutputTokens, string? Refusal = null);

using OpenAI.Chat;

namespace RequestPlanner.Planning.Llm;

/// <summary>One completion: its text, why it stopped, and the token usage the endpoint reported (or our estimate).</summary>
public sealed record ChatReply(string Text, ChatFinishReason FinishReason, int InputTokens, int OutputTokens);

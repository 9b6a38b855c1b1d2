using OpenAI.Chat;

namespace RequestPlanner.Planning.Llm;

/// <summary>
/// The structured-output schema of a plan. Strict mode requires every property to be listed in
/// <c>required</c> and <c>additionalProperties: false</c> at every level.
/// </summary>
public static class PlanJsonSchema
{
    public const string Name = "change_plan";

    public const string Schema =
        """
        {
          "type": "object",
          "properties": {
            "steps": {
              "type": "array",
              "items": {
                "type": "object",
                "properties": {
                  "goal": { "type": "string" },
                  "kind": { "type": "string", "enum": ["ADD", "EDIT", "REMOVE", "REFACTOR"] },
                  "path": { "type": "string" },
                  "symbols": { "type": "array", "items": { "type": "string" } }
                },
                "required": ["goal", "kind", "path", "symbols"],
                "additionalProperties": false
              }
            },
            "rationale": { "type": "array", "items": { "type": "string" } }
          },
          "required": ["steps", "rationale"],
          "additionalProperties": false
        }
        """;

    public static ChatResponseFormat ResponseFormat() =>
        ChatResponseFormat.CreateJsonSchemaFormat(
            Name,
            BinaryData.FromString(Schema),
            jsonSchemaFormatDescription: "An ordered plan of code changes with its rationale.",
            jsonSchemaIsStrict: true);
}

using System.Text.Json;

namespace RequestPlanner.Planning.Validation;

/// <summary>
/// Reads a model's reply into a <see cref="PlanDraft"/> without trusting it: invalid JSON, a wrong root,
/// wrong field types and missing fields become errors in words (for the repair turn), never exceptions.
/// Tolerates a reply wrapped in a Markdown code fence, which some local models add even under a schema.
/// </summary>
public static class PlanJsonParser
{
    /// <summary>The draft, or null with the reason when the reply is not a JSON object with a steps array.</summary>
    public static PlanDraft? Parse(string reply, out string error)
    {
        error = "";
        var json = StripCodeFence(reply);
        if (json.Length == 0) return Fail(out error, "the reply was empty; reply with the plan as a JSON object");

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 16 });
        }
        catch (JsonException e)
        {
            return Fail(out error, $"the reply is not valid JSON ({e.Message}); reply with one JSON object matching the schema");
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                return Fail(out error, $"the reply is a JSON {Describe(root.ValueKind)}, not an object with \"steps\" and \"rationale\"");
            if (!root.TryGetProperty("steps", out var stepsElement) || stepsElement.ValueKind != JsonValueKind.Array)
                return Fail(out error, "the reply has no \"steps\" array");

            var readErrors = new List<string>();
            var steps = new List<DraftStep>();
            var number = 0;
            foreach (var element in stepsElement.EnumerateArray())
            {
                number++;
                if (element.ValueKind != JsonValueKind.Object)
                {
                    readErrors.Add($"step {number} is a JSON {Describe(element.ValueKind)}, not an object");
                    continue;
                }
                steps.Add(new DraftStep(
                    ReadString(element, "goal", number, readErrors),
                    ReadString(element, "kind", number, readErrors),
                    ReadString(element, "path", number, readErrors),
                    ReadStrings(element, "symbols", $"step {number}", readErrors)));
            }

            var rationale = root.TryGetProperty("rationale", out _)
                ? ReadStrings(root, "rationale", "the plan", readErrors)
                : [];
            return new PlanDraft(steps, rationale, readErrors);
        }
    }

    private static string? ReadString(JsonElement step, string name, int number, List<string> errors)
    {
        if (!step.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            errors.Add($"step {number} has no \"{name}\"");
            return null;
        }
        if (value.ValueKind != JsonValueKind.String)
        {
            errors.Add($"step {number}: \"{name}\" must be a string, not a JSON {Describe(value.ValueKind)}");
            return null;
        }
        return value.GetString();
    }

    /// <summary>A missing list is an empty list; a list of the wrong shape is an error.</summary>
    private static IReadOnlyList<string> ReadStrings(JsonElement owner, string name, string where, List<string> errors)
    {
        if (!owner.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null) return [];
        if (value.ValueKind != JsonValueKind.Array)
        {
            errors.Add($"{where}: \"{name}\" must be an array of strings, not a JSON {Describe(value.ValueKind)}");
            return [];
        }
        var items = new List<string>();
        foreach (var item in value.EnumerateArray())
        {
            if (item.ValueKind == JsonValueKind.String) items.Add(item.GetString()!);
            else errors.Add($"{where}: \"{name}\" contains a JSON {Describe(item.ValueKind)}; only strings are allowed");
        }
        return items;
    }

    private static string StripCodeFence(string reply)
    {
        var text = reply.Trim();
        if (!text.StartsWith("```", StringComparison.Ordinal)) return text;
        var firstLineEnd = text.IndexOf('\n');
        var closing = text.LastIndexOf("```", StringComparison.Ordinal);
        if (firstLineEnd < 0 || closing <= firstLineEnd) return text;
        return text[(firstLineEnd + 1)..closing].Trim();
    }

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "object",
        JsonValueKind.Array => "array",
        JsonValueKind.String => "string",
        JsonValueKind.Number => "number",
        JsonValueKind.True or JsonValueKind.False => "boolean",
        _ => "null",
    };

    private static PlanDraft? Fail(out string error, string reason)
    {
        error = reason;
        return null;
    }
}

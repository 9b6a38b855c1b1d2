namespace Contracts.Core;

/// <summary>
/// The seed carries kinds and statuses as upper-case strings (<c>"ADD"</c>, <c>"SUCCESS"</c>, <c>"PASSED"</c>).
/// These map them to enums and back; reading ignores case and surrounding blanks, and anything else is unknown (null).
/// </summary>
public static class SeedStrings
{
    public static string Of<TEnum>(TEnum value) where TEnum : struct, Enum => value.ToString().ToUpperInvariant();

    /// <summary>The value named by <paramref name="text"/>, or null when it names none (numbers included).</summary>
    public static TEnum? Parse<TEnum>(string? text) where TEnum : struct, Enum
    {
        var name = text?.Trim();
        if (string.IsNullOrEmpty(name)) return null;
        foreach (var value in Enum.GetValues<TEnum>())
        {
            if (string.Equals(value.ToString(), name, StringComparison.OrdinalIgnoreCase)) return value;
        }
        return null;
    }

    /// <summary>The accepted strings, for error messages: <c>ADD, EDIT, REMOVE, REFACTOR</c>.</summary>
    public static string Allowed<TEnum>() where TEnum : struct, Enum => string.Join(", ", Enum.GetValues<TEnum>().Select(Of));
}

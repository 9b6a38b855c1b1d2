using Google.Protobuf;

namespace ServiceDefaults.Kafka;

/// <summary>
/// Finds a NUL character in any string of a protobuf message. Protobuf allows it, but no consumer can keep it
/// (PostgreSQL text refuses it with 22021), so a message carrying one is invalid input, refused at decoding.
/// </summary>
public static class NulCharacters
{
    /// <summary>The path of the first string field holding <c>\0</c> (e.g. <c>steps[2].path</c>), or null.</summary>
    public static string? FindIn(IMessage message) => Find(message, "");

    private static string? Find(IMessage message, string prefix)
    {
        foreach (var field in message.Descriptor.Fields.InFieldNumberOrder())
        {
            var name = prefix + field.Name;
            var value = field.Accessor.GetValue(message);
            var found = field switch
            {
                { IsMap: true } => FindInMap((System.Collections.IDictionary)value, name),
                { IsRepeated: true } => FindInList((System.Collections.IList)value, name),
                _ => FindInValue(value, name),
            };
            if (found is not null) return found;
        }
        return null;
    }

    private static string? FindInList(System.Collections.IList values, string name)
    {
        for (var i = 0; i < values.Count; i++)
        {
            if (FindInValue(values[i], $"{name}[{i}]") is { } found) return found;
        }
        return null;
    }

    private static string? FindInMap(System.Collections.IDictionary map, string name)
    {
        foreach (System.Collections.DictionaryEntry entry in map)
        {
            if ((FindInValue(entry.Key, $"{name}.key") ?? FindInValue(entry.Value, $"{name}[{entry.Key}]")) is { } found) return found;
        }
        return null;
    }

    private static string? FindInValue(object? value, string name) => value switch
    {
        string text when text.Contains('\0') => name,
        IMessage nested => Find(nested, name + "."),
        _ => null,
    };
}

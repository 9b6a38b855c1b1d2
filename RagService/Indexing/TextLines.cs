namespace RagService.Indexing;

public static class TextLines
{
    /// <summary>Lines without terminators (\n, \r\n or \r); a trailing newline does not make an extra empty line.</summary>
    public static string[] Split(string text)
    {
        if (text.Length == 0) return [];
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            if (lines[i].EndsWith('\r')) lines[i] = lines[i][..^1];
        }
        return text.EndsWith('\n') ? lines[..^1] : lines;
    }
}

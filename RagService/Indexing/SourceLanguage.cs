namespace RagService.Indexing;

/// <summary>Language names by file extension; anything unknown is chunked as plain text.</summary>
public static class SourceLanguage
{
    public const string CSharp = "csharp";
    public const string Python = "python";
    public const string Go = "go";
    public const string TypeScript = "typescript";
    public const string JavaScript = "javascript";
    public const string Java = "java";
    public const string Rust = "rust";
    public const string Text = "text";

    private static readonly Dictionary<string, string> ByExtension = new(StringComparer.OrdinalIgnoreCase)
    {
        [".cs"] = CSharp, [".csx"] = CSharp,
        [".py"] = Python, [".pyi"] = Python,
        [".go"] = Go,
        [".ts"] = TypeScript, [".tsx"] = TypeScript, [".mts"] = TypeScript, [".cts"] = TypeScript,
        [".js"] = JavaScript, [".jsx"] = JavaScript, [".mjs"] = JavaScript, [".cjs"] = JavaScript,
        [".java"] = Java, [".kt"] = "kotlin", [".scala"] = "scala",
        [".rs"] = Rust,
        [".c"] = "c", [".h"] = "c", [".cc"] = "cpp", [".cpp"] = "cpp", [".hpp"] = "cpp", [".cxx"] = "cpp",
        [".rb"] = "ruby", [".php"] = "php", [".swift"] = "swift", [".sh"] = "shell", [".ps1"] = "powershell",
        [".md"] = "markdown", [".json"] = "json", [".yaml"] = "yaml", [".yml"] = "yaml", [".xml"] = "xml",
        [".csproj"] = "xml", [".props"] = "xml", [".targets"] = "xml", [".proto"] = "protobuf", [".sql"] = "sql",
        [".html"] = "html", [".css"] = "css", [".toml"] = "toml",
    };

    public static string FromPath(string path)
    {
        var extension = Path.GetExtension(path);
        return ByExtension.TryGetValue(extension, out var language) ? language : Text;
    }
}

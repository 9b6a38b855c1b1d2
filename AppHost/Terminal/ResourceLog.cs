namespace AppHost.Terminal;

/// <summary>Prints every resource's output lines prefixed with its name, one colour per resource.</summary>
public sealed class ResourceLog
{
    private static readonly string[] Colours = ["\u001b[36m", "\u001b[33m", "\u001b[35m", "\u001b[32m", "\u001b[34m", "\u001b[31m"];
    private const string Reset = "\u001b[0m";
    private readonly Dictionary<string, string> _colourOf = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private readonly int _width;
    private readonly bool _colour = !Console.IsOutputRedirected && Environment.GetEnvironmentVariable("NO_COLOR") is null;

    public ResourceLog(IEnumerable<string> names) => _width = names.Max(n => n.Length);

    public void Write(string resource, string line)
    {
        lock (_gate)
        {
            if (!_colourOf.TryGetValue(resource, out var colour))
                _colourOf[resource] = colour = Colours[_colourOf.Count % Colours.Length];
            var prefix = resource.PadRight(_width);
            Console.Out.WriteLine(_colour ? $"{colour}{prefix}{Reset} | {line}" : $"{prefix} | {line}");
        }
    }
}

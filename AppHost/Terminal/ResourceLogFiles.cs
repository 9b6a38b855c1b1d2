namespace AppHost.Terminal;

/// <summary>Each resource's output lines in its own file, for commands that keep the terminal for results.</summary>
public sealed class ResourceLogFiles : IDisposable
{
    private readonly Dictionary<string, StreamWriter> _writers = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    public ResourceLogFiles(string directory)
    {
        Directory = directory;
        System.IO.Directory.CreateDirectory(directory);
    }

    public string Directory { get; }

    public void Write(string resource, string line)
    {
        lock (_gate)
        {
            if (!_writers.TryGetValue(resource, out var writer))
                _writers[resource] = writer = new StreamWriter(Path.Combine(Directory, resource + ".log"), append: false) { AutoFlush = true };
            writer.WriteLine(line);
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            foreach (var writer in _writers.Values) writer.Dispose();
            _writers.Clear();
        }
    }
}

namespace RagService.History;

/// <summary>
/// Attributes commits to the files that exist now, following renames: walking from the newest commit back, each
/// current file is known by the name it had at that point (a rename <c>old → new</c> of a file known as <c>new</c>
/// makes it known as <c>old</c> further back; an add or a copy ends its history).
/// </summary>
public static class FileHistoryBuilder
{
    public static Dictionary<string, FileHistory> Build(RepositoryHistory history, IEnumerable<string> currentPaths, HistoryOptions options)
    {
        var known = new Dictionary<string, string>(StringComparer.Ordinal); // name at this point of history -> current path
        foreach (var path in currentPaths) known[path] = path;
        var records = new Dictionary<string, Record>(StringComparer.Ordinal);
        for (var order = 0; order < history.Commits.Count && known.Count > 0; order++)
        {
            var commit = history.Commits[order];
            var describes = commit.Changes.Count <= options.MaxFilesPerCommit;
            var message = describes ? Clip(commit.Message, options.MaxMessageChars) : string.Empty;
            foreach (var change in commit.Changes)
            {
                if (!known.TryGetValue(change.Path, out var current)) continue;
                switch (change.Status)
                {
                    case 'R':
                        known.Remove(change.Path);
                        if (change.OldPath is not null) known[change.OldPath] = current;
                        break;
                    case 'A' or 'C' or 'D':
                        // Created here (or, for D, an older file that had the name): nothing further back is this file.
                        known.Remove(change.Path);
                        if (change.Status == 'D') continue;
                        break;
                }
                // A sweep still changed the file (recency, count); only its message says nothing about it.
                if (!records.TryGetValue(current, out var record))
                {
                    record = new Record(order);
                    records[current] = record;
                }
                record.Commits++;
                if (describes && record.Messages.Count < options.MaxMessagesPerFile && message.Length > 0) record.Messages.Add(message);
            }
        }
        return records.ToDictionary(r => r.Key, r => new FileHistory(r.Value.Messages, r.Value.Commits, r.Value.Newest), StringComparer.Ordinal);
    }

    private static string Clip(string message, int limit) => message.Length <= limit ? message : message[..limit];

    private sealed class Record(int newest)
    {
        public int Newest { get; } = newest;
        public int Commits { get; set; }
        public List<string> Messages { get; } = [];
    }
}

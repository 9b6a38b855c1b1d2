using System.Diagnostics;
using System.Globalization;
using System.Text;
using RagService.History;
using RagService.Indexing;

namespace RagService.Evaluation;

/// <summary>
/// Writes a commit's tree into a folder straight from git objects, only the files indexing would read (not excluded,
/// within the size limit), and on the next commit only what differs. Snapshots may lack their largest blobs, which a
/// checkout refuses; here a missing blob is skipped like an oversized file.
/// </summary>
public sealed class TreeMaterializer(string gitDir, string target, IndexingOptions options)
{
    private readonly Dictionary<string, string> written = new(StringComparer.Ordinal); // path -> blob id

    public async Task CheckoutAsync(string commit, CancellationToken cancellationToken)
    {
        var listing = await Git.RunAsync(gitDir, cancellationToken, "ls-tree", "-r", "-z", "-l", commit).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"Cannot list the tree of {commit} in '{gitDir}'.");
        var wanted = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var entry in listing.Split('\0', StringSplitOptions.RemoveEmptyEntries))
        {
            // "<mode> <type> <object> <size>\t<path>"
            var tab = entry.IndexOf('\t');
            var fields = entry[..tab].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var path = entry[(tab + 1)..];
            if (fields[1] != "blob" || fields[0] is not ("100644" or "100755") || options.IsExcludedPath(path)) continue;
            if (!long.TryParse(fields[3], NumberStyles.Integer, CultureInfo.InvariantCulture, out var size) || size > options.MaxFileBytes) continue;
            wanted[path] = fields[2];
        }
        foreach (var path in written.Keys.Where(p => !wanted.ContainsKey(p)).ToList())
        {
            File.Delete(Path.Combine(target, path));
            written.Remove(path);
        }
        var changed = wanted.Where(w => !written.TryGetValue(w.Key, out var blob) || blob != w.Value).ToList();
        if (changed.Count > 0) await WriteBlobsAsync(changed, cancellationToken).ConfigureAwait(false);
    }

    private async Task WriteBlobsAsync(List<KeyValuePair<string, string>> files, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("git") { WorkingDirectory = gitDir, RedirectStandardInput = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var arg in new[] { "cat-file", "--batch" }) start.ArgumentList.Add(arg);
        using var process = Process.Start(start) ?? throw new InvalidOperationException("git did not start.");
        var feed = Task.Run(async () =>
        {
            foreach (var (_, blob) in files) await process.StandardInput.WriteLineAsync(blob.AsMemory(), cancellationToken).ConfigureAwait(false);
            process.StandardInput.Close();
        }, cancellationToken);
        var output = process.StandardOutput.BaseStream;
        foreach (var (path, blob) in files)
        {
            var header = await ReadLineAsync(output, cancellationToken).ConfigureAwait(false);
            var parts = header.Split(' ');
            if (parts.Length < 3) continue; // "<id> missing": the snapshot lacks this blob
            var size = long.Parse(parts[2], CultureInfo.InvariantCulture);
            var full = Path.Combine(target, path);
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            await using (var file = File.Create(full))
            {
                await CopyAsync(output, file, size, cancellationToken).ConfigureAwait(false);
            }
            await ReadLineAsync(output, cancellationToken).ConfigureAwait(false); // the newline after the content
            written[path] = blob;
        }
        await feed.ConfigureAwait(false);
        await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task<string> ReadLineAsync(Stream stream, CancellationToken cancellationToken)
    {
        var bytes = new List<byte>();
        var one = new byte[1];
        while (await stream.ReadAsync(one, cancellationToken).ConfigureAwait(false) == 1 && one[0] != (byte)'\n') bytes.Add(one[0]);
        return Encoding.UTF8.GetString(bytes.ToArray());
    }

    private static async Task CopyAsync(Stream from, Stream to, long count, CancellationToken cancellationToken)
    {
        var buffer = new byte[81920];
        while (count > 0)
        {
            var read = await from.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, count)), cancellationToken).ConfigureAwait(false);
            if (read == 0) throw new EndOfStreamException("git cat-file ended early.");
            await to.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
            count -= read;
        }
    }
}

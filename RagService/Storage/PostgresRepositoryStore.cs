using Npgsql;
using NpgsqlTypes;
using RagService.Indexing;
using RagService.Repositories;
using RagService.Search;

namespace RagService.Storage;

/// <summary>
/// Repositories, files and chunks in the <c>ragdb</c> database (schema in <c>Migrations/</c>). A file's chunks are
/// replaced in one transaction (binary COPY for the chunks), so a crash mid-index leaves every file either
/// old or new, never half-written; the content hash is written with the chunks, so an interrupted run
/// resumes where it stopped. Replicas share it: an indexing run holds a session-level <c>pg_advisory_lock</c> on
/// its repository, and <c>index_version</c> tells the others to catch up.
/// </summary>
public sealed class PostgresRepositoryStore(NpgsqlDataSource dataSource) : IRepositoryStore
{
    /// <summary>High bits of the advisory lock keys of indexing runs ("RAG" in ASCII); the low 40 bits are the repository id.</summary>
    public const long IndexLockPrefix = 0x524147L << 40;

    private const string Columns = "id, repo, branch, path, state, files, chunks, files_changed, files_removed, indexed_at, duration_ms, error, embedding_model, tree_fingerprint, index_version";

    public async Task<IReadOnlyList<RegisteredRepository>> ListAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"SELECT {Columns} FROM rag_repositories ORDER BY id");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var result = new List<RegisteredRepository>();
        while (await reader.ReadAsync(cancellationToken)) result.Add(ReadRepository(reader));
        return result;
    }

    public async Task<RegisteredRepository?> FindAsync(string repo, string branch, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"SELECT {Columns} FROM rag_repositories WHERE repo = $1 AND branch = $2");
        command.Parameters.Add(new NpgsqlParameter { Value = repo });
        command.Parameters.Add(new NpgsqlParameter { Value = branch });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ReadRepository(reader) : null;
    }

    public async Task<RegisteredRepository> RegisterAsync(string repo, string branch, string path, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"""
            INSERT INTO rag_repositories (repo, branch, path) VALUES ($1, $2, $3)
            ON CONFLICT (repo, branch) DO UPDATE SET path = EXCLUDED.path
            RETURNING {Columns}
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = repo });
        command.Parameters.Add(new NpgsqlParameter { Value = branch });
        command.Parameters.Add(new NpgsqlParameter { Value = path });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return ReadRepository(reader);
    }

    public async Task<long> SaveStatusAsync(long repositoryId, RepositoryStatus status, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            UPDATE rag_repositories
            SET state = $2, files = $3, chunks = $4, files_changed = $5, files_removed = $6, indexed_at = $7,
                duration_ms = $8, error = $9, embedding_model = $10, tree_fingerprint = $11,
                index_version = index_version + CASE WHEN $2 = 'indexing' THEN 0 ELSE 1 END
            WHERE id = $1
            RETURNING index_version
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = repositoryId });
        command.Parameters.Add(new NpgsqlParameter { Value = StateName(status.State) });
        command.Parameters.Add(new NpgsqlParameter { Value = status.Files });
        command.Parameters.Add(new NpgsqlParameter { Value = status.Chunks });
        command.Parameters.Add(new NpgsqlParameter { Value = status.FilesChanged });
        command.Parameters.Add(new NpgsqlParameter { Value = status.FilesRemoved });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)status.IndexedAt ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        command.Parameters.Add(new NpgsqlParameter { Value = status.DurationMs });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)status.Error ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)status.EmbeddingModel ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)status.TreeFingerprint ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        return await command.ExecuteScalarAsync(cancellationToken) is long version
            ? version
            : throw new InvalidOperationException($"Repository {repositoryId} is no longer registered in the database.");
    }

    public async Task<IAsyncDisposable> LockAsync(long repositoryId, CancellationToken cancellationToken)
    {
        // Session-level: the lease lives on this connection until it is unlocked (or the connection drops, if the replica dies).
        var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        try
        {
            await using var command = new NpgsqlCommand("SELECT pg_advisory_lock($1)", connection);
            command.Parameters.Add(new NpgsqlParameter { Value = IndexLockPrefix | repositoryId });
            await command.ExecuteNonQueryAsync(cancellationToken);
            return new Lease(connection, IndexLockPrefix | repositoryId);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    public IIndexStore FilesOf(long repositoryId) => new FileStore(dataSource, repositoryId);

    public async Task<int> SyncAsync(long repositoryId, string embeddingModel, CodeIndex index, CancellationToken cancellationToken)
    {
        await using (var model = dataSource.CreateCommand("SELECT embedding_model FROM rag_repositories WHERE id = $1"))
        {
            model.Parameters.Add(new NpgsqlParameter { Value = repositoryId });
            var stored = await model.ExecuteScalarAsync(cancellationToken) as string;
            if (stored is not null && stored != embeddingModel)
            {
                // Vectors of another model are not comparable with this one's: start over for this repository.
                await using var clear = dataSource.CreateCommand("DELETE FROM rag_files WHERE repository_id = $1");
                clear.Parameters.Add(new NpgsqlParameter { Value = repositoryId });
                await clear.ExecuteNonQueryAsync(cancellationToken);
                return 0;
            }
        }

        var hashes = new Dictionary<string, string>(StringComparer.Ordinal);
        await using (var list = dataSource.CreateCommand("SELECT path, content_hash FROM rag_files WHERE repository_id = $1"))
        {
            list.Parameters.Add(new NpgsqlParameter { Value = repositoryId });
            await using var rows = await list.ExecuteReaderAsync(cancellationToken);
            while (await rows.ReadAsync(cancellationToken)) hashes[rows.GetString(0)] = rows.GetString(1);
        }
        foreach (var path in index.Paths())
        {
            if (!hashes.ContainsKey(path)) await index.RemoveFileAsync(path, cancellationToken);
        }
        var changed = hashes.Where(f => index.FileHash(f.Key) != f.Value).Select(f => f.Key).ToArray();
        if (changed.Length > 0) await LoadFilesAsync(repositoryId, changed.Length == hashes.Count ? null : changed, index, cancellationToken);
        return hashes.Count;
    }

    /// <summary>Puts the stored files (all, or those in <paramref name="paths"/>) with their chunks into the index.</summary>
    private async Task LoadFilesAsync(long repositoryId, string[]? paths, CodeIndex index, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"""
            SELECT f.path, f.content_hash, c.id, c.start_line, c.end_line, c.symbol, c.kind, c.language, c.text, c.embedding
            FROM rag_files f LEFT JOIN rag_chunks c ON c.repository_id = f.repository_id AND c.path = f.path
            WHERE f.repository_id = $1 {(paths is null ? "" : "AND f.path = ANY($2)")}
            ORDER BY f.path, c.id
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = repositoryId });
        if (paths is not null) command.Parameters.Add(new NpgsqlParameter { Value = paths });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        string? currentPath = null;
        string? currentHash = null;
        var chunks = new List<EmbeddedChunk>();
        while (await reader.ReadAsync(cancellationToken))
        {
            var path = reader.GetString(0);
            if (path != currentPath)
            {
                await FlushAsync();
                currentPath = path;
                currentHash = reader.GetString(1);
            }
            if (reader.IsDBNull(2)) continue; // a file without chunks (empty)
            var chunk = new CodeChunk(path, reader.GetInt32(3), reader.GetInt32(4), reader.GetString(5), reader.GetString(6), reader.GetString(7), reader.GetString(8));
            chunks.Add(new EmbeddedChunk(reader.GetInt64(2), chunk, VectorCodec.Decode(reader.GetFieldValue<byte[]>(9))));
        }
        await FlushAsync();

        async Task FlushAsync()
        {
            if (currentPath is null) return;
            await index.PutFileAsync(currentPath, currentHash!, chunks.ToList(), cancellationToken);
            chunks.Clear();
        }
    }

    private static RegisteredRepository ReadRepository(NpgsqlDataReader reader)
    {
        var status = new RepositoryStatus(
            ParseState(reader.GetString(4)), reader.GetInt32(5), reader.GetInt32(6), reader.GetInt32(7), reader.GetInt32(8),
            reader.IsDBNull(9) ? null : reader.GetFieldValue<DateTimeOffset>(9), reader.GetInt64(10),
            reader.IsDBNull(11) ? null : reader.GetString(11), reader.IsDBNull(12) ? null : reader.GetString(12),
            reader.IsDBNull(13) ? null : reader.GetString(13));
        return new RegisteredRepository(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), status, reader.GetInt64(14));
    }

    private static string StateName(IndexState state) => state switch
    {
        IndexState.Indexing => "indexing",
        IndexState.Ready => "ready",
        IndexState.Failed => "failed",
        _ => "not_indexed",
    };

    private static IndexState ParseState(string state) => state switch
    {
        "indexing" => IndexState.Indexing,
        "ready" => IndexState.Ready,
        "failed" => IndexState.Failed,
        _ => IndexState.NotIndexed,
    };

    private sealed class FileStore(NpgsqlDataSource dataSource, long repositoryId) : IIndexStore
    {
        public async Task SaveFileAsync(string path, string hash, IReadOnlyList<EmbeddedChunk> chunks, CancellationToken cancellationToken)
        {
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            await using (var upsert = new NpgsqlCommand("""
                INSERT INTO rag_files (repository_id, path, content_hash) VALUES ($1, $2, $3)
                ON CONFLICT (repository_id, path) DO UPDATE SET content_hash = EXCLUDED.content_hash
                """, connection, transaction))
            {
                upsert.Parameters.Add(new NpgsqlParameter { Value = repositoryId });
                upsert.Parameters.Add(new NpgsqlParameter { Value = path });
                upsert.Parameters.Add(new NpgsqlParameter { Value = hash });
                await upsert.ExecuteNonQueryAsync(cancellationToken);
            }
            await using (var delete = new NpgsqlCommand("DELETE FROM rag_chunks WHERE repository_id = $1 AND path = $2", connection, transaction))
            {
                delete.Parameters.Add(new NpgsqlParameter { Value = repositoryId });
                delete.Parameters.Add(new NpgsqlParameter { Value = path });
                await delete.ExecuteNonQueryAsync(cancellationToken);
            }
            if (chunks.Count > 0)
            {
                await using var writer = await connection.BeginBinaryImportAsync(
                    "COPY rag_chunks (repository_id, id, path, start_line, end_line, symbol, kind, language, text, embedding) FROM STDIN (FORMAT BINARY)", cancellationToken);
                foreach (var chunk in chunks)
                {
                    await writer.StartRowAsync(cancellationToken);
                    await writer.WriteAsync(repositoryId, NpgsqlDbType.Bigint, cancellationToken);
                    await writer.WriteAsync(chunk.Id, NpgsqlDbType.Bigint, cancellationToken);
                    await writer.WriteAsync(path, NpgsqlDbType.Text, cancellationToken);
                    await writer.WriteAsync(chunk.Chunk.StartLine, NpgsqlDbType.Integer, cancellationToken);
                    await writer.WriteAsync(chunk.Chunk.EndLine, NpgsqlDbType.Integer, cancellationToken);
                    await writer.WriteAsync(chunk.Chunk.Symbol, NpgsqlDbType.Text, cancellationToken);
                    await writer.WriteAsync(chunk.Chunk.Kind, NpgsqlDbType.Text, cancellationToken);
                    await writer.WriteAsync(chunk.Chunk.Language, NpgsqlDbType.Text, cancellationToken);
                    // Postgres text cannot hold NUL; binaries are skipped, but a stray NUL must not fail the file.
                    await writer.WriteAsync(chunk.Chunk.Text.Replace("\0", string.Empty, StringComparison.Ordinal), NpgsqlDbType.Text, cancellationToken);
                    await writer.WriteAsync(VectorCodec.Encode(chunk.Vector), NpgsqlDbType.Bytea, cancellationToken);
                }
                await writer.CompleteAsync(cancellationToken);
            }
            await transaction.CommitAsync(cancellationToken);
        }

        public async Task DeleteFileAsync(string path, CancellationToken cancellationToken)
        {
            await using var command = dataSource.CreateCommand("DELETE FROM rag_files WHERE repository_id = $1 AND path = $2");
            command.Parameters.Add(new NpgsqlParameter { Value = repositoryId });
            command.Parameters.Add(new NpgsqlParameter { Value = path });
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    private sealed class Lease(NpgsqlConnection connection, long key) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            try
            {
                await using var command = new NpgsqlCommand("SELECT pg_advisory_unlock($1)", connection);
                command.Parameters.Add(new NpgsqlParameter { Value = key });
                await command.ExecuteNonQueryAsync(CancellationToken.None);
            }
            finally
            {
                // Closing the session would release the lock too; unlocking first keeps a pooled connection clean.
                await connection.DisposeAsync();
            }
        }
    }
}

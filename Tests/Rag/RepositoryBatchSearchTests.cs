using System.Text.Json;
using Tests.Infrastructure;
using RagService.Cli;

namespace Tests.Rag;

/// <summary>The CLI's batch mode on this repository itself, the format used to measure retrieval quality.</summary>
public sealed class RepositoryBatchSearchTests
{
    [Fact]
    public async Task Batch_mode_on_this_repository_finds_the_files_that_implement_each_query()
    {
        var queries = Path.Combine(Path.GetTempPath(), $"repo-queries-{Guid.NewGuid():N}.jsonl");
        await File.WriteAllLinesAsync(queries,
        [
            """{"id": "grpc-errors", "query": "turn the exceptions a gRPC service method throws into status codes"}""",
            """{"id": "lease-conflict", "query": "grant a symbol lease unless another plan holds a live one"}""",
            """{"id": "dead-letter", "query": "send a poison message to the dead letter topic with error headers"}""",
        ]);
        var output = new StringWriter();
        try
        {
            var exit = await SearchCommand.RunAsync(new SearchCommand.SearchOptions(
                new DirectoryInfo(RepositoryPaths.RepositoryRoot), null, new FileInfo(queries), 10, 0.3f, null, true), output, CancellationToken.None);

            Assert.Equal(0, exit);
            var results = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries)
                .Select(line => JsonDocument.Parse(line).RootElement)
                .ToDictionary(r => r.GetProperty("id").GetString()!, r => r.GetProperty("files").EnumerateArray().Select(f => f.GetString()!).ToList());

            Assert.Contains("ServiceDefaults/Grpc/GrpcErrorInterceptor.cs", results["grpc-errors"].Take(3));
            Assert.Contains(results["lease-conflict"].Take(5), f => f.StartsWith("Srm/Leases/", StringComparison.Ordinal));
            Assert.Contains(results["dead-letter"].Take(5), f => f.StartsWith("ServiceDefaults/Kafka/", StringComparison.Ordinal));
        }
        finally
        {
            File.Delete(queries);
        }
    }
}

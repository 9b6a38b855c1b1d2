using System.Diagnostics;
using System.Reflection;
using Contracts.Core;

namespace Tests.Kafka;

/// <summary>Two OS processes (Tests/KafkaPeer) share one consumer group on the dev broker.</summary>
public sealed class TwoProcessConsumerGroupTests(DevKafkaFixture broker) : IClassFixture<DevKafkaFixture>
{
    private const int Partitions = 4;
    private const int Messages = 40;

    [Fact]
    public async Task Two_processes_in_one_group_split_the_partitions_and_process_every_message_once()
    {
        var topic = broker.CreateTopicWithDeadLetter("two-process", Partitions);
        var group = $"peers-{Guid.NewGuid():N}";
        await using var first = PeerProcess.Start(broker.BootstrapServers, topic, group);
        await using var second = PeerProcess.Start(broker.BootstrapServers, topic, group);

        // Both members hold a share and together hold every partition before anything is published.
        await WaitUntilAsync(() =>
        {
            var a = first.Assignment;
            var b = second.Assignment;
            return a.Count > 0 && b.Count > 0 && !a.Overlaps(b) && a.Count + b.Count == Partitions;
        }, () => $"assignments: first [{string.Join(",", first.Assignment)}], second [{string.Join(",", second.Assignment)}]\n{first.Output}\n{second.Output}");

        var published = new HashSet<string>();
        using (var publisher = KafkaTestKit.Publisher(broker.BootstrapServers))
        {
            for (var i = 0; i < Messages; i++)
            {
                var request = new ChangeRequest { Id = $"cr-{i}" };
                var outgoing = ServiceDefaults.Kafka.OutgoingMessage.Create(topic, request.Id, request);
                published.Add(outgoing.MessageId);
                await publisher.PublishAsync(outgoing, CancellationToken.None);
            }
        }

        await WaitUntilAsync(() => first.Processed.Count + second.Processed.Count >= Messages,
            () => $"processed {first.Processed.Count} + {second.Processed.Count} of {Messages}\n{first.Output}\n{second.Output}");

        var all = first.Processed.Concat(second.Processed).ToList();
        Assert.Equal(Messages, all.Count);
        Assert.Equal(published, all.Select(p => p.MessageId).ToHashSet()); // each one, once
        Assert.NotEmpty(first.Processed);
        Assert.NotEmpty(second.Processed);
        Assert.All(first.Processed, p => Assert.Contains(p.Partition, first.Assignment));
        Assert.All(second.Processed, p => Assert.Contains(p.Partition, second.Assignment));

        // Graceful stop: offsets committed, group left, process exits cleanly.
        Assert.True(await first.StopAsync() == 0, first.Output);
        Assert.True(await second.StopAsync() == 0, second.Output);
    }

    private static async Task WaitUntilAsync(Func<bool> condition, Func<string> describe)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) Assert.Fail("Timed out: " + describe());
            await Task.Delay(50);
        }
    }

    private sealed record ProcessedRecord(int Partition, long Offset, string Key, string MessageId);

    /// <summary>A running <c>dotnet KafkaPeer.dll</c> and what it reported on stdout.</summary>
    private sealed class PeerProcess : IAsyncDisposable
    {
        private readonly Process process;
        private readonly Lock gate = new();
        private readonly HashSet<int> assignment = [];
        private readonly List<ProcessedRecord> processed = [];
        private readonly System.Text.StringBuilder output = new();

        private PeerProcess(Process process)
        {
            this.process = process;
            process.OutputDataReceived += (_, e) => OnLine(e.Data, stdout: true);
            process.ErrorDataReceived += (_, e) => OnLine(e.Data, stdout: false);
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
        }

        public static PeerProcess Start(string bootstrapServers, string topic, string group)
        {
            var peer = typeof(TwoProcessConsumerGroupTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
                .Single(a => a.Key == "KafkaPeerAssembly").Value!;
            Assert.True(File.Exists(peer), $"{peer} is missing: build Tests/Tests.csproj (it builds Tests/KafkaPeer).");
            var start = new ProcessStartInfo("dotnet")
            {
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            start.ArgumentList.Add(peer);
            start.ArgumentList.Add($"--ConnectionStrings:kafka={bootstrapServers}");
            start.ArgumentList.Add($"--Peer:Topic={topic}");
            start.ArgumentList.Add($"--Peer:GroupId={group}");
            return new PeerProcess(Process.Start(start)!);
        }

        public HashSet<int> Assignment
        {
            get { lock (gate) return [.. assignment]; }
        }

        public List<ProcessedRecord> Processed
        {
            get { lock (gate) return [.. processed]; }
        }

        public string Output
        {
            get { lock (gate) return $"--- peer {process.Id} ---\n{output}"; }
        }

        /// <summary>Closes stdin (the peer's signal to stop gracefully) and returns its exit code.</summary>
        public async Task<int> StopAsync()
        {
            process.StandardInput.Close();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await process.WaitForExitAsync(timeout.Token);
            return process.ExitCode;
        }

        public async ValueTask DisposeAsync()
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }
            process.Dispose();
        }

        private void OnLine(string? line, bool stdout)
        {
            if (line is null) return;
            lock (gate)
            {
                output.AppendLine(line);
                if (!stdout) return;
                var parts = line.Split(' ');
                switch (parts[0])
                {
                    case "assigned":
                        foreach (var p in Partitions(parts)) assignment.Add(p);
                        break;
                    case "revoked":
                        foreach (var p in Partitions(parts)) assignment.Remove(p);
                        break;
                    case "processed":
                        processed.Add(new ProcessedRecord(int.Parse(parts[1]), long.Parse(parts[2]), parts[3], parts[4]));
                        break;
                }
            }
        }

        private static IEnumerable<int> Partitions(string[] parts) =>
            parts.Length < 2 || parts[1].Length == 0 ? [] : parts[1].Split(',').Select(int.Parse);
    }
}

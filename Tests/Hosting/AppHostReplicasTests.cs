using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;

namespace Tests.Hosting;

/// <summary><c>AppHost:OrchestratorReplicas</c> in the AppHost's own app model (built, not started).</summary>
public sealed class AppHostReplicasTests
{
    [Theory]
    [InlineData(null, null)]
    [InlineData("3", 3)]
    public async Task The_orchestrator_runs_as_many_replicas_as_configured(string? setting, int? replicas)
    {
        var data = Directory.CreateTempSubdirectory("apphost-replicas-");
        try
        {
            string[] args = ["--AppHost:Infrastructure=local", $"--AppHost:DataDirectory={data.FullName}"];
            if (setting is not null) args = [.. args, $"--AppHost:OrchestratorReplicas={setting}"];
            await using var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.AppHost>(args);
            var orchestrator = builder.Resources.Single(r => r.Name == "orchestrator");
            Assert.Equal(replicas, orchestrator.Annotations.OfType<ReplicaAnnotation>().SingleOrDefault()?.Replicas);
            Assert.Empty(builder.Resources.Where(r => r.Name != "orchestrator").SelectMany(r => r.Annotations.OfType<ReplicaAnnotation>()));
        }
        finally
        {
            data.Delete(recursive: true);
        }
    }
}

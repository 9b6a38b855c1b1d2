using Tests.Infrastructure;

namespace Tests.Deployment;

/// <summary>
/// Each service's Dockerfile repeats names the code owns (project folders, assemblies); no Docker engine runs here,
/// so these checks keep them from drifting apart.
/// </summary>
public sealed class DockerfileTests
{
    [Theory]
    [InlineData("Srm")]
    [InlineData("RagService")]
    [InlineData("RequestPlanner")]
    [InlineData("Orchestrator")]
    public void Dockerfile_publishes_and_runs_the_service_as_non_root_with_its_own_librdkafka(string project)
    {
        var dockerfile = File.ReadAllText(Path.Combine(RepositoryPaths.RepositoryRoot, project, "Dockerfile"));

        Assert.Contains($"RUN dotnet restore {project}/{project}.csproj", dockerfile);
        Assert.Contains($"COPY {project}/ {project}/", dockerfile);
        Assert.Contains($"ENTRYPOINT [\"dotnet\", \"{project}.dll\"]", dockerfile);
        Assert.DoesNotContain("librdkafka1", dockerfile); // the redist build comes with the app
        Assert.Contains("USER app", dockerfile);
        // Everything the build stage needs from outside the service folder is copied.
        foreach (var shared in new[] { "global.json", "Directory.Build.props", "Directory.Packages.props", "Contracts/", "ServiceDefaults/" })
            Assert.Contains(shared, dockerfile);
    }
}

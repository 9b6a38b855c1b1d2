using System.Text.RegularExpressions;
using AppHost.Hosting;
using Contracts;

namespace Tests.Deployment;

/// <summary>
/// The Dockerfiles and AppHost/compose.yaml repeat names the code owns (topics, databases, assemblies,
/// connection names); no Docker engine runs here, so these checks keep them from drifting apart.
/// </summary>
public sealed partial class DeploymentFilesTests
{
    private static readonly string Root = ServiceAssemblies.RepositoryRoot;
    private static readonly string Compose = File.ReadAllText(Path.Combine(Root, "AppHost", "compose.yaml"));

    public static TheoryData<string> ServiceNames => [.. PipelineResources.Services.Select(s => s.Name)];

    [Theory]
    [MemberData(nameof(ServiceNames))]
    public void Dockerfile_publishes_and_runs_the_service_as_non_root_with_its_own_librdkafka(string name)
    {
        var project = PipelineResources.Services.Single(s => s.Name == name).Project;
        var dockerfile = File.ReadAllText(Path.Combine(Root, project, "Dockerfile"));

        Assert.Contains($"RUN dotnet restore {project}/{project}.csproj", dockerfile);
        Assert.Contains($"COPY {project}/ {project}/", dockerfile);
        Assert.Contains($"ENTRYPOINT [\"dotnet\", \"{project}.dll\"]", dockerfile);
        Assert.DoesNotContain("librdkafka1", dockerfile); // the redist build comes with the app
        Assert.Contains("USER app", dockerfile);
        // Everything the build stage needs from outside the service folder is copied.
        foreach (var shared in new[] { "global.json", "Directory.Build.props", "Directory.Packages.props", "Contracts/", "ServiceDefaults/" })
            Assert.Contains(shared, dockerfile);
    }

    [Theory]
    [MemberData(nameof(ServiceNames))]
    public void Compose_builds_each_service_with_the_AppHost_environment(string name)
    {
        var service = PipelineResources.Services.Single(s => s.Name == name);
        var block = ServiceBlock(name);

        Assert.Contains($"dockerfile: {service.Project}/Dockerfile", block);
        Assert.Contains($"OTEL_SERVICE_NAME: {name}", block);
        Assert.Contains($"Kestrel__Endpoints__http__Protocols: {(service.ServesGrpc ? "Http2" : "Http1")}", block);
        Assert.Equal(service.ServesGrpc, block.Contains("Kestrel__Endpoints__health__Url: http://+:8081", StringComparison.Ordinal));
    }

    [Fact]
    public void Compose_connection_strings_and_init_script_name_every_database()
    {
        var initSql = File.ReadAllText(Path.Combine(Root, "AppHost", "compose", "init-databases.sql"));
        foreach (var database in PipelineResources.Databases)
        {
            Assert.Contains($"CREATE DATABASE {database};", initSql);
            Assert.Contains($"ConnectionStrings__{database}: Host=postgres;", Compose);
            Assert.Contains($";Database={database}", Compose);
        }
    }

    [Fact]
    public void Compose_creates_every_pipeline_topic_and_its_dead_letter_topic()
    {
        var loop = TopicLoop().Match(Compose);
        Assert.True(loop.Success, "kafka-init's 'for topic in ...; do' loop was not found in compose.yaml");

        var topics = loop.Groups["topics"].Value.Split([' ', '\\', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(Topics.All.Order(), topics.Order());
        Assert.Contains($"\"$$topic{Topics.DeadLetterSuffix}\"", Compose);
    }

    /// <summary>The lines of one top-level service (two-space indent) up to the next one.</summary>
    private static string ServiceBlock(string name)
    {
        var start = Compose.IndexOf($"\n  {name}:\n", StringComparison.Ordinal);
        Assert.True(start >= 0, $"service '{name}' is missing from compose.yaml");
        var next = NextTopLevelKey().Match(Compose, start + name.Length + 4);
        return next.Success ? Compose[start..next.Index] : Compose[start..];
    }

    [GeneratedRegex(@"for topic in (?<topics>[^;]+); do")]
    private static partial Regex TopicLoop();

    [GeneratedRegex(@"\n(  [a-z][a-z-]*:\n|\S)")]
    private static partial Regex NextTopLevelKey();
}

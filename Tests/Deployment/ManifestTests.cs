using System.Diagnostics;
using System.Text.Json;
using Tests.Infrastructure;

namespace Tests.Deployment;

/// <summary>
/// <c>dotnet run --project AppHost -- --publisher manifest --output-path aspire-manifest.json</c>, what azd reads:
/// the four services as projects with their bindings, environment and connection strings, the infrastructure as
/// containers, the OpenAI key a secret parameter.
/// </summary>
public sealed class ManifestTests
{
    private static readonly Lazy<Task<JsonElement>> Manifest = new(PublishAsync);

    [Theory]
    [InlineData("srm", new[] { "srmdb" })]
    [InlineData("ragservice", new[] { "ragdb", "qdrant" })]
    [InlineData("requestplanner", new[] { "kafka" })]
    [InlineData("orchestrator", new[] { "kafka", "orchestratordb" })]
    public async Task Each_service_is_a_project_with_bindings_and_its_connection_strings(string name, string[] connections)
    {
        var service = (await Manifest.Value).GetProperty("resources").GetProperty(name);

        Assert.Equal("project.v0", service.GetProperty("type").GetString());
        Assert.EndsWith($"{Path.DirectorySeparatorChar}{ProjectFolder(name)}.csproj", service.GetProperty("path").GetString());
        Assert.True(service.GetProperty("bindings").TryGetProperty("http", out _), $"{name} has no http binding");
        var env = service.GetProperty("env");
        foreach (var connection in connections)
            Assert.Equal($"{{{connection}.connectionString}}", env.GetProperty($"ConnectionStrings__{connection}").GetString());
    }

    [Fact]
    public async Task Services_find_each_other_and_only_the_orchestrator_is_external()
    {
        var resources = (await Manifest.Value).GetProperty("resources");
        var planner = resources.GetProperty("requestplanner").GetProperty("env");
        Assert.Equal("{srm.bindings.http.url}", planner.GetProperty("services__srm__http__0").GetString());
        Assert.Equal("{ragservice.bindings.http.url}", planner.GetProperty("services__ragservice__http__0").GetString());
        var rag = resources.GetProperty("ragservice").GetProperty("env");
        Assert.Equal("{qdrant.connectionString}", rag.GetProperty("ConnectionStrings__qdrant").GetString());

        Assert.True(resources.GetProperty("orchestrator").GetProperty("bindings").GetProperty("http").GetProperty("external").GetBoolean());
        foreach (var name in new[] { "srm", "ragservice", "requestplanner" })
            Assert.False(resources.GetProperty(name).GetProperty("bindings").GetProperty("http").TryGetProperty("external", out var external) && external.GetBoolean(),
                $"{name} should not be reachable from outside");
    }

    [Theory]
    [InlineData("postgres", "postgres")]
    [InlineData("kafka", "apache/kafka")]
    [InlineData("qdrant", "qdrant/qdrant")]
    public async Task Infrastructure_is_containers_with_connection_strings(string name, string image)
    {
        var resource = (await Manifest.Value).GetProperty("resources").GetProperty(name);
        Assert.StartsWith("container.", resource.GetProperty("type").GetString());
        Assert.Contains(image, resource.GetProperty("image").GetString());
        Assert.False(string.IsNullOrEmpty(resource.GetProperty("connectionString").GetString()));
    }

    [Fact]
    public async Task Databases_live_on_the_postgres_container()
    {
        var resources = (await Manifest.Value).GetProperty("resources");
        foreach (var database in new[] { "srmdb", "ragdb", "orchestratordb" })
        {
            Assert.Equal("value.v0", resources.GetProperty(database).GetProperty("type").GetString());
            Assert.Contains("{postgres.connectionString}", resources.GetProperty(database).GetProperty("connectionString").GetString());
        }
    }

    [Fact]
    public async Task The_OpenAI_key_is_a_secret_parameter_given_only_to_the_planner()
    {
        var resources = (await Manifest.Value).GetProperty("resources");
        var key = resources.GetProperty("openai-key");
        Assert.Equal("parameter.v0", key.GetProperty("type").GetString());
        Assert.True(key.GetProperty("inputs").GetProperty("value").GetProperty("secret").GetBoolean());
        Assert.Equal("{openai-key.value}", resources.GetProperty("requestplanner").GetProperty("env").GetProperty("OpenAI__ApiKey").GetString());
        foreach (var name in new[] { "srm", "ragservice", "orchestrator" })
            Assert.False(resources.GetProperty(name).GetProperty("env").TryGetProperty("OpenAI__ApiKey", out _), $"{name} must not get the OpenAI key");
    }

    private static string ProjectFolder(string name) => name switch
    {
        "srm" => "Srm",
        "ragservice" => "RagService",
        "requestplanner" => "RequestPlanner",
        _ => "Orchestrator",
    };

    private static async Task<JsonElement> PublishAsync()
    {
        var output = Directory.CreateTempSubdirectory("aspire-manifest-");
        try
        {
            var path = Path.Combine(output.FullName, "aspire-manifest.json");
            using var appHost = Process.Start(new ProcessStartInfo("dotnet", [RepositoryPaths.AppHostAssembly, "--publisher", "manifest", "--output-path", path])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                WorkingDirectory = output.FullName,
            })!;
            var stdout = appHost.StandardOutput.ReadToEndAsync();
            var stderr = appHost.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
            await appHost.WaitForExitAsync(timeout.Token);
            Assert.True(appHost.ExitCode == 0 && File.Exists(path), $"manifest publishing failed ({appHost.ExitCode}):\n{await stdout}\n{await stderr}");
            using var manifest = JsonDocument.Parse(await File.ReadAllTextAsync(path));
            return manifest.RootElement.Clone();
        }
        finally
        {
            output.Delete(recursive: true);
        }
    }
}

using Microsoft.Extensions.Configuration;

namespace AppHost.Resources;

/// <summary>How postgres, kafka and qdrant are backed when no connection string names them.</summary>
public enum InfrastructureMode
{
    /// <summary>The installed PostgreSQL server and the in-memory dev Kafka broker, as processes on this machine.</summary>
    Local,

    /// <summary>Containers (Aspire.Hosting.PostgreSQL, our Kafka and Qdrant types); always so in publish mode.</summary>
    Containers,
}

public static class InfrastructureModes
{
    public const string Setting = "AppHost:Infrastructure";

    /// <summary><c>AppHost:Infrastructure</c> = <c>local</c>, <c>containers</c> or <c>auto</c> (default: containers when a container runtime is installed).</summary>
    public static InfrastructureMode Choose(IDistributedApplicationBuilder builder)
    {
        if (builder.ExecutionContext.IsPublishMode) return InfrastructureMode.Containers;
        return builder.Configuration[Setting]?.Trim().ToLowerInvariant() switch
        {
            "local" => InfrastructureMode.Local,
            "containers" => InfrastructureMode.Containers,
            null or "" or "auto" => ContainerRuntimeInstalled() ? InfrastructureMode.Containers : InfrastructureMode.Local,
            var other => throw new InvalidOperationException($"{Setting} is '{other}': use local, containers or auto."),
        };
    }

    /// <summary>Docker with a reachable daemon socket, or Podman (daemonless), on PATH.</summary>
    private static bool ContainerRuntimeInstalled()
    {
        bool OnPath(string name) => (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Any(directory => File.Exists(Path.Combine(directory, name)));
        var dockerDaemon = Environment.GetEnvironmentVariable("DOCKER_HOST") is { Length: > 0 } || File.Exists("/var/run/docker.sock");
        return (OnPath("docker") && dockerDaemon) || OnPath("podman");
    }
}

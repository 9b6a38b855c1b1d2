namespace AppHost.Bench;

/// <summary>What <c>bench-orchestrator</c> runs: the anchor's pgbench clients and seconds, then the Orchestrator's load (on <c>Replicas</c> replicas).</summary>
public sealed record OrchestratorBenchSettings(
    int Requests = 500,
    int Steps = 2,
    int SubmitConcurrency = 16,
    int SingleRequests = 20,
    int PgbenchClients = 32,
    int PgbenchSeconds = 20,
    int Replicas = 1);

namespace AppHost.Hosting;

/// <summary>The resource graph of DESIGN.md section 7, with Aspire's resource and connection names.</summary>
public static class PipelineResources
{
    public const string Postgres = "postgres";
    public const string Kafka = "kafka";
    public const string Qdrant = "qdrant";
    public const string SrmDatabase = "srmdb";
    public const string RagDatabase = "ragdb";
    public const string OrchestratorDatabase = "orchestratordb";

    public static readonly ServiceProject Srm = new("srm", "Srm", ServesGrpc: true);
    public static readonly ServiceProject RagService = new("ragservice", "RagService", ServesGrpc: true);
    public static readonly ServiceProject RequestPlanner = new("requestplanner", "RequestPlanner", ServesGrpc: false);
    public static readonly ServiceProject Orchestrator = new("orchestrator", "Orchestrator", ServesGrpc: false);

    /// <summary>Start order: every service after what it references.</summary>
    public static IReadOnlyList<ServiceProject> Services { get; } = [Srm, RagService, RequestPlanner, Orchestrator];

    public static IReadOnlyList<string> Databases { get; } = [SrmDatabase, RagDatabase, OrchestratorDatabase];
}

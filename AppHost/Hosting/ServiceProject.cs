namespace AppHost.Hosting;

/// <summary>One of the system's services, as an Aspire project resource would describe it.</summary>
/// <param name="Name">Resource name, also its service-discovery name (<c>services__{Name}__http__0</c>).</param>
/// <param name="Project">Project folder and assembly name at the repository root.</param>
/// <param name="ServesGrpc">gRPC services listen h2c on their <c>http</c> endpoint and get an HTTP/1.1 <c>health</c> endpoint for probes.</param>
public sealed record ServiceProject(string Name, string Project, bool ServesGrpc);

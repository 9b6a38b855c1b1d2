namespace AppHost.Resources.Postgres;

/// <summary>
/// The machine's installed PostgreSQL server (<c>postgres</c> in the foreground, supervised like any executable)
/// on a data directory kept under the AppHost's data folder.
/// </summary>
public sealed class LocalPostgresServerResource(string name, string command, string dataRoot, ParameterResource password)
    : ExecutableResource(name, command, dataRoot), IResourceWithConnectionString
{
    public const string PrimaryEndpointName = "tcp";
    public const string Superuser = "postgres";

    /// <summary>Holds <c>data/</c>, <c>sockets/</c> and <c>superuser.password</c>.</summary>
    public string DataRoot { get; } = dataRoot;

    public ParameterResource PasswordParameter { get; } = password;

    public EndpointReference PrimaryEndpoint => new(this, PrimaryEndpointName);

    /// <summary>Database resource name → database name.</summary>
    public Dictionary<string, string> Databases { get; } = new(StringComparer.Ordinal);

    public ReferenceExpression ConnectionStringExpression => ReferenceExpression.Create(
        $"Host={PrimaryEndpoint.Property(EndpointProperty.Host)};Port={PrimaryEndpoint.Property(EndpointProperty.Port)};Username={Superuser};Password={PasswordParameter}");
}

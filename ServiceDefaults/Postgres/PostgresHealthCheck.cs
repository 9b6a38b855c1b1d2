using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace ServiceDefaults.Postgres;

/// <summary>Readiness: the database answers <c>SELECT 1</c>.</summary>
public sealed class PostgresHealthCheck(NpgsqlDataSource dataSource, string connectionName) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var target = ConnectionStringRedaction.Describe(dataSource.ConnectionString);
        try
        {
            await using var command = dataSource.CreateCommand("SELECT 1");
            await command.ExecuteScalarAsync(cancellationToken);
            return HealthCheckResult.Healthy($"PostgreSQL '{connectionName}' answers ({target}).");
        }
        catch (Exception exception) when (exception is NpgsqlException or OperationCanceledException or TimeoutException)
        {
            // Npgsql's messages name host and port, never the password.
            return new HealthCheckResult(context.Registration.FailureStatus,
                $"PostgreSQL '{connectionName}' is unreachable ({target}): {exception.Message}", exception);
        }
    }
}

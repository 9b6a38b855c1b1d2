using Npgsql;

namespace ServiceDefaults.Postgres;

/// <summary>A connection string fit for logs and errors: where it points, never the password.</summary>
public static class ConnectionStringRedaction
{
    public static string Describe(string connectionString)
    {
        try
        {
            var parsed = new NpgsqlConnectionStringBuilder(connectionString);
            return $"Host={parsed.Host};Port={parsed.Port};Database={parsed.Database};Username={parsed.Username}";
        }
        catch (ArgumentException)
        {
            return "(unparseable connection string)";
        }
    }
}

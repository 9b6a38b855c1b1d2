namespace AppHost;

/// <summary>
/// What an http launch profile would set, in code, so a fresh machine gets the dashboard with no certificate step.
/// (A launchSettings.json would make <c>dotnet run</c> print "Using launch settings..." on stdout, where
/// <c>plan --json</c> writes only JSON.) Each value is a default: the environment and command line override it
/// (for https, see the README).
/// </summary>
public static class LocalDashboard
{
    public static DistributedApplicationOptions Options(string[] args, bool disableDashboard = false) => new()
    {
        Args = Environment.GetEnvironmentVariable("DOTNET_ENVIRONMENT") is null && Environment.GetEnvironmentVariable("ASPNETCORE_ENVIRONMENT") is null
            ? ["--environment", "Development", .. args]
            : args,
        DisableDashboard = disableDashboard,
        AllowUnsecuredTransport = true,
    };

    private static readonly Dictionary<string, string> Defaults = new()
    {
        ["ASPNETCORE_URLS"] = "http://localhost:15180",
        ["ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL"] = "http://localhost:19180",
        ["ASPIRE_RESOURCE_SERVICE_ENDPOINT_URL"] = "http://localhost:20180",
        ["ASPIRE_ALLOW_UNSECURED_TRANSPORT"] = "true",
    };

    /// <summary>The dashboard's ports, for each one no configuration source sets.</summary>
    public static void AddDefaults(IDistributedApplicationBuilder builder) =>
        builder.Configuration.AddInMemoryCollection(Defaults
            .Where(setting => string.IsNullOrEmpty(builder.Configuration[setting.Key]))
            .Select(setting => KeyValuePair.Create(setting.Key, (string?)setting.Value)));
}

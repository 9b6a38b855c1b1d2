using System.Reflection;
using System.Text;
using System.Text.RegularExpressions;

namespace ServiceDefaults.Postgres;

/// <summary>Loads migrations embedded in an assembly as <c>&lt;folder&gt;/NNNN_name.sql</c>.</summary>
public static partial class SqlMigrations
{
    /// <summary>
    /// Embedded resources under <paramref name="folder"/> (manifest names such as <c>Srm.Migrations.0001_leases.sql</c>,
    /// or a LogicalName <c>Migrations/0001_leases.sql</c>), ordered by version. Duplicate versions are an error.
    /// In the service's csproj: <c>&lt;EmbeddedResource Include="Migrations/*.sql" /&gt;</c>.
    /// </summary>
    public static IReadOnlyList<SqlMigration> FromAssembly(Assembly assembly, string folder = "Migrations")
    {
        var pattern = new Regex($@"(?:^|[./\\]){Regex.Escape(folder)}[./\\](?<version>\d+)_(?<name>[^/\\]+)\.sql$", RegexOptions.CultureInvariant);
        var migrations = new List<SqlMigration>();
        foreach (var resource in assembly.GetManifestResourceNames())
        {
            var match = pattern.Match(resource);
            if (!match.Success)
            {
                continue;
            }
            using var stream = assembly.GetManifestResourceStream(resource)
                ?? throw new InvalidOperationException($"Embedded migration '{resource}' cannot be read from {assembly.GetName().Name}.");
            using var reader = new StreamReader(stream, Encoding.UTF8);
            migrations.Add(new SqlMigration(long.Parse(match.Groups["version"].Value, System.Globalization.CultureInfo.InvariantCulture),
                match.Groups["name"].Value, reader.ReadToEnd()));
        }
        var duplicate = migrations.GroupBy(m => m.Version).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new InvalidOperationException(
                $"Migrations in {assembly.GetName().Name} share version {duplicate.Key}: {string.Join(", ", duplicate.Select(m => m.DisplayName))}. Give each migration its own number.");
        }
        return migrations.OrderBy(m => m.Version).ToArray();
    }
}

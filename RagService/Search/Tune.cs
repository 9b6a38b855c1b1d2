namespace RagService.Search;

// TEMPORARY tuning knobs (removed before commit).
public static class Tune
{
    public static double Get(string name, double fallback) =>
        double.TryParse(Environment.GetEnvironmentVariable("RAG_" + name), System.Globalization.CultureInfo.InvariantCulture, out var v) ? v : fallback;
}

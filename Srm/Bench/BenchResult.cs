using System.Globalization;

namespace Srm.Bench;

/// <summary>What one phase of the load run measured.</summary>
public sealed record BenchResult(
    string Phase,
    int SymbolsPerCall,
    TimeSpan Elapsed,
    long Calls,
    long Granted,
    long Conflicts,
    long Errors,
    double[] SortedLatenciesMs)
{
    public double CallsPerSecond => Calls / Elapsed.TotalSeconds;

    public double Percentile(double p) =>
        SortedLatenciesMs.Length == 0 ? double.NaN : SortedLatenciesMs[(int)Math.Ceiling(p * SortedLatenciesMs.Length) - 1];

    public string Format() => string.Create(CultureInfo.InvariantCulture,
        $"{Phase,-10} calls {Calls,8}  {CallsPerSecond,9:F0} reservations/s ({CallsPerSecond * SymbolsPerCall:F0} symbols/s)  " +
        $"p50 {Percentile(0.50),7:F2} ms  p99 {Percentile(0.99),7:F2} ms  granted {Granted}  conflicts {Conflicts} " +
        $"({(Calls == 0 ? 0 : 100.0 * Conflicts / Calls):F1}%)  errors {Errors}");
}

using Npgsql;

namespace ServiceDefaults.Kafka;

/// <summary>
/// Which handler failures retrying cannot fix, so the consumer loop dead-letters them at once: a
/// <see cref="PoisonMessageException"/> (the message is undecodable or invalid; handlers throw it), and a
/// PostgreSQL data exception (SQLSTATE class 22, e.g. 22021 for a NUL character in text) anywhere in the
/// exception chain. Everything else is transient: retried with backoff, then dead-lettered.
/// </summary>
public static class PermanentFailure
{
    /// <summary>SQLSTATE class "data exception": the values themselves cannot be stored.</summary>
    public const string PostgresDataExceptionClass = "22";

    public static bool Is(Exception exception) => Chain(exception).Any(e =>
        e is PoisonMessageException
        || e is PostgresException { SqlState: var state } && state.StartsWith(PostgresDataExceptionClass, StringComparison.Ordinal));

    private static IEnumerable<Exception> Chain(Exception exception)
    {
        for (Exception? current = exception; current is not null; current = current.InnerException)
        {
            yield return current;
            if (current is AggregateException aggregate)
            {
                foreach (var inner in aggregate.InnerExceptions.SelectMany(Chain)) yield return inner;
            }
        }
    }
}

namespace RagService.Search;

/// <summary>A search request with a bad field; the message says what to change.</summary>
public sealed class InvalidSearchRequestException(string field, string message) : ArgumentException(message, field)
{
    public string Field { get; } = field;
}

namespace Srm.Validation;

/// <summary>A request field that cannot be accepted; the message names the field and says why.</summary>
public sealed class InvalidFieldException(string field, string reason)
    : Exception($"{field} {reason}")
{
    public string Field { get; } = field;
}

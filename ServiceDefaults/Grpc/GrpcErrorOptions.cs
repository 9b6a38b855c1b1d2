using Grpc.Core;

namespace ServiceDefaults.Grpc;

/// <summary>Which status a service's own exceptions become (the most derived mapped type wins).</summary>
public sealed class GrpcErrorOptions
{
    private readonly Dictionary<Type, StatusCode> _codes = [];

    public GrpcErrorOptions Map<TException>(StatusCode code) where TException : Exception
    {
        _codes[typeof(TException)] = code;
        return this;
    }

    public bool TryGetCode(Exception exception, out StatusCode code)
    {
        for (var type = exception.GetType(); type is not null; type = type.BaseType)
        {
            if (_codes.TryGetValue(type, out code)) return true;
        }
        code = StatusCode.Unknown;
        return false;
    }
}

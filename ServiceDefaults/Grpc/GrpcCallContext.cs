using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace ServiceDefaults.Grpc;

/// <summary>What a unary handler knows about its call.</summary>
/// <param name="CancellationToken">Cancelled when the client goes away or the deadline passes.</param>
public sealed record GrpcCallContext(HttpContext HttpContext, DateTimeOffset? Deadline, CancellationToken CancellationToken)
{
    public T GetRequiredService<T>() where T : notnull => HttpContext.RequestServices.GetRequiredService<T>();
}

using Google.Protobuf.WellKnownTypes;
using Microsoft.AspNetCore.Builder;
using ServiceDefaults.Grpc;

namespace Tests.Grpc;

/// <summary>A small service exercising every outcome of a unary call, for transport and interop tests.</summary>
public static class EchoService
{
    public const string Name = "interop.v1.Echo";
    public const string FailureDetail = "bad thing: ünïcode, 100% sure\nsecond line";

    public static void Map(WebApplication app)
    {
        app.MapGrpcService(Name)
            .MapUnary<StringValue, StringValue>("Echo", (request, _) => Task.FromResult(new StringValue { Value = "echo: " + request.Value }))
            .MapUnary<StringValue, StringValue>("Fail", (_, _) => throw new RpcException(GrpcStatusCode.FailedPrecondition, FailureDetail))
            .MapUnary<StringValue, StringValue>("Crash", (_, _) => throw new InvalidOperationException("secret internals"))
            .MapUnary<Int32Value, Int32Value>("Slow", async (request, context) =>
            {
                await Task.Delay(request.Value, context.CancellationToken);
                return request;
            })
            .MapUnary<BytesValue, Int32Value>("Size", (request, _) => Task.FromResult(new Int32Value { Value = request.Value.Length }));
        app.MapGrpcHealth();
    }
}

using System.Buffers.Binary;
using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging;
using Tests.Telemetry.Otlp;

namespace Tests.Telemetry;

/// <summary>
/// An OTLP/gRPC receiver on a random 127.0.0.1 port (h2c), as the dashboard is to the services: it answers every
/// export with success and keeps the trace spans, by service name.
/// </summary>
public sealed class OtlpReceiver : IAsyncDisposable
{
    private const string TraceExport = "/opentelemetry.proto.collector.trace.v1.TraceService/Export";
    private WebApplication? _app;

    public ConcurrentQueue<(string Service, string TraceId, string Name)> Spans { get; } = new();

    public Uri Address { get; private set; } = null!;

    public async Task StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(System.Net.IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http2));
        _app = builder.Build();
        _app.Run(HandleAsync);
        await _app.StartAsync();
        Address = new Uri(_app.Urls.First());
    }

    private async Task HandleAsync(HttpContext context)
    {
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body);
        if (context.Request.Path == TraceExport && body.Length >= 5)
        {
            // gRPC frame: 1 byte compressed flag, 4 bytes big-endian length, the message.
            var frame = body.GetBuffer().AsMemory(0, (int)body.Length);
            var length = BinaryPrimitives.ReadInt32BigEndian(frame.Span[1..5]);
            var request = ExportTraceServiceRequest.Parser.ParseFrom(frame.Span.Slice(5, length));
            foreach (var resource in request.ResourceSpans)
            {
                var service = resource.Resource?.Attributes.FirstOrDefault(a => a.Key == "service.name")?.Value?.StringValue ?? "";
                foreach (var span in resource.ScopeSpans.SelectMany(s => s.Spans))
                    Spans.Enqueue((service, Convert.ToHexStringLower(span.TraceId.Span), span.Name));
            }
        }
        // An empty Export*ServiceResponse, and OK.
        context.Response.ContentType = "application/grpc";
        context.Response.AppendTrailer("grpc-status", "0");
        await context.Response.Body.WriteAsync(new byte[5]);
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null) await _app.DisposeAsync();
    }
}

using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Microsoft.AspNetCore.Builder;
using ServiceDefaults.Grpc;
using Tests.Infrastructure;

namespace Tests.Grpc;

public sealed class GrpcTransportTests : IAsyncLifetime
{
    private KestrelTestHost _host = null!;
    private GrpcClient _client = null!;

    public async Task InitializeAsync()
    {
        _host = await KestrelTestHost.StartAsync(EchoService.Map,
            builder => builder.Configuration["Grpc:MaxReceiveMessageSize"] = (1024 * 1024).ToString());
        _client = _host.CreateGrpcClient(new GrpcTransportOptions { MaxSendMessageSize = 8 * 1024 * 1024 });
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Unary_call_round_trips_the_message()
    {
        var reply = await _client.UnaryAsync<StringValue, StringValue>(EchoService.Name, "Echo", new StringValue { Value = "hi" });
        Assert.Equal("echo: hi", reply.Value);
    }

    [Fact]
    public async Task Handler_status_reaches_the_client_with_its_percent_encoded_message()
    {
        var e = await Assert.ThrowsAsync<RpcException>(() => _client.UnaryAsync<StringValue, StringValue>(EchoService.Name, "Fail", new StringValue()));
        Assert.Equal(GrpcStatusCode.FailedPrecondition, e.Status);
        Assert.Equal(EchoService.FailureDetail, e.Detail);
    }

    [Fact]
    public async Task Unhandled_exception_is_internal_and_hides_the_exception_text()
    {
        var e = await Assert.ThrowsAsync<RpcException>(() => _client.UnaryAsync<StringValue, StringValue>(EchoService.Name, "Crash", new StringValue()));
        Assert.Equal(GrpcStatusCode.Internal, e.Status);
        Assert.DoesNotContain("secret", e.Detail);
        Assert.Contains("/interop.v1.Echo/Crash", e.Detail);
    }

    [Fact]
    public async Task Expired_deadline_is_deadline_exceeded()
    {
        var e = await Assert.ThrowsAsync<RpcException>(() =>
            _client.UnaryAsync<Int32Value, Int32Value>(EchoService.Name, "Slow", new Int32Value { Value = 10_000 }, TimeSpan.FromMilliseconds(200)));
        Assert.Equal(GrpcStatusCode.DeadlineExceeded, e.Status);
    }

    [Fact]
    public async Task Server_enforces_the_deadline_it_was_sent()
    {
        var (status, _) = await RawCallAsync("/interop.v1.Echo/Slow", GrpcFraming.Frame(new Int32Value { Value = 10_000 }.ToByteArray()),
            ("grpc-timeout", "100m"));
        Assert.Equal(GrpcStatusCode.DeadlineExceeded, status);
    }

    [Theory]
    [InlineData("interop.v1.Echo", "Nope")]
    [InlineData("nobody.v1.Missing", "Call")]
    public async Task Unknown_method_is_unimplemented(string service, string method)
    {
        var e = await Assert.ThrowsAsync<RpcException>(() => _client.UnaryAsync<StringValue, StringValue>(service, method, new StringValue()));
        Assert.Equal(GrpcStatusCode.Unimplemented, e.Status);
    }

    [Fact]
    public async Task Malformed_message_is_invalid_argument_and_the_server_keeps_serving()
    {
        var (status, message) = await RawCallAsync("/interop.v1.Echo/Echo", GrpcFraming.Frame([0x0A, 0xFF, 0xFF, 0xFF, 0x0F, 0x01]));
        Assert.Equal(GrpcStatusCode.InvalidArgument, status);
        Assert.Contains("google.protobuf.StringValue", message);

        var reply = await _client.UnaryAsync<StringValue, StringValue>(EchoService.Name, "Echo", new StringValue { Value = "still here" });
        Assert.Equal("echo: still here", reply.Value);
    }

    [Theory]
    [InlineData(new byte[] { 0, 0, 0 }, "Incomplete message header")]
    [InlineData(new byte[] { 0, 0, 0, 0, 100, 1, 2, 3 }, "Incomplete message")]
    [InlineData(new byte[] { 7, 0, 0, 0, 0 }, "Invalid compressed flag")]
    [InlineData(new byte[] { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 }, "Additional data")]
    [InlineData(new byte[0], "no message")]
    public async Task Malformed_framing_is_internal(byte[] body, string expected)
    {
        var (status, message) = await RawCallAsync("/interop.v1.Echo/Echo", body);
        Assert.Equal(GrpcStatusCode.Internal, status);
        Assert.Contains(expected, message);
    }

    [Fact]
    public async Task Message_over_the_receive_limit_is_resource_exhausted()
    {
        var big = new BytesValue { Value = ByteString.CopyFrom(new byte[2 * 1024 * 1024]) };
        var e = await Assert.ThrowsAsync<RpcException>(() => _client.UnaryAsync<BytesValue, Int32Value>(EchoService.Name, "Size", big));
        Assert.Equal(GrpcStatusCode.ResourceExhausted, e.Status);

        var small = new BytesValue { Value = ByteString.CopyFrom(new byte[512 * 1024]) };
        Assert.Equal(512 * 1024, (await _client.UnaryAsync<BytesValue, Int32Value>(EchoService.Name, "Size", small)).Value);
    }

    [Fact]
    public async Task Client_refuses_to_send_over_its_own_limit()
    {
        var client = _host.CreateGrpcClient(new GrpcTransportOptions { MaxSendMessageSize = 100 });
        var e = await Assert.ThrowsAsync<RpcException>(() =>
            client.UnaryAsync<BytesValue, Int32Value>(EchoService.Name, "Size", new BytesValue { Value = ByteString.CopyFrom(new byte[200]) }));
        Assert.Equal(GrpcStatusCode.ResourceExhausted, e.Status);
    }

    [Fact]
    public async Task Gzip_compressed_request_is_accepted()
    {
        var (status, _) = await RawCallAsync("/interop.v1.Echo/Echo", Compressed(new StringValue { Value = "z" }.ToByteArray()), ("grpc-encoding", "gzip"));
        Assert.Equal(GrpcStatusCode.OK, status);
    }

    [Fact]
    public async Task Gzip_bomb_is_resource_exhausted()
    {
        var bomb = new BytesValue { Value = ByteString.CopyFrom(new byte[3 * 1024 * 1024]) }.ToByteArray();
        var (status, _) = await RawCallAsync("/interop.v1.Echo/Size", Compressed(bomb), ("grpc-encoding", "gzip"));
        Assert.Equal(GrpcStatusCode.ResourceExhausted, status);
    }

    [Fact]
    public async Task Unsupported_encoding_is_unimplemented()
    {
        var (status, message) = await RawCallAsync("/interop.v1.Echo/Echo", GrpcFraming.Frame([]), ("grpc-encoding", "snappy"));
        Assert.Equal(GrpcStatusCode.Unimplemented, status);
        Assert.Contains("snappy", message);
    }

    [Fact]
    public async Task Non_grpc_content_type_is_rejected_at_the_http_level()
    {
        using var http = _host.CreateHttpClient();
        using var response = await http.PostAsync("/interop.v1.Echo/Echo", new StringContent("{}", null, "application/json"));
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
    }

    [Fact]
    public async Task Health_check_answers_serving_and_not_found_for_unknown_services()
    {
        var health = await _client.UnaryAsync<Contracts.Health.HealthCheckRequest, Contracts.Health.HealthCheckResponse>(
            GrpcHealthEndpoints.ServiceName, "Check", new Contracts.Health.HealthCheckRequest { Service = EchoService.Name });
        Assert.Equal(Contracts.Health.HealthCheckResponse.Types.ServingStatus.Serving, health.Status);

        var e = await Assert.ThrowsAsync<RpcException>(() => _client.UnaryAsync<Contracts.Health.HealthCheckRequest, Contracts.Health.HealthCheckResponse>(
            GrpcHealthEndpoints.ServiceName, "Check", new Contracts.Health.HealthCheckRequest { Service = "nope.v1.Nope" }));
        Assert.Equal(GrpcStatusCode.NotFound, e.Status);
    }

    [Fact]
    public async Task Unreachable_server_is_unavailable()
    {
        var client = new GrpcClient(new HttpClient { BaseAddress = new Uri("http://127.0.0.1:1") });
        var e = await Assert.ThrowsAsync<RpcException>(() => client.UnaryAsync<StringValue, StringValue>(EchoService.Name, "Echo", new StringValue()));
        Assert.Equal(GrpcStatusCode.Unavailable, e.Status);
    }

    private static byte[] Compressed(byte[] message)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.SmallestSize, leaveOpen: true)) gzip.Write(message);
        var framed = GrpcFraming.Frame(output.ToArray());
        framed[0] = 1;
        return framed;
    }

    private async Task<(GrpcStatusCode Status, string Message)> RawCallAsync(string path, byte[] body, params (string Name, string Value)[] headers)
    {
        using var http = _host.CreateHttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new ByteArrayContent(body), Version = HttpVersion.Version20, VersionPolicy = HttpVersionPolicy.RequestVersionExact };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/grpc");
        request.Headers.TryAddWithoutValidation("te", "trailers");
        foreach (var (name, value) in headers) request.Headers.TryAddWithoutValidation(name, value);

        using var response = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await response.Content.ReadAsByteArrayAsync();
        var source = response.Headers.Contains("grpc-status") ? (HttpHeaders)response.Headers : response.TrailingHeaders;
        var status = (GrpcStatusCode)int.Parse(source.GetValues("grpc-status").Single());
        var message = source.TryGetValues("grpc-message", out var m) ? GrpcStatusMessage.Decode(m.Single()) : "";
        return (status, message);
    }
}

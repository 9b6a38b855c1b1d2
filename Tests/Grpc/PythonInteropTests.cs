using System.Diagnostics;
using System.Text.Json;
using Google.Protobuf.WellKnownTypes;
using ServiceDefaults.Grpc;
using Tests.Infrastructure;

namespace Tests.Grpc;

/// <summary>Our transport against an independent implementation: Debian's python3-grpcio, both directions.</summary>
public sealed class PythonInteropTests
{
    private const string Python = "/usr/bin/python3";
    private static readonly string Script = Path.Combine(AppContext.BaseDirectory, "Grpc", "Interop", "interop_peer.py");

    [Fact]
    public async Task PythonClient_CallsDotNetServer_WithSuccessErrorsAndDeadline()
    {
        await using var host = await KestrelTestHost.StartAsync(EchoService.Map);
        var output = await RunPythonAsync($"client {host.Address.Host}:{host.Address.Port}");
        using var json = JsonDocument.Parse(output);
        var root = json.RootElement;

        Assert.Equal("OK", root.GetProperty("echo").GetProperty("code").GetString());
        Assert.Equal("echo: héllo", root.GetProperty("echo").GetProperty("value").GetString());
        Assert.Equal("echo: zipped", root.GetProperty("echo_gzip").GetProperty("value").GetString());
        Assert.Equal("FAILED_PRECONDITION", root.GetProperty("fail").GetProperty("code").GetString());
        Assert.Equal(EchoService.FailureDetail, root.GetProperty("fail").GetProperty("details").GetString());
        Assert.Equal("DEADLINE_EXCEEDED", root.GetProperty("slow").GetProperty("code").GetString());
        Assert.Equal("UNIMPLEMENTED", root.GetProperty("unknown").GetProperty("code").GetString());
        Assert.Equal("OK", root.GetProperty("health").GetProperty("code").GetString());
        Assert.Equal("0801", root.GetProperty("health").GetProperty("reply").GetString()); // status: SERVING
    }

    [Fact]
    public async Task DotNetClient_CallsPythonServer_WithSuccessErrorsAndDeadline()
    {
        using var python = StartPython("server");
        var port = int.Parse((await python.StandardOutput.ReadLineAsync())!);
        var client = new GrpcClient(new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") });

        try
        {
            var reply = await client.UnaryAsync<StringValue, StringValue>(EchoService.Name, "Echo", new StringValue { Value = "ça va" });
            Assert.Equal("py: ça va", reply.Value);

            var failure = await Assert.ThrowsAsync<RpcException>(() =>
                client.UnaryAsync<StringValue, StringValue>(EchoService.Name, "Fail", new StringValue()));
            Assert.Equal(GrpcStatusCode.NotFound, failure.Status);
            Assert.Equal("no such thing: ünïcode 100%", failure.Detail);

            var late = await Assert.ThrowsAsync<RpcException>(() =>
                client.UnaryAsync<StringValue, StringValue>(EchoService.Name, "Slow", new StringValue(), TimeSpan.FromMilliseconds(300)));
            Assert.Equal(GrpcStatusCode.DeadlineExceeded, late.Status);

            var unknown = await Assert.ThrowsAsync<RpcException>(() =>
                client.UnaryAsync<StringValue, StringValue>(EchoService.Name, "Missing", new StringValue()));
            Assert.Equal(GrpcStatusCode.Unimplemented, unknown.Status);
        }
        finally
        {
            python.StandardInput.Close();
            if (!python.WaitForExit(5000)) python.Kill(entireProcessTree: true);
        }
    }

    private static Process StartPython(string arguments)
    {
        Assert.True(File.Exists(Python), "Debian's /usr/bin/python3 is required: apt-get install python3-grpcio");
        var process = Process.Start(new ProcessStartInfo(Python, $"\"{Script}\" {arguments}")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        })!;
        return process;
    }

    private static async Task<string> RunPythonAsync(string arguments)
    {
        using var python = StartPython(arguments);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var stdout = python.StandardOutput.ReadToEndAsync(timeout.Token);
        var stderr = python.StandardError.ReadToEndAsync(timeout.Token);
        await python.WaitForExitAsync(timeout.Token);
        Assert.True(python.ExitCode == 0, $"python3 interop peer failed ({python.ExitCode}): {await stderr}");
        return await stdout;
    }
}

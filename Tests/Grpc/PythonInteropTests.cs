using System.Diagnostics;
using System.Text.Json;
using Contracts.Srm;
using Grpc.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using ServiceDefaults;
using ServiceDefaults.Grpc;
using Tests.Rag;
using Tests.Srm;
using SrmClient = Contracts.Srm.Srm.SrmClient;

namespace Tests.Grpc;

/// <summary>
/// Grpc.AspNetCore and Grpc.Net.Client against an independent implementation, Debian's python3-grpcio, both
/// directions: python calls the real Srm and RagService and lists their services by reflection; our client
/// (as the planner registers it) calls a python srm.v1.Srm.
/// </summary>
public sealed class PythonInteropTests(SrmServerFixture srm) : IClassFixture<SrmServerFixture>
{
    private const string Python = "/usr/bin/python3";
    private static readonly string Script = Path.Combine(AppContext.BaseDirectory, "Grpc", "Interop", "interop_peer.py");

    [Fact]
    public async Task Python_client_calls_srm_and_ragservice_with_their_status_codes_and_lists_them_by_reflection()
    {
        var workspace = Directory.CreateTempSubdirectory("rag-interop-").FullName;
        try
        {
            await using var rag = await RagServiceHost.StartAsync(workspace);
            var output = await RunPythonAsync($"client {HostPort(srm.Host.Address)} {HostPort(rag.Address)}");
            using var json = JsonDocument.Parse(output);
            var root = json.RootElement;
            string Code(string call) => root.GetProperty(call).GetProperty("code").GetString()!;
            string Details(string call) => root.GetProperty(call).GetProperty("details").GetString()!;

            Assert.Equal("OK", Code("reserve"));
            var leaseId = root.GetProperty("reserve").GetProperty("lease_id").GetInt64();
            Assert.True(leaseId > 0);
            Assert.Equal("OK", Code("reserve_gzip"));
            Assert.Equal("ABORTED", Code("conflict"));
            Assert.Contains($"held by plan 'plan-py' (lease {leaseId})", Details("conflict"));
            Assert.Equal("INVALID_ARGUMENT", Code("invalid"));
            Assert.StartsWith("plan_id is required", Details("invalid"));
            Assert.Equal("NOT_FOUND", Code("never_granted"));
            Assert.Equal("UNIMPLEMENTED", Code("unknown"));
            Assert.Equal("OK", Code("srm_health"));
            Assert.Equal(1, root.GetProperty("srm_health").GetProperty("status").GetInt32()); // SERVING
            Assert.Contains("srm.v1.Srm", Services("srm_services"));
            Assert.Contains("grpc.health.v1.Health", Services("srm_services"));

            Assert.Equal("INVALID_ARGUMENT", Code("nul_path"));
            Assert.Equal("NOT_FOUND", Code("unknown_repo"));
            Assert.Equal(1, root.GetProperty("rag_health").GetProperty("status").GetInt32());
            Assert.Contains("rag.v1.Rag", Services("rag_services"));
            Assert.DoesNotContain("srm.v1.Srm", Services("rag_services"));

            string[] Services(string name) => [.. root.GetProperty(name).EnumerateArray().Select(s => s.GetString()!)];
        }
        finally
        {
            Directory.Delete(workspace, recursive: true);
        }
    }

    [Fact]
    public async Task Our_client_calls_a_python_server_with_errors_deadlines_and_retries()
    {
        using var python = StartPython("server");
        var port = int.Parse((await python.StandardOutput.ReadLineAsync())!);
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["services:srm:http:0"] = $"http://127.0.0.1:{port}" });
        builder.AddServiceDefaults();
        builder.Services.AddGrpcServiceClient<SrmClient>("srm", Contracts.Srm.Srm.Descriptor);
        using var host = builder.Build();
        var client = host.Services.GetRequiredService<SrmClient>();
        DateTime Deadline(double seconds = 10) => DateTime.UtcNow.AddSeconds(seconds);

        try
        {
            Assert.Equal(42, (await client.ReserveAsync(new ReserveRequest { PlanId = "p" }, deadline: Deadline())).LeaseId);

            var failure = await Assert.ThrowsAsync<RpcException>(() => client.ReleaseAsync(new ReleaseRequest { LeaseId = 1 }, deadline: Deadline()).ResponseAsync);
            Assert.Equal(StatusCode.NotFound, failure.StatusCode);
            Assert.Equal("no such lease: ünïcode 100%", failure.Status.Detail);

            var late = await Assert.ThrowsAsync<RpcException>(() => client.RenewAsync(new RenewRequest { LeaseId = 1 }, deadline: Deadline(0.3)).ResponseAsync);
            Assert.Equal(StatusCode.DeadlineExceeded, late.StatusCode);

            // UNAVAILABLE once, then the answer: retried exactly once, because the contract marks ReleasePlan idempotent.
            Assert.Equal(7, (await client.ReleasePlanAsync(new ReleasePlanRequest { PlanId = "p" }, deadline: Deadline())).Released);

            var unknown = await Assert.ThrowsAsync<RpcException>(() => client.ListLeasesAsync(new ListLeasesRequest(), deadline: Deadline()).ResponseAsync);
            Assert.Equal(StatusCode.Unimplemented, unknown.StatusCode);
        }
        finally
        {
            python.StandardInput.Close();
            if (!python.WaitForExit(5000)) python.Kill(entireProcessTree: true);
        }
    }

    private static string HostPort(Uri address) => $"{address.Host}:{address.Port}";

    private static Process StartPython(string arguments)
    {
        Assert.True(File.Exists(Python), "Debian's /usr/bin/python3 is required: apt-get install python3-grpcio");
        return Process.Start(new ProcessStartInfo(Python, $"\"{Script}\" {arguments}")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        })!;
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

using System.Net.Http.Headers;
using Contracts.Srm;
using Google.Protobuf;
using Grpc.Core;
using Tests.Infrastructure;
using static Tests.Srm.Symbols;

namespace Tests.Srm;

/// <summary>Every bad field gets INVALID_ARGUMENT naming it and why; nothing is stored; the service keeps serving.</summary>
public sealed class BadInputTests(SrmServerFixture server) : IClassFixture<SrmServerFixture>
{
    private SrmTestHost Srm => server.Host;

    [Theory]
    [InlineData("Reserve", "repo", "", "repo is required")]
    [InlineData("Reserve", "repo", "   ", "repo is required")]
    [InlineData("Reserve", "repo", "LONG:257", "repo is 257 characters long; the limit is 256")]
    [InlineData("Reserve", "repo", "my\0repo", "repo must not contain NUL characters")]
    [InlineData("Reserve", "repo", " padded", "repo must not start or end with whitespace")]
    [InlineData("Reserve", "branch", "", "branch is required")]
    [InlineData("Reserve", "branch", "main\nx", "branch must not contain control characters")]
    [InlineData("Reserve", "branch", "LONG:257", "branch is 257 characters long")]
    [InlineData("Reserve", "fq_name", "", "fq_name is required")]
    [InlineData("Reserve", "fq_name", "LONG:1025", "fq_name is 1025 characters long; the limit is 1024")]
    [InlineData("Reserve", "kind", "", "kind is required")]
    [InlineData("Reserve", "kind", "banana", "kind 'banana' is not a known kind; use one of: namespace")]
    [InlineData("Reserve", "file_path", "", "file_path is required")]
    [InlineData("Reserve", "file_path", "../etc/passwd", "file_path must stay inside the repository")]
    [InlineData("Reserve", "file_path", "src/../../etc/passwd", "file_path must stay inside the repository")]
    [InlineData("Reserve", "file_path", "src/..", "file_path must stay inside the repository")]
    [InlineData("Reserve", "file_path", "/etc/passwd", "file_path must be relative to the repository root")]
    [InlineData("Reserve", "file_path", "C:/Windows/win.ini", "file_path must be relative to the repository root, not start with a drive letter")]
    [InlineData("Reserve", "file_path", "src\\..\\..\\x.cs", "file_path must use '/' as separator")]
    [InlineData("Reserve", "file_path", "\\\\server\\share\\x.cs", "file_path must use '/' as separator")]
    [InlineData("Reserve", "file_path", "src//App.cs", "file_path must be normalized")]
    [InlineData("Reserve", "file_path", "./src/App.cs", "file_path must be normalized")]
    [InlineData("Reserve", "file_path", "src/App/", "file_path must be normalized")]
    [InlineData("Reserve", "file_path", "src/App.cs\0.txt", "file_path must not contain NUL characters")]
    [InlineData("Reserve", "file_path", ".git/config", "file_path must name a working-tree file, not a path inside .git")]
    [InlineData("Reserve", "file_path", "src/.GIT/hooks/pre-commit", "file_path must name a working-tree file")]
    [InlineData("Reserve", "file_path", "LONG:1025", "file_path is 1025 characters long; the limit is 1024")]
    [InlineData("Reserve", "plan_id", "", "plan_id is required")]
    [InlineData("Reserve", "plan_id", "LONG:129", "plan_id is 129 characters long; the limit is 128")]
    [InlineData("Reserve", "ttl_sec", -1, "ttl_sec is -1; use 1..86400 seconds (0 means 600)")]
    [InlineData("Reserve", "ttl_sec", 86_401, "ttl_sec is 86401; use 1..86400 seconds")]
    [InlineData("Reserve", "ttl_sec", int.MinValue, "ttl_sec is -2147483648")]
    [InlineData("ReserveBatch", "plan_id", "", "plan_id is required")]
    [InlineData("ReserveBatch", "ttl_sec", 100_000, "ttl_sec is 100000")]
    [InlineData("ReserveBatch", "items", "NONE", "items is required")]
    [InlineData("ReserveBatch", "items", "MANY:1001", "items has 1001 symbols; the limit is 1000 per batch")]
    [InlineData("Renew", "lease_id", 0L, "lease_id is 0; lease ids are positive numbers")]
    [InlineData("Renew", "lease_id", -5L, "lease_id is -5")]
    [InlineData("Renew", "ttl_sec", -30, "ttl_sec is -30")]
    [InlineData("Release", "lease_id", 0L, "lease_id is 0")]
    [InlineData("ReleasePlan", "plan_id", "", "plan_id is required")]
    [InlineData("ReleasePlan", "plan_id", "x\u0007y", "plan_id must not contain control characters (found U+0007)")]
    [InlineData("ListLeases", "page_size", -1, "page_size is -1; use 1..1000")]
    [InlineData("ListLeases", "page_size", 1001, "page_size is 1001")]
    [InlineData("ListLeases", "page_token", "abc", "page_token is not a token from a previous ListLeases reply")]
    [InlineData("ListLeases", "page_token", "-3", "page_token is not a token")]
    [InlineData("ListLeases", "repo", "a\0b", "repo must not contain NUL characters")]
    [InlineData("ListLeases", "prefix", "LONG:1025", "prefix is 1025 characters long")]
    public async Task Bad_field_is_invalid_argument_naming_the_field(string method, string field, object value, string expectedDetail)
    {
        var repo = NewRepo();
        var request = ValidRequest(method, repo);
        SetField(request, field, value, repo);

        var refused = await Assert.ThrowsAsync<RpcException>(() => Call(method, request));

        Assert.Equal(StatusCode.InvalidArgument, refused.StatusCode);
        Assert.StartsWith(expectedDetail, refused.Status.Detail);
        Assert.Equal(0L, await Srm.QueryScalarAsync<long>("SELECT count(*) FROM lease_history WHERE repo = $1", repo));
    }

    [Theory]
    [InlineData("kind", "CLASS")]
    [InlineData("kind", "record")]
    [InlineData("file_path", "src/My App/Grüße.cs")]
    [InlineData("file_path", "src/a..b/..c.cs")]
    [InlineData("file_path", "Makefile")]
    [InlineData("fq_name", "App.Grüße.Greet(string, int)")]
    [InlineData("fq_name", "LONG:1024")]
    [InlineData("repo", "github.com/org/repo")]
    [InlineData("branch", "feature/x-1")]
    [InlineData("ttl_sec", 1)]
    [InlineData("ttl_sec", 86_400)]
    public async Task Edge_values_inside_the_limits_are_accepted(string field, object value)
    {
        var repo = NewRepo();
        var request = ValidRequest("Reserve", repo);
        SetField(request, field, value, repo);

        var reply = await Srm.ReserveAsync((ReserveRequest)request);

        Assert.True(reply.LeaseId > 0);
    }

    [Fact]
    public async Task Kind_is_stored_lower_case()
    {
        var repo = NewRepo();
        var request = Reserve(repo, "App.A", "plan-a");
        request.Kind = "Interface";

        var reply = await Srm.ReserveAsync(request);

        Assert.Equal("interface", await Srm.QueryScalarAsync<string>("SELECT kind FROM leases WHERE lease_id = $1", reply.LeaseId));
    }

    [Fact]
    public async Task Malformed_protobuf_is_refused_and_the_service_keeps_serving()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/srm.v1.Srm/Reserve")
        {
            Version = System.Net.HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            // Field 1 (repo) claims 100 bytes but the message ends after 3.
            Content = new ByteArrayContent(RawGrpc.Frame([0x0A, 100, 0x41, 0x42, 0x43])),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/grpc");
        request.Headers.TryAddWithoutValidation("te", "trailers");
        using var response = await Srm.Http.SendAsync(request);
        await response.Content.ReadAsByteArrayAsync();

        var status = response.Headers.TryGetValues("grpc-status", out var early) ? early.Single() : response.TrailingHeaders.GetValues("grpc-status").Single();
        // Grpc.AspNetCore's answer to a request it cannot decode (before any service code runs): UNKNOWN.
        Assert.Equal(((int)StatusCode.Unknown).ToString(), status);
        var reply = await Srm.ReserveAsync(Reserve(NewRepo(), "App.A", "plan-a"));
        Assert.True(reply.LeaseId > 0);
    }

    [Fact]
    public async Task An_unknown_method_is_unimplemented()
    {
        var refused = await Assert.ThrowsAsync<RpcException>(() =>
            Srm.Channel.CreateCallInvoker().CallAsync<ReleaseRequest, ReleaseReply>("srm.v1.Srm", "Steal", new ReleaseRequest { LeaseId = 1 }));

        Assert.Equal(StatusCode.Unimplemented, refused.StatusCode);
    }

    private static IMessage ValidRequest(string method, string repo) => method switch
    {
        "Reserve" => Reserve(repo, "App.Valid", "plan-valid"),
        "ReserveBatch" => Batch("plan-valid", 60, Ref(repo, "App.Valid")),
        "Renew" => new RenewRequest { LeaseId = 1, TtlSec = 60 },
        "Release" => new ReleaseRequest { LeaseId = 1 },
        "ReleasePlan" => new ReleasePlanRequest { PlanId = "plan-valid" },
        "ListLeases" => new ListLeasesRequest { Repo = repo },
        _ => throw new ArgumentOutOfRangeException(nameof(method)),
    };

    private Task Call(string method, IMessage request) => request switch
    {
        ReserveRequest r => Srm.ReserveAsync(r),
        ReserveBatchRequest r => Srm.ReserveBatchAsync(r),
        RenewRequest r => Srm.Client.RenewAsync(r).ResponseAsync,
        ReleaseRequest r => Srm.Client.ReleaseAsync(r).ResponseAsync,
        ReleasePlanRequest r => Srm.Client.ReleasePlanAsync(r).ResponseAsync,
        ListLeasesRequest r => Srm.Client.ListLeasesAsync(r).ResponseAsync,
        _ => throw new ArgumentOutOfRangeException(nameof(request)),
    };

    /// <summary>Sets a field by its proto name; "LONG:n" is an n-character string, "NONE"/"MANY:n" size a batch.</summary>
    private static void SetField(IMessage request, string field, object value, string repo)
    {
        if (request is ReserveBatchRequest batch && field == "items")
        {
            batch.Items.Clear();
            if (value is string text && text.StartsWith("MANY:", StringComparison.Ordinal))
            {
                batch.Items.AddRange(Enumerable.Range(0, int.Parse(text[5..])).Select(i => Ref(repo, $"S{i}")));
            }

            return;
        }

        if (value is string s && s.StartsWith("LONG:", StringComparison.Ordinal))
        {
            value = new string('x', int.Parse(s[5..]));
        }

        request.Descriptor.FindFieldByName(field).Accessor.SetValue(request, value);
    }
}

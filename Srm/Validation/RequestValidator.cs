using System.Globalization;
using Contracts.Srm;
using Srm.Leases;

namespace Srm.Validation;

/// <summary>
/// Turns Srm requests into validated inputs or throws <see cref="InvalidFieldException"/> naming the first bad
/// field. Limits are in <see cref="RequestLimits"/>, kinds in <see cref="SymbolKinds"/>, path rules in
/// <see cref="RepositoryPath"/>.
/// </summary>
public static class RequestValidator
{
    public static ReservationRequest Reserve(ReserveRequest request)
    {
        var planId = Identifier("plan_id", request.PlanId, RequestLimits.MaxPlanIdLength);
        var ttl = Ttl("ttl_sec", request.TtlSec);
        var item = Symbol("", request.Repo, request.Branch, request.FqName, request.Kind, request.FilePath);
        return new ReservationRequest(planId, ttl, [item]);
    }

    public static ReservationRequest ReserveBatch(ReserveBatchRequest request)
    {
        var planId = Identifier("plan_id", request.PlanId, RequestLimits.MaxPlanIdLength);
        var ttl = Ttl("ttl_sec", request.TtlSec);
        if (request.Items.Count == 0)
        {
            throw new InvalidFieldException("items", "is required: give at least one symbol to reserve");
        }

        if (request.Items.Count > RequestLimits.MaxBatchItems)
        {
            throw new InvalidFieldException(
                "items", $"has {request.Items.Count} symbols; the limit is {RequestLimits.MaxBatchItems} per batch");
        }

        var items = new List<SymbolReservation>(request.Items.Count);
        for (var index = 0; index < request.Items.Count; index++)
        {
            var item = request.Items[index];
            items.Add(Symbol($"items[{index}].", item.Repo, item.Branch, item.FqName, item.Kind, item.FilePath));
        }

        return new ReservationRequest(planId, ttl, items);
    }

    public static (long LeaseId, int TtlSeconds) Renew(RenewRequest request) =>
        (LeaseId("lease_id", request.LeaseId), Ttl("ttl_sec", request.TtlSec));

    public static long Release(ReleaseRequest request) => LeaseId("lease_id", request.LeaseId);

    public static string ReleasePlan(ReleasePlanRequest request) =>
        Identifier("plan_id", request.PlanId, RequestLimits.MaxPlanIdLength);

    public static LeaseQuery ListLeases(ListLeasesRequest request)
    {
        var pageSize = request.PageSize switch
        {
            0 => RequestLimits.DefaultPageSize,
            < 0 or > RequestLimits.MaxPageSize => throw new InvalidFieldException(
                "page_size", $"is {request.PageSize}; use 1..{RequestLimits.MaxPageSize} (0 means {RequestLimits.DefaultPageSize})"),
            _ => request.PageSize,
        };

        long after = 0;
        if (request.PageToken.Length > 0
            && (!long.TryParse(request.PageToken, NumberStyles.None, CultureInfo.InvariantCulture, out after) || after <= 0))
        {
            throw new InvalidFieldException("page_token", "is not a token from a previous ListLeases reply; start again without it");
        }

        return new LeaseQuery(
            OptionalFilter("repo", request.Repo, RequestLimits.MaxRepoLength),
            OptionalFilter("branch", request.Branch, RequestLimits.MaxBranchLength),
            OptionalFilter("prefix", request.Prefix, RequestLimits.MaxFqNameLength),
            OptionalFilter("plan_id", request.PlanId, RequestLimits.MaxPlanIdLength),
            request.IncludeExpired,
            pageSize,
            after);
    }

    private static SymbolReservation Symbol(string prefix, string repo, string branch, string fqName, string kind, string filePath)
    {
        var key = new SymbolKey(
            Identifier(prefix + "repo", repo, RequestLimits.MaxRepoLength),
            Identifier(prefix + "branch", branch, RequestLimits.MaxBranchLength),
            Identifier(prefix + "fq_name", fqName, RequestLimits.MaxFqNameLength));

        var kindText = Identifier(prefix + "kind", kind, RequestLimits.MaxKindLength);
        var normalizedKind = SymbolKinds.Normalize(kindText)
            ?? throw new InvalidFieldException(prefix + "kind", $"'{kindText}' is not a known kind; use one of: {string.Join(", ", SymbolKinds.All)}");

        if (RepositoryPath.Problem(filePath) is { } pathProblem)
        {
            throw new InvalidFieldException(prefix + "file_path", pathProblem);
        }

        return new SymbolReservation(key, normalizedKind, filePath);
    }

    private static string Identifier(string field, string value, int maxLength)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new InvalidFieldException(field, "is required");
        }

        CheckText(field, value, maxLength);
        if (char.IsWhiteSpace(value[0]) || char.IsWhiteSpace(value[^1]))
        {
            throw new InvalidFieldException(field, "must not start or end with whitespace");
        }

        return value;
    }

    private static string? OptionalFilter(string field, string value, int maxLength)
    {
        if (value.Length == 0)
        {
            return null;
        }

        CheckText(field, value, maxLength);
        return value;
    }

    private static void CheckText(string field, string value, int maxLength)
    {
        if (value.Length > maxLength)
        {
            throw new InvalidFieldException(field, $"is {value.Length} characters long; the limit is {maxLength}");
        }

        if (TextRules.Problem(value) is { } problem)
        {
            throw new InvalidFieldException(field, problem);
        }
    }

    private static int Ttl(string field, int ttlSeconds) => ttlSeconds switch
    {
        0 => RequestLimits.DefaultTtlSeconds,
        < RequestLimits.MinTtlSeconds or > RequestLimits.MaxTtlSeconds => throw new InvalidFieldException(
            field, $"is {ttlSeconds}; use {RequestLimits.MinTtlSeconds}..{RequestLimits.MaxTtlSeconds} seconds (0 means {RequestLimits.DefaultTtlSeconds})"),
        _ => ttlSeconds,
    };

    private static long LeaseId(string field, long leaseId) => leaseId > 0
        ? leaseId
        : throw new InvalidFieldException(field, $"is {leaseId}; lease ids are positive numbers from a Reserve reply");
}

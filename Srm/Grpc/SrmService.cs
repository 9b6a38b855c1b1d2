using System.Diagnostics;
using System.Globalization;
using Contracts.Srm;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Npgsql;
using Srm.Leases;
using Srm.Telemetry;
using Srm.Validation;

namespace Srm.Grpc;

/// <summary>
/// The srm.v1.Srm methods: validates each request, asks <see cref="LeaseStore"/>, maps the outcome to a reply or a
/// gRPC status (INVALID_ARGUMENT for bad input, ABORTED for another plan's live lease, FAILED_PRECONDITION for a
/// stale lease id, NOT_FOUND for a lease id never granted, UNAVAILABLE when the database is transiently
/// unreachable), and records metrics and traces.
/// </summary>
public sealed class SrmService(LeaseStore store, SrmTelemetry telemetry) : Contracts.Srm.Srm.SrmBase
{
    public override Task<ReserveReply> Reserve(ReserveRequest request, ServerCallContext context) =>
        RunAsync("Reserve", countsReservations: true, async activity =>
        {
            var valid = RequestValidator.Reserve(request);
            Tag(activity, valid);
            var result = await store.ReserveAsync(valid.PlanId, valid.TtlSeconds, valid.Items, context.CancellationToken);
            if (!result.Granted)
            {
                var conflict = result.Conflicts[0];
                Record(activity, "Reserve", ReservationResultKind.Conflict);
                activity?.SetTag("srm.holder_plan_id", conflict.HolderPlanId);
                throw new RpcException(new Status(StatusCode.Aborted, LeaseMessages.Describe(conflict)));
            }

            var granted = result.Leases[0];
            Record(activity, "Reserve", granted.Fresh ? ReservationResultKind.Granted : ReservationResultKind.Renewed);
            activity?.SetTag("srm.lease_id", granted.Lease.LeaseId);
            return new ReserveReply
            {
                LeaseId = granted.Lease.LeaseId,
                ExpiresAt = Timestamp.FromDateTimeOffset(granted.Lease.ExpiresAt),
            };
        });

    public override Task<ReserveBatchReply> ReserveBatch(ReserveBatchRequest request, ServerCallContext context) =>
        RunAsync("ReserveBatch", countsReservations: true, async activity =>
        {
            var valid = RequestValidator.ReserveBatch(request);
            Tag(activity, valid);
            var result = await store.ReserveAsync(valid.PlanId, valid.TtlSeconds, valid.Items, context.CancellationToken);
            var reply = new ReserveBatchReply { Granted = result.Granted };
            if (result.Granted)
            {
                reply.Leases.AddRange(result.Leases.Select(l => LeaseMessages.ToMessage(l.Lease)));
                Record(activity, "ReserveBatch", result.Leases.Any(l => l.Fresh) ? ReservationResultKind.Granted : ReservationResultKind.Renewed);
            }
            else
            {
                reply.Conflicts.AddRange(result.Conflicts.Select(LeaseMessages.ToMessage));
                Record(activity, "ReserveBatch", ReservationResultKind.Conflict);
                activity?.SetTag("srm.conflicts", result.Conflicts.Count);
            }

            return reply;
        });

    public override Task<RenewReply> Renew(RenewRequest request, ServerCallContext context) =>
        RunAsync("Renew", countsReservations: false, async activity =>
        {
            var (leaseId, ttlSeconds) = RequestValidator.Renew(request);
            activity?.SetTag("srm.lease_id", leaseId);
            var expiresAt = await store.RenewAsync(leaseId, ttlSeconds, context.CancellationToken)
                ?? throw await RefusalAsync(leaseId, "renew", context.CancellationToken);
            return new RenewReply { ExpiresAt = Timestamp.FromDateTimeOffset(expiresAt) };
        });

    public override Task<ReleaseReply> Release(ReleaseRequest request, ServerCallContext context) =>
        RunAsync("Release", countsReservations: false, async activity =>
        {
            var leaseId = RequestValidator.Release(request);
            activity?.SetTag("srm.lease_id", leaseId);
            if (!await store.ReleaseAsync(leaseId, context.CancellationToken))
            {
                throw await RefusalAsync(leaseId, "release", context.CancellationToken);
            }

            return new ReleaseReply { Released = true };
        });

    public override Task<ReleasePlanReply> ReleasePlan(ReleasePlanRequest request, ServerCallContext context) =>
        RunAsync("ReleasePlan", countsReservations: false, async activity =>
        {
            var planId = RequestValidator.ReleasePlan(request);
            activity?.SetTag("srm.plan_id", planId);
            var released = await store.ReleasePlanAsync(planId, context.CancellationToken);
            activity?.SetTag("srm.released", released);
            return new ReleasePlanReply { Released = released };
        });

    public override Task<ListLeasesReply> ListLeases(ListLeasesRequest request, ServerCallContext context) =>
        RunAsync("ListLeases", countsReservations: false, async _ =>
        {
            var query = RequestValidator.ListLeases(request);
            var page = await store.ListAsync(query, context.CancellationToken);
            var reply = new ListLeasesReply
            {
                NextPageToken = page.NextAfterLeaseId?.ToString(CultureInfo.InvariantCulture) ?? "",
            };
            reply.Leases.AddRange(page.Leases.Select(LeaseMessages.ToMessage));
            return reply;
        });

    private async Task<RpcException> RefusalAsync(long leaseId, string operation, CancellationToken cancellationToken)
    {
        var status = await store.GetStatusAsync(leaseId, cancellationToken);
        var code = status.Fate == LeaseFate.Unknown ? StatusCode.NotFound : StatusCode.FailedPrecondition;
        return new RpcException(new Status(code, LeaseMessages.Describe(status, operation)));
    }

    private async Task<T> RunAsync<T>(string method, bool countsReservations, Func<Activity?, Task<T>> body)
    {
        using var activity = SrmTelemetry.ActivitySource.StartActivity($"srm.v1.Srm/{method}");
        var started = Stopwatch.GetTimestamp();
        var status = StatusCode.OK;
        try
        {
            return await body(activity);
        }
        catch (InvalidFieldException invalid)
        {
            status = StatusCode.InvalidArgument;
            if (countsReservations)
            {
                telemetry.RecordReservation(method, ReservationResultKind.Invalid);
            }

            activity?.SetTag("srm.invalid_field", invalid.Field);
            throw new RpcException(new Status(StatusCode.InvalidArgument, invalid.Message));
        }
        catch (RpcException refused)
        {
            status = refused.StatusCode;
            throw;
        }
        catch (NpgsqlException database) when (database.IsTransient)
        {
            // Retrying is safe: a reservation repeated by the same plan returns the same lease.
            status = StatusCode.Unavailable;
            throw new RpcException(new Status(StatusCode.Unavailable,
                "The lease database is unreachable or busy. Retry the call shortly; repeating a reservation with the same plan id is safe.", database));
        }
        catch (Exception)
        {
            status = StatusCode.Internal;
            throw;
        }
        finally
        {
            activity?.SetTag("rpc.grpc.status_code", (int)status);
            if (status is not StatusCode.OK and not StatusCode.Aborted)
            {
                activity?.SetStatus(ActivityStatusCode.Error, status.ToString());
            }

            telemetry.RecordDuration(method, status.ToString(), Stopwatch.GetElapsedTime(started));
        }
    }

    private void Record(Activity? activity, string method, ReservationResultKind result)
    {
        telemetry.RecordReservation(method, result);
        activity?.SetTag("srm.result", result.ToString());
    }

    private static void Tag(Activity? activity, ReservationRequest request)
    {
        activity?.SetTag("srm.plan_id", request.PlanId);
        activity?.SetTag("srm.symbols", request.Items.Count);
    }
}

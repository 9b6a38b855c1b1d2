using System.Text.Json;
using Contracts.Core;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using Orchestrator.Persistence;
using Orchestrator.Workflow;

namespace Orchestrator.Api;

/// <summary>
/// <c>GET /api/change-requests/{id}/events</c>: the request's timeline as server-sent events (<c>event: transition</c>,
/// <c>id</c> = history sequence, so <c>Last-Event-ID</c> resumes), then <c>event: end</c> once it is done or regressed.
/// Any replica serves it: the timeline is in Postgres and every replica's commits wake the stream.
/// </summary>
public static class TransitionEventStream
{
    private static readonly TimeSpan HeartbeatInterval = TimeSpan.FromSeconds(15);

    public static async Task StreamAsync(string id, HttpContext context, RequestQueries queries, OrchestratorSignals signals,
        IOptions<JsonOptions> json, IOptions<EventStreamOptions> options, TimeProvider time, CancellationToken cancellationToken)
    {
        var state = id.Length <= ChangeRequestRules.MaxIdLength ? await queries.GetAsync(id, cancellationToken) : null;
        if (state is null)
        {
            await Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such change request",
                detail: $"No change request has id '{id}'.").ExecuteAsync(context);
            return;
        }

        var response = context.Response;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";
        long.TryParse(context.Request.Headers["Last-Event-ID"].ToString(), out var lastSeq);
        var lastWrite = time.GetUtcNow();
        await response.WriteAsync(": stream of transitions\n\n", cancellationToken);
        await response.Body.FlushAsync(cancellationToken);

        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                var signal = signals.NextCommit;
                foreach (var entry in await queries.TimelineAsync(id, lastSeq, cancellationToken))
                {
                    var data = JsonSerializer.Serialize(TimelineView.Of(entry), json.Value.SerializerOptions);
                    await response.WriteAsync($"id: {entry.Seq}\nevent: transition\ndata: {data}\n\n", cancellationToken);
                    lastSeq = entry.Seq;
                    lastWrite = time.GetUtcNow();
                    if (entry.Entry.Applied && TransitionTable.IsTerminal(entry.Entry.To))
                    {
                        await response.WriteAsync($"event: end\ndata: {{\"stage\":\"{entry.Entry.To.Name()}\"}}\n\n", cancellationToken);
                        await response.Body.FlushAsync(cancellationToken);
                        return;
                    }
                }
                if (time.GetUtcNow() - lastWrite > HeartbeatInterval)
                {
                    await response.WriteAsync(": heartbeat\n\n", cancellationToken);
                    lastWrite = time.GetUtcNow();
                }
                await response.Body.FlushAsync(cancellationToken);
                await OrchestratorSignals.WaitAsync(signal, options.Value.PollInterval, cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The client went away.
        }
    }
}

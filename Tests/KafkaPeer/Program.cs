using KafkaPeer;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ServiceDefaults.Kafka;

// Usage: KafkaPeer --ConnectionStrings:kafka=host:port --Peer:Topic=t --Peer:GroupId=g
var builder = Host.CreateApplicationBuilder(args);
builder.Logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace); // stdout is the report
var topic = builder.Configuration["Peer:Topic"] ?? throw new InvalidOperationException("Pass --Peer:Topic=<topic>.");
var groupId = builder.Configuration["Peer:GroupId"] ?? throw new InvalidOperationException("Pass --Peer:GroupId=<group>.");

builder.AddKafkaConsumer("kafka", options =>
{
    options.GroupId = groupId;
    options.Topics = [topic];
    options.SessionTimeoutMs = 3000;
    options.HeartbeatIntervalMs = 300;
    options.PartitionsAssigned = PeerReport.Assigned;
    options.PartitionsRevoked = PeerReport.Revoked;
}, (_, message, _) =>
{
    PeerReport.Processed(message);
    return Task.CompletedTask;
});
builder.Services.AddHostedService<StopOnStandardInputClosed>();

await builder.Build().RunAsync();

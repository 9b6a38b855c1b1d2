using Contracts;
using Contracts.Core;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Orchestrator.Workflow;

namespace Orchestrator.Messaging;

/// <summary>Which message type each pipeline topic carries, and which request a message belongs to.</summary>
public static class PipelineMessages
{
    private static readonly Dictionary<string, MessageDescriptor> ByTopic = new(StringComparer.Ordinal)
    {
        [Topics.ChangeRequestIn] = ChangeRequest.Descriptor,
        [Topics.DeepPlanIn] = DeepPlan.Descriptor,
        [Topics.PlanOut] = Plan.Descriptor,
        [Topics.CodeTaskOut] = TaskBundle.Descriptor,
        [Topics.CommitResultOut] = CommitResult.Descriptor,
        [Topics.BuildReportOut] = BuildReport.Descriptor,
        [Topics.TestSpecOut] = TestSpec.Descriptor,
        [Topics.GeneratedTestsOut] = GeneratedTests.Descriptor,
        [Topics.RegressionOut] = RegressionTicket.Descriptor,
    };

    /// <summary>Topics whose messages drive the workflow (the others are the Orchestrator's own output, observed only).</summary>
    public static IReadOnlySet<string> Inputs { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        Topics.ChangeRequestIn, Topics.PlanOut, Topics.CommitResultOut, Topics.BuildReportOut, Topics.TestSpecOut, Topics.GeneratedTestsOut,
    };

    public static MessageDescriptor? DescriptorFor(string topic) => ByTopic.GetValueOrDefault(topic);

    /// <summary>The request id a message names (empty when it names none).</summary>
    public static string RequestIdOf(IMessage message) => message switch
    {
        ChangeRequest m => m.Id,
        Plan m => m.ParentRequestId,
        CommitResult m => m.RequestId,
        BuildReport m => m.RequestId,
        TestSpec m => m.RequestId,
        GeneratedTests m => m.RequestId,
        DeepPlan m => m.RequestId,
        TaskBundle m => m.RequestId,
        RegressionTicket m => m.RequestId,
        _ => "",
    };

    /// <summary>The seed's ids a message carries instead of a request id, best first.</summary>
    public static IReadOnlyList<Correlation> SeedIdsOf(IMessage message) => message switch
    {
        CommitResult m => [new(CorrelationKind.Task, m.TaskId)],
        BuildReport m => [new(CorrelationKind.Commit, m.CommitSha)],
        TestSpec m => [new(CorrelationKind.Commit, m.ParentCommitSha)],
        GeneratedTests m => [new(CorrelationKind.Spec, m.SpecId), new(CorrelationKind.Commit, m.CommitSha)],
        _ => [],
    };
}

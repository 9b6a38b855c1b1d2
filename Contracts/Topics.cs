namespace Contracts;

/// <summary>Kafka topic names of the pipeline (DESIGN.md section 5).</summary>
public static class Topics
{
    public const string ChangeRequestIn = "change.request.in";
    public const string DeepPlanIn = "deepplan.in";
    public const string PlanOut = "plan.out";
    public const string CodeTaskOut = "code.task.out";
    public const string CommitResultOut = "commit.result.out";
    public const string BuildReportOut = "build.report.out";
    public const string TestSpecOut = "test.spec.out";
    public const string GeneratedTestsOut = "generated.tests.out";
    public const string RegressionOut = "regression.out";

    public const string DeadLetterSuffix = ".dlq";

    public static IReadOnlyList<string> All { get; } =
    [
        ChangeRequestIn, DeepPlanIn, PlanOut, CodeTaskOut, CommitResultOut,
        BuildReportOut, TestSpecOut, GeneratedTestsOut, RegressionOut,
    ];

    public static string DeadLetter(string topic) => topic + DeadLetterSuffix;
}

namespace Contracts.Core;

/// <summary>The seed's <c>BuildReport.status</c> and <c>GeneratedTests.precheck</c> strings.</summary>
public enum CheckStatus { Passed, Failed }

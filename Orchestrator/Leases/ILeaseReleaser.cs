namespace Orchestrator.Leases;

/// <summary>Releases every lease a plan holds; returns how many were released. Throws when Srm cannot be reached.</summary>
public interface ILeaseReleaser
{
    Task<int> ReleasePlanAsync(string planId, CancellationToken cancellationToken);
}

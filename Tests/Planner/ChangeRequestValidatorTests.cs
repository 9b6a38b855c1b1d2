using Contracts.Core;
using RequestPlanner.Planning.Requests;

namespace Tests.Planner;

public sealed class ChangeRequestValidatorTests
{
    private static ChangeRequest Valid() => new() { Id = "r1", Repo = "demo", Branch = "main", Description = "add greet()", Requester = "me" };

    [Fact]
    public void A_complete_request_is_valid()
    {
        Assert.Empty(ChangeRequestValidator.Validate(Valid()));
        Assert.Empty(ChangeRequestValidator.Validate(new ChangeRequest { Id = "r1", Repo = "demo", Description = "multi\nline\tdescription" }));
    }

    [Fact]
    public void Missing_id_repo_and_description_are_each_named()
    {
        var errors = ChangeRequestValidator.Validate(new ChangeRequest { Description = "  " });
        Assert.Equal(["id is required", "repo is required", "description is required"], errors);
    }

    [Fact]
    public void Oversized_fields_are_rejected_with_the_limit()
    {
        var request = Valid();
        request.Description = new string('x', ChangeRequestLimits.MaxDescriptionLength + 1);
        request.Id = new string('i', ChangeRequestLimits.MaxIdLength + 1);
        request.Branch = new string('b', ChangeRequestLimits.MaxBranchLength + 1);

        var errors = ChangeRequestValidator.Validate(request);

        Assert.Contains(errors, e => e.StartsWith("description is 8001 characters long; the limit is 8000", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("id is 129", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("branch is 256", StringComparison.Ordinal));
    }

    [Fact]
    public void Control_characters_in_identifying_fields_are_rejected()
    {
        var request = Valid();
        request.Id = "r1\nforged log line";
        request.Repo = "demo\0";
        var errors = ChangeRequestValidator.Validate(request);
        Assert.Contains("id contains control characters", errors);
        Assert.Contains("repo contains control characters", errors);
    }
}

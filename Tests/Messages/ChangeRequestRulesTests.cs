using Contracts.Core;

namespace Tests.Messages;

/// <summary>The one validator the front door, the Orchestrator's consumer and the planner share (issue 15, item 6).</summary>
public sealed class ChangeRequestRulesTests
{
    private static ChangeRequest Valid() => new()
    {
        Id = "5f0c6a36-61f5-4b8e-9d1e-2f4f3c1b7a90", Repo = "demo", Branch = "main", Description = "multi\nline\tdescription", Requester = "me",
    };

    [Fact]
    public void A_complete_request_is_valid()
    {
        Assert.Empty(ChangeRequestRules.Validate(Valid()));
    }

    [Theory]
    [InlineData("not-a-uuid")]
    [InlineData("5f0c6a3661f54b8e9d1e2f4f3c1b7a90")]
    [InlineData("{5f0c6a36-61f5-4b8e-9d1e-2f4f3c1b7a90}")]
    public void An_id_that_is_not_a_uuid_is_refused(string id)
    {
        var request = Valid();
        request.Id = id;
        Assert.StartsWith("id must be a UUID", Assert.Single(ChangeRequestRules.Validate(request)["id"]), StringComparison.Ordinal);
    }

    [Fact]
    public void Every_missing_field_is_named()
    {
        var errors = ChangeRequestRules.Validate(new ChangeRequest { Description = "  " });
        Assert.Equal(["id", "repo", "branch", "description", "requester"], errors.Keys);
        Assert.Equal("branch is required.", errors["branch"].Single());
    }

    [Fact]
    public void Oversized_fields_and_control_characters_are_refused_with_the_reason()
    {
        var request = Valid();
        request.Description = new string('x', ChangeRequestRules.MaxDescriptionLength + 1);
        request.Branch = "feature x";
        request.Repo = "demo\0";
        request.Requester = "me\nforged log line";

        var errors = ChangeRequestRules.Validate(request);

        Assert.Equal("description must be at most 8000 characters (got 8001).", errors["description"].Single());
        Assert.Equal("branch must not contain whitespace.", errors["branch"].Single());
        Assert.Equal("repo must not contain control characters.", errors["repo"].Single());
        Assert.Equal("requester must not contain control characters.", errors["requester"].Single());
    }
}

using Contracts.Core;
using Google.Protobuf.Reflection;

namespace Tests.Seed;

/// <summary>Agents written against the seed's contract read and write our messages unchanged (issue 12).</summary>
public sealed class SeedCompatibilityTests
{
    private static readonly string SeedProto = Path.Combine(SeedContract.Directory, "core_contracts.proto");

    [Fact]
    public async Task Every_seed_field_keeps_its_number_type_cardinality_and_name()
    {
        var seed = await SeedContract.CompileAsync(SeedProto);
        // Ours as compiled into Contracts by Grpc.Tools' protoc.
        var ours = CoreContractsReflection.Descriptor.ToProto();

        Assert.Equal(11, seed.MessageType.Count);
        Assert.Empty(SeedContract.Differences(seed, ours));
    }

    [Fact]
    public async Task The_comparison_names_each_kind_of_difference()
    {
        var seed = await SeedContract.CompileAsync(SeedProto);
        var changed = seed.Clone();
        Field(changed, "Step", "kind").Type = FieldDescriptorProto.Types.Type.Enum;
        Field(changed, "Plan", "reserved_lease_ids").Type = FieldDescriptorProto.Types.Type.Int64;
        Field(changed, "TaskBundle", "task_ids").Label = FieldDescriptorProto.Types.Label.Optional;
        Field(changed, "BuildReport", "commit_sha").Name = "request_id";
        Field(changed, "TestSpec", "parent_commit_sha").Number = 7;
        changed.MessageType.Remove(changed.MessageType.Single(m => m.Name == "Phase"));

        var differences = SeedContract.Differences(seed, changed);

        Assert.Equal(6, differences.Count);
        Assert.Contains(differences, d => d.StartsWith("Step.kind = 3: ours has type", StringComparison.Ordinal));
        Assert.Contains(differences, d => d.StartsWith("Plan.reserved_lease_ids = 5: ours has type Int64", StringComparison.Ordinal));
        Assert.Contains(differences, d => d.StartsWith("TaskBundle.task_ids = 2: ours is Optional", StringComparison.Ordinal));
        Assert.Contains("BuildReport.commit_sha = 1: ours is named request_id", differences);
        Assert.Contains("TestSpec.parent_commit_sha = 2: no field has number 2", differences);
        Assert.Contains("message Phase is missing", differences);
    }

    private static FieldDescriptorProto Field(FileDescriptorProto file, string message, string field) =>
        file.MessageType.Single(m => m.Name == message).Field.Single(f => f.Name == field);
}

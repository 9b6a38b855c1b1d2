using System.Diagnostics;
using Tests.Infrastructure;
using Google.Protobuf.Reflection;

namespace Tests.Seed;

/// <summary>
/// The seed's contract (<c>&lt;repo root&gt;/../shared/seed/core_contracts.proto</c>) compiled by protoc, and
/// the comparison of every seed field with the field of the same number in another compiled file.
/// </summary>
public static class SeedContract
{
    public static string Directory { get; } =
        Path.GetFullPath(Path.Combine(RepositoryPaths.RepositoryRoot, "..", "shared", "seed"));

    /// <summary>Runs protoc (Debian's protobuf-compiler) on a .proto file without imports.</summary>
    public static async Task<FileDescriptorProto> CompileAsync(string protoPath)
    {
        var output = Path.Combine(Path.GetTempPath(), $"seed-{Guid.NewGuid():N}.pb");
        try
        {
            var start = new ProcessStartInfo("protoc",
                ["--descriptor_set_out=" + output, "-I", Path.GetDirectoryName(protoPath)!, Path.GetFileName(protoPath)])
            {
                RedirectStandardError = true,
            };
            using var protoc = Process.Start(start)!;
            var errors = await protoc.StandardError.ReadToEndAsync();
            await protoc.WaitForExitAsync();
            if (protoc.ExitCode != 0) throw new InvalidOperationException($"protoc failed on {protoPath}: {errors}");
            return FileDescriptorSet.Parser.ParseFrom(await File.ReadAllBytesAsync(output)).File.Single();
        }
        finally
        {
            File.Delete(output);
        }
    }

    /// <summary>Every seed message or field that <paramref name="ours"/> lacks or declares differently, in words.</summary>
    public static IReadOnlyList<string> Differences(FileDescriptorProto seed, FileDescriptorProto ours)
    {
        var differences = new List<string>();
        if (seed.Package != ours.Package) differences.Add($"package is {ours.Package}, the seed's is {seed.Package}");
        foreach (var seedMessage in seed.MessageType)
        {
            var ourMessage = ours.MessageType.FirstOrDefault(m => m.Name == seedMessage.Name);
            if (ourMessage is null)
            {
                differences.Add($"message {seedMessage.Name} is missing");
                continue;
            }
            foreach (var seedField in seedMessage.Field)
            {
                var where = $"{seedMessage.Name}.{seedField.Name} = {seedField.Number}";
                var ourField = ourMessage.Field.FirstOrDefault(f => f.Number == seedField.Number);
                if (ourField is null)
                {
                    differences.Add($"{where}: no field has number {seedField.Number}");
                    continue;
                }
                if (ourField.Name != seedField.Name) differences.Add($"{where}: ours is named {ourField.Name}");
                if (ourField.Type != seedField.Type || ourField.TypeName != seedField.TypeName)
                    differences.Add($"{where}: ours has type {TypeOf(ourField)}, the seed's is {TypeOf(seedField)}");
                if (ourField.Label != seedField.Label) differences.Add($"{where}: ours is {ourField.Label}, the seed's is {seedField.Label}");
            }
        }
        return differences;
    }

    private static string TypeOf(FieldDescriptorProto field) => field.TypeName.Length > 0 ? field.TypeName : field.Type.ToString();
}

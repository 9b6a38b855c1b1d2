using ServiceDefaults.Kafka;

namespace Tests.Kafka;

public sealed class KafkaNativeLibraryTests
{
    [Fact]
    public void The_redist_library_is_loaded_even_where_the_system_has_another_librdkafka()
    {
        var library = KafkaNativeLibrary.EnsureLoaded();

        // Debian's librdkafka1 (2.0.2) is installed here for python3-confluent-kafka: it must not be the one taken.
        Assert.StartsWith("2.16.", library.Version);
        Assert.Equal(library.Version, Confluent.Kafka.Library.VersionString);
        Assert.StartsWith(Path.Combine(AppContext.BaseDirectory, "runtimes"), library.Path);
        Assert.Contains(Path.GetFileName(library.Path), KafkaNativeLibrary.LinuxFileNames);
    }

    [Fact]
    public void Every_linux_candidate_comes_from_the_apps_own_folder()
    {
        var candidates = KafkaNativeLibrary.LinuxCandidates().ToList();

        Assert.NotEmpty(candidates);
        Assert.All(candidates, c => Assert.StartsWith(AppContext.BaseDirectory, c));
    }
}

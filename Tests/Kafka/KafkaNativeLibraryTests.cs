using ServiceDefaults.Kafka;

namespace Tests.Kafka;

public sealed class KafkaNativeLibraryTests
{
    [Fact]
    public void Missing_library_error_names_the_debian_package_and_what_was_tried()
    {
        var missing = Path.Combine(Path.GetTempPath(), $"no-such-dir-{Guid.NewGuid():N}", "librdkafka.so.1");

        var error = Assert.Throws<InvalidOperationException>(() => KafkaNativeLibrary.Open([missing]));

        Assert.Contains("apt-get install librdkafka-dev", error.Message);
        Assert.Contains(KafkaNativeLibrary.PathEnvironmentVariable, error.Message);
        Assert.Contains(missing, error.Message);
    }

    [Fact]
    public void A_file_that_is_not_a_shared_library_is_reported_as_unloadable()
    {
        var bogus = Path.GetTempFileName();
        try
        {
            File.WriteAllText(bogus, "not an ELF file");
            var error = Assert.Throws<InvalidOperationException>(() => KafkaNativeLibrary.Open([bogus]));
            Assert.Contains($"{bogus} (exists but could not be loaded)", error.Message);
        }
        finally
        {
            File.Delete(bogus);
        }
    }

    [Fact]
    public void Installed_library_is_loaded_and_reports_its_version()
    {
        var path = KafkaNativeLibrary.EnsureLoaded();

        Assert.True(File.Exists(path), path);
        Assert.Equal(path, KafkaNativeLibrary.LoadedPath);
        Assert.StartsWith("2.", Confluent.Kafka.Library.VersionString);
    }
}

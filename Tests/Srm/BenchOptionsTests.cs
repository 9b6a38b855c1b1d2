using Srm.Bench;

namespace Tests.Srm;

public sealed class BenchOptionsTests
{
    [Fact]
    public void The_warm_up_lasts_ten_seconds_unless_told_and_zero_skips_it()
    {
        Assert.Equal(10, BenchOptions.Parse(["--url", "http://127.0.0.1:1"]).WarmupSeconds);
        Assert.Equal(0, BenchOptions.Parse(["--url", "http://127.0.0.1:1", "--warmup", "0"]).WarmupSeconds);
        var error = Assert.Throws<ArgumentException>(() => BenchOptions.Parse(["--url", "http://127.0.0.1:1", "--warmup", "-1"]));
        Assert.Contains("--warmup", error.Message);
    }
}

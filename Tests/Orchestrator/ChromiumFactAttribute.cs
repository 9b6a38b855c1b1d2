namespace Tests.Orchestrator;

/// <summary>A fact that needs Debian's chromium (Playwright cannot download browsers here); skipped, saying so, when it is absent.</summary>
public sealed class ChromiumFactAttribute : FactAttribute
{
    public const string ExecutablePath = "/usr/bin/chromium";

    public ChromiumFactAttribute()
    {
        if (!File.Exists(ExecutablePath))
            Skip = $"{ExecutablePath} is missing: install Debian's chromium (apt-get install -y chromium) to run the browser test.";
    }
}

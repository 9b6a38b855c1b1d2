namespace AppHost.Hosting;

public enum ResourceState
{
    NotStarted,
    Starting,
    Running,
    Stopping,
    Stopped,
    Exited,
}

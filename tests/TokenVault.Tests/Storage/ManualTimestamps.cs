namespace PrivateInference.TokenVault.Tests.Storage;

/// <summary>A clock whose monotonic timestamps the test moves (what ages the token cache's "none" surrogate entries);
/// wall time is the system's.</summary>
internal sealed class ManualTimestamps : TimeProvider
{
    private long _ticks;

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override long GetTimestamp() => Volatile.Read(ref _ticks);

    public void Advance(TimeSpan by) => Interlocked.Add(ref _ticks, by.Ticks);
}

namespace PrivateInference.TokenVault.Storage;

/// <summary>Timestamps as whole microseconds since the Unix epoch: PostgreSQL's precision, so a stored
/// value reads back exactly, and the unit the audit hash and the SQLite store use.</summary>
internal static class UnixMicroseconds
{
    private static readonly long EpochTicks = DateTimeOffset.UnixEpoch.UtcTicks;

    /// <summary>Whole microseconds since the epoch, rounded down (also before 1970).</summary>
    public static long From(DateTimeOffset value)
    {
        long ticks = value.UtcTicks - EpochTicks;
        long micros = ticks / TimeSpan.TicksPerMicrosecond;
        return ticks % TimeSpan.TicksPerMicrosecond < 0 ? micros - 1 : micros;
    }

    public static DateTimeOffset ToDateTimeOffset(long micros) =>
        new(EpochTicks + (micros * TimeSpan.TicksPerMicrosecond), TimeSpan.Zero);

    /// <summary>The same instant without its sub-microsecond ticks, at offset zero.</summary>
    public static DateTimeOffset Truncate(DateTimeOffset value) => ToDateTimeOffset(From(value));

    public static DateTimeOffset? Truncate(DateTimeOffset? value) => value is { } v ? Truncate(v) : null;

    public static long? From(DateTimeOffset? value) => value is { } v ? From(v) : null;

    public static DateTimeOffset? ToDateTimeOffset(long? micros) => micros is { } m ? ToDateTimeOffset(m) : null;
}

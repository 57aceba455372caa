using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Threading.Channels;

namespace PrivateInference.TokenVault.Storage;

/// <summary>What every <see cref="SqliteVaultStore"/> on one file in this process shares: the write lock and the
/// tenant-change hub.</summary>
/// <remarks>
/// The embedded default has one writer process per file, so in-process notification reaches every listener that
/// matters. The lock spares writers SQLite's busy-wait; across processes <c>BEGIN IMMEDIATE</c> and the busy timeout
/// still keep writes one at a time.
/// </remarks>
internal sealed class SqliteVaultFile
{
    private static readonly ConcurrentDictionary<string, SqliteVaultFile> Files = new(StringComparer.Ordinal);

    private readonly Lock _gate = new();
    private ImmutableArray<ChannelWriter<string>> _listeners = [];

    private SqliteVaultFile()
    {
    }

    public SemaphoreSlim WriteLock { get; } = new(1, 1);

    /// <summary>The shared state of the file at <paramref name="fullPath"/> (an absolute path).</summary>
    public static SqliteVaultFile For(string fullPath) => Files.GetOrAdd(fullPath, static _ => new SqliteVaultFile());

    /// <summary>Registers a listener until the returned handle is disposed.</summary>
    public IDisposable Subscribe(ChannelWriter<string> listener)
    {
        lock (_gate)
        {
            _listeners = _listeners.Add(listener);
        }

        return new Subscription(this, listener);
    }

    /// <summary>Tells every listener that the tenant changed; never blocks the writer (listeners have unbounded queues).</summary>
    public void Publish(string tenantId)
    {
        foreach (ChannelWriter<string> listener in _listeners)
        {
            listener.TryWrite(tenantId);
        }
    }

    private void Unsubscribe(ChannelWriter<string> listener)
    {
        lock (_gate)
        {
            _listeners = _listeners.Remove(listener);
        }
    }

    private sealed class Subscription(SqliteVaultFile file, ChannelWriter<string> listener) : IDisposable
    {
        public void Dispose() => file.Unsubscribe(listener);
    }
}

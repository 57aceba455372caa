using Microsoft.Extensions.Logging.Abstractions;
using PrivateInference.TokenVault.Audit;
using PrivateInference.TokenVault.Keyring;
using PrivateInference.TokenVault.Keys;
using PrivateInference.TokenVault.Lifecycle;
using PrivateInference.TokenVault.Pseudonymization;
using PrivateInference.TokenVault.Storage;

namespace PrivateInference.TokenVault;

/// <summary>
/// One vault replica's object graph: store, KEK provider, key cache, audit trail and the services on them.
/// The gRPC host and the embedded command line both build one; tests build several on one database to act
/// as replicas.
/// </summary>
public sealed class VaultRuntime : IAsyncDisposable
{
    private readonly bool _ownsDependencies;

    private readonly TokenCache? _cache;

    private VaultRuntime(IVaultStore store, IKekProvider kek, VaultOptions options, TimeProvider time, bool ownsDependencies, ILoggerFactory loggers)
    {
        _ownsDependencies = ownsDependencies;
        if (options.TokenCacheEntries > 0)
        {
            _cache = new TokenCache(options.TokenCacheEntries, time);
            store = new CachingVaultStore(store, _cache);
        }

        Store = store;
        Kek = kek;
        Options = options;
        Time = time;
        Keyring = new TenantKeyring(store, kek, options, time);
        Trail = new AuditTrail(store, time);
        Pseudonyms = new PseudonymService(store, Keyring, Trail, options, time);
        Keys = new KeyAdministration(store, kek, Keyring, Trail, options, time);
        Audit = new AuditQueries(store, Trail, kek, time, loggers.CreateLogger<AuditQueries>());
        Reencryption = new Reencryption(store, Keyring, Trail, options);
        Background = new VaultBackgroundService(store, Keyring, Reencryption, Trail, options, time, loggers.CreateLogger<VaultBackgroundService>());
        Checkpoints = new ScheduledCheckpoints(store, Audit, options, time, loggers.CreateLogger<ScheduledCheckpoints>());
    }

    /// <summary>The store every part of the replica uses: with <see cref="VaultOptions.TokenCacheEntries"/> above 0, the
    /// given store behind the replica's token cache.</summary>
    public IVaultStore Store { get; }

    /// <summary>The token cache's hits, misses and entries so far (all zero when it is off).</summary>
    public TokenCacheStatistics CacheStatistics => _cache?.Statistics ?? default;

    public IKekProvider Kek { get; }

    public VaultOptions Options { get; }

    public TimeProvider Time { get; }

    public PseudonymService Pseudonyms { get; }

    public KeyAdministration Keys { get; }

    public AuditQueries Audit { get; }

    internal TenantKeyring Keyring { get; }

    internal AuditTrail Trail { get; }

    internal Reencryption Reencryption { get; }

    internal VaultBackgroundService Background { get; }

    internal ScheduledCheckpoints Checkpoints { get; }

    /// <summary>Applies migrations and builds the replica. With <paramref name="ownsDependencies"/> the store and the
    /// provider are disposed with it. <paramref name="loggers"/> (none by default) receive the background jobs' lines and
    /// the checkpoint log copy.</summary>
    public static async Task<VaultRuntime> OpenAsync(IVaultStore store, IKekProvider kek, VaultOptions? options = null, TimeProvider? time = null, bool ownsDependencies = true, ILoggerFactory? loggers = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(kek);
        options ??= new VaultOptions();
        ArgumentOutOfRangeException.ThrowIfNegative(options.TokenCacheEntries, nameof(options));
        await store.MigrateAsync(cancellationToken).ConfigureAwait(false);
        return new VaultRuntime(store, kek, options, time ?? TimeProvider.System, ownsDependencies, loggers ?? NullLoggerFactory.Instance);
    }

    /// <summary>Starts following other replicas' tenant changes, the maintenance jobs and, when an interval is set, the
    /// checkpoint schedule.</summary>
    public async Task StartBackgroundAsync(CancellationToken cancellationToken)
    {
        await Background.StartAsync(cancellationToken).ConfigureAwait(false);
        await Checkpoints.StartAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Completes once this replica's change notifications are in place (after <see cref="StartBackgroundAsync"/>;
    /// the first LISTEN drops every cache once, so a test that warms a cache waits for this first).</summary>
    internal Task ListeningForChanges => Background.Listening;

    /// <summary>One tick of the checkpoint schedule now (tests; the schedule's own loop runs it every interval); returns
    /// the checkpoints it stored.</summary>
    public Task<IReadOnlyList<SignedAuditCheckpoint>> RunScheduledCheckpointsOnceAsync(CancellationToken cancellationToken = default) => Checkpoints.RunOnceAsync(cancellationToken);

    /// <summary>One maintenance pass now: expiry purge and re-encryption (the command line's and tests' entry).</summary>
    public Task RunMaintenanceOnceAsync(CancellationToken cancellationToken = default) => Background.RunOnceAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        await Checkpoints.StopAsync(CancellationToken.None).ConfigureAwait(false);
        Checkpoints.Dispose();
        await Background.StopAsync(CancellationToken.None).ConfigureAwait(false);
        Background.Dispose();
        await Trail.DisposeAsync().ConfigureAwait(false);
        Keyring.Dispose();
        if (_ownsDependencies)
        {
            Kek.Dispose();
            await Store.DisposeAsync().ConfigureAwait(false);
        }
    }
}

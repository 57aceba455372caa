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

    private VaultRuntime(IVaultStore store, IKekProvider kek, VaultOptions options, TimeProvider time, bool ownsDependencies)
    {
        _ownsDependencies = ownsDependencies;
        if (options.TokenCacheEntries > 0)
        {
            _cache = new TokenCache(options.TokenCacheEntries);
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
        Audit = new AuditQueries(store, Trail, kek, time);
        Reencryption = new Reencryption(store, Keyring, Trail, options);
        Background = new VaultBackgroundService(store, Keyring, Reencryption, Trail, options, time, NullLogger<VaultBackgroundService>.Instance);
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

    /// <summary>Applies migrations and builds the replica. With <paramref name="ownsDependencies"/> the store and the
    /// provider are disposed with it.</summary>
    public static async Task<VaultRuntime> OpenAsync(IVaultStore store, IKekProvider kek, VaultOptions? options = null, TimeProvider? time = null, bool ownsDependencies = true, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(kek);
        options ??= new VaultOptions();
        ArgumentOutOfRangeException.ThrowIfNegative(options.TokenCacheEntries, nameof(options));
        await store.MigrateAsync(cancellationToken).ConfigureAwait(false);
        return new VaultRuntime(store, kek, options, time ?? TimeProvider.System, ownsDependencies);
    }

    /// <summary>Starts following other replicas' tenant changes and the maintenance jobs.</summary>
    public Task StartBackgroundAsync(CancellationToken cancellationToken) => Background.StartAsync(cancellationToken);

    /// <summary>One maintenance pass now: expiry purge and re-encryption (the command line's and tests' entry).</summary>
    public Task RunMaintenanceOnceAsync(CancellationToken cancellationToken = default) => Background.RunOnceAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
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

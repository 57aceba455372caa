using System.Runtime.CompilerServices;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using PrivateInference.Cryptography;
using PrivateInference.TokenVault.Keys;
using PrivateInference.TokenVault.Storage;

namespace PrivateInference.TokenVault.Keyring;

/// <summary>
/// Unwrapped tenant data keys, cached per replica, and the gate every Tokenize and Detokenize passes: a
/// tenant whose key is disabled or destroyed is refused here.
/// </summary>
/// <remarks>
/// The cache is invalidated by change notifications from any replica (<see cref="IVaultStore.ListenForTenantChangesAsync"/>)
/// and, in case a notification is lost, by re-reading the tenant's row when the cached state is older than
/// <see cref="VaultOptions.StateRevalidation"/>. So a kill switch takes effect on every replica within that
/// interval at worst, and at once in the normal case.
/// </remarks>
internal sealed class TenantKeyring(IVaultStore store, IKekProvider kekProvider, VaultOptions options, TimeProvider time) : IDisposable
{
    private readonly ConcurrentDictionary<string, TenantKeys> _cache = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _loading = new(1, 1);
    private long _invalidations;

    /// <summary>Leases the tenant's keys; the caller must <see cref="TenantKeys.Release"/> them.</summary>
    /// <exception cref="VaultException">Unknown tenant (NOT_FOUND), key disabled or destroyed (FAILED_PRECONDITION),
    /// key provider or database unavailable (UNAVAILABLE).</exception>
    public async Task<TenantKeys> AcquireAsync(string tenantId, CancellationToken cancellationToken)
    {
        while (true)
        {
            if (_cache.TryGetValue(tenantId, out var cached) && time.GetUtcNow() - cached.ValidatedAt < options.StateRevalidation)
            {
                if (cached.TryAcquire())
                {
                    return cached;
                }

                continue;
            }

            var keys = await RefreshAsync(tenantId, cancellationToken).ConfigureAwait(false);
            if (keys.TryAcquire())
            {
                return keys;
            }
        }
    }

    /// <summary>Drops one tenant's cached keys (null: every tenant's), wiping them once no request uses them.</summary>
    public void Invalidate(string? tenantId)
    {
        Interlocked.Increment(ref _invalidations);
        if (tenantId is null)
        {
            foreach (var id in _cache.Keys)
            {
                Invalidate(id);
            }

            return;
        }

        if (_cache.TryRemove(tenantId, out var keys))
        {
            keys.Retire();
        }
    }

    public void Dispose()
    {
        Invalidate(null);
        _loading.Dispose();
    }

    private async Task<TenantKeys> RefreshAsync(string tenantId, CancellationToken cancellationToken)
    {
        await _loading.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // Another request may have refreshed it while this one waited: revalidated in place (the same instance,
            // newer ValidatedAt) or reloaded. Requests that queued here behind one re-read do not each re-read.
            if (_cache.TryGetValue(tenantId, out var current) && time.GetUtcNow() - current.ValidatedAt < options.StateRevalidation)
            {
                return current;
            }

            // A change notification that arrives while the row is being read may describe a change the read missed: the
            // state read then serves this call but counts as stale, so the next call reads the row again.
            var invalidations = Interlocked.Read(ref _invalidations);
            var tenant = await Stored(() => store.GetTenantAsync(tenantId, cancellationToken)).ConfigureAwait(false);
            if (tenant is null)
            {
                Invalidate(tenantId);
                throw new VaultException(VaultErrorKind.TenantNotFound, "The tenant does not exist.", "unknown_tenant");
            }

            if (tenant.State != TenantState.Active)
            {
                Invalidate(tenantId);
                throw tenant.State == TenantState.Disabled
                    ? new VaultException(VaultErrorKind.FailedPrecondition, "The tenant's key is disabled.", "key_disabled")
                    : new VaultException(VaultErrorKind.FailedPrecondition, "The tenant's key was destroyed.", "key_destroyed");
            }

            // The data generation concerns cached token rows (Storage/TokenCache), not keys: a move alone reloads nothing.
            if (current is not null && current.Tenant == tenant with { DataGeneration = current.Tenant.DataGeneration })
            {
                current.ValidatedAt = ValidatedSince(invalidations);
                return current;
            }

            var loaded = await LoadAsync(tenant, cancellationToken).ConfigureAwait(false);
            loaded.ValidatedAt = ValidatedSince(invalidations);
            if (_cache.TryGetValue(tenantId, out var old))
            {
                old.Retire();
            }

            _cache[tenantId] = loaded;
            return loaded;
        }
        finally
        {
            _loading.Release();
        }
    }

    /// <summary>Now, or never (stale at once) when a change notification arrived since <paramref name="invalidations"/>
    /// was read.</summary>
    private DateTimeOffset ValidatedSince(long invalidations) =>
        Interlocked.Read(ref _invalidations) == invalidations ? time.GetUtcNow() : DateTimeOffset.MinValue;

    private async Task<TenantKeys> LoadAsync(TenantRecord tenant, CancellationToken cancellationToken)
    {
        var records = await Stored(() => store.GetDataKeysAsync(tenant.TenantId, cancellationToken)).ConfigureAwait(false);
        var valueKeys = new Dictionary<int, SecretKey>();
        SecretKey? fingerprintKey = null;
        try
        {
            var fingerprintVersion = 0;
            var currentValue = 0;
            foreach (var record in records)
            {
                switch (record.Purpose)
                {
                    case DataKeyPurpose.Value:
                        valueKeys[record.Version] = Unwrap(tenant, record);
                        if (record.RetiredAt is null && record.Version > currentValue)
                        {
                            currentValue = record.Version;
                        }

                        break;
                    case DataKeyPurpose.Fingerprint when record.RetiredAt is null && record.Version > fingerprintVersion:
                        fingerprintKey?.Dispose();
                        fingerprintKey = Unwrap(tenant, record);
                        fingerprintVersion = record.Version;
                        break;
                }
            }

            if (currentValue == 0 || fingerprintKey is null)
            {
                throw new VaultException(VaultErrorKind.FailedPrecondition, "The tenant has no current data keys.", "no_data_keys");
            }

            return new TenantKeys(tenant, valueKeys, currentValue, fingerprintKey, fingerprintVersion, time.GetUtcNow());
        }
        catch
        {
            foreach (var key in valueKeys.Values)
            {
                key.Dispose();
            }

            fingerprintKey?.Dispose();
            throw;
        }
    }

    private SecretKey Unwrap(TenantRecord tenant, DataKeyRecord record)
    {
        byte[]? raw = null;
        try
        {
            raw = kekProvider.Unwrap(new KekId(tenant.KekRef, record.KekVersion), record.WrappedKey, DataKeyAad.For(tenant.TenantId, record.Purpose, record.Version));
            return SecretKey.Copy(raw);
        }
        catch (KeyUnavailableException ex)
        {
            throw new VaultException(VaultErrorKind.FailedPrecondition, "The tenant's key-encryption key is not usable.", "kek_unavailable", ex);
        }
        finally
        {
            if (raw is not null)
            {
                CryptographicOperations.ZeroMemory(raw);
            }
        }
    }

    /// <summary>Runs a store call; the store's "unavailable" becomes the vault's UNAVAILABLE.</summary>
    internal static async Task<T> Stored<T>(Func<Task<T>> call)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (VaultStoreUnavailableException ex)
        {
            throw Unavailable(ex);
        }
    }

    /// <summary>The same for a stream of rows the store reads page by page.</summary>
    internal static async IAsyncEnumerable<T> Stored<T>(IAsyncEnumerable<T> rows, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var rowsEnumerator = rows.GetAsyncEnumerator(cancellationToken);
        await using (rowsEnumerator.ConfigureAwait(false))
        {
            while (true)
            {
                bool more;
                try
                {
                    more = await rowsEnumerator.MoveNextAsync().ConfigureAwait(false);
                }
                catch (VaultStoreUnavailableException ex)
                {
                    throw Unavailable(ex);
                }

                if (!more)
                {
                    yield break;
                }

                yield return rowsEnumerator.Current;
            }
        }
    }

    private static VaultException Unavailable(VaultStoreUnavailableException ex) =>
        new(VaultErrorKind.Unavailable, "The vault database is unavailable.", "database_unavailable", ex);
}

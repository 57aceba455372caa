using PrivateInference.TokenVault.Audit;

namespace PrivateInference.TokenVault.Storage;

/// <summary>
/// A store with this replica's <see cref="TokenCache"/> in front of the two reads Tokenize and Detokenize make on every
/// call: <see cref="FindTokenIdsAsync"/> and <see cref="GetTokensAsync"/>. Everything else passes through; the changes
/// that can make a cached row wrong drop the tenant's entries here, and the tenant reads and change notifications feed
/// the cache's invalidation (see <see cref="TokenCache"/>).
/// </summary>
/// <remarks>
/// Filled from committed reads and from <see cref="InsertOrGetAsync"/>'s rows (the Tokenize map only: a Detokenize's
/// first read of a row always goes to the database). Surrogate lookups (<see cref="FindBySurrogatesAsync"/>) bypass the
/// cache; a claim updates the cached match so a later Tokenize does not claim again. Disposing disposes the inner store.
/// </remarks>
internal sealed class CachingVaultStore(IVaultStore inner, TokenCache cache) : IVaultStore
{
    public string Backend => inner.Backend;

    public TokenCache Cache => cache;

    public async Task<TenantRecord?> GetTenantAsync(string tenantId, CancellationToken cancellationToken = default)
    {
        var tenant = await inner.GetTenantAsync(tenantId, cancellationToken).ConfigureAwait(false);
        cache.Observe(tenantId, tenant);
        return tenant;
    }

    public async Task<IReadOnlyList<TokenMatch>> FindTokenIdsAsync(string tenantId, IReadOnlyList<FingerprintKey> keys, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keys);
        if (cache.For(tenantId) is not { } entries)
        {
            return await inner.FindTokenIdsAsync(tenantId, keys, now, cancellationToken).ConfigureAwait(false);
        }

        var at = UnixMicroseconds.Truncate(now);
        var found = new List<TokenMatch>(keys.Count);
        List<FingerprintKey>? missing = null;
        foreach (var key in keys)
        {
            if (key.Fingerprint is not null && TokenCache.TryGetMatch(entries, key, at, out var match))
            {
                found.Add(match);
            }
            else
            {
                (missing ??= new List<FingerprintKey>(keys.Count - found.Count)).Add(key);
            }
        }

        if (missing is not null && found.Count > 0)
        {
            missing = WithoutFirstSpellings(missing, found);
        }

        cache.Record(isMatch: true, found.Count, missing?.Count ?? 0);
        if (missing is not null)
        {
            foreach (var match in await inner.FindTokenIdsAsync(tenantId, missing, now, cancellationToken).ConfigureAwait(false))
            {
                cache.AddMatch(entries, match);
                found.Add(match);
            }
        }

        return found.Count < 2 ? found : VaultOrder.DistinctMatches(found);
    }

    /// <summary>The missing pairs less those that are the first spelling of a match found (see
    /// <see cref="IVaultStore.FindTokenIdsAsync"/>: a value's first spelling is read from its value row, so Tokenize asks
    /// for it with every repeat and never uses what comes back for it), or null when none is left.</summary>
    private static List<FingerprintKey>? WithoutFirstSpellings(List<FingerprintKey> missing, List<TokenMatch> found)
    {
        var firstSpellings = new HashSet<FingerprintKey>(found.Count, FingerprintKeyComparer.Instance);
        foreach (var match in found)
        {
            if (match.SpellingFingerprint is { } spelling)
            {
                firstSpellings.Add(new FingerprintKey(match.EntityType, spelling));
            }
        }

        missing.RemoveAll(firstSpellings.Contains);
        return missing.Count == 0 ? null : missing;
    }

    public async Task<IReadOnlyList<TokenRecord>> InsertOrGetAsync(string tenantId, IReadOnlyList<NewToken> tokens, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        var entries = cache.For(tenantId);
        var rows = await inner.InsertOrGetAsync(tenantId, tokens, now, cancellationToken).ConfigureAwait(false);
        if (entries is not null)
        {
            foreach (var row in rows)
            {
                cache.AddMatch(entries, new TokenMatch(row.EntityType, row.Fingerprint, row.TokenId, row.SpellingFingerprint, row.SurrogateAttempt, row.ExpiresAt));
            }
        }

        return rows;
    }

    public async Task<IReadOnlyList<TokenRecord>> GetTokensAsync(string tenantId, IReadOnlyList<string> tokenIds, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tokenIds);
        if (cache.For(tenantId) is not { } entries)
        {
            return await inner.GetTokensAsync(tenantId, tokenIds, now, cancellationToken).ConfigureAwait(false);
        }

        var at = UnixMicroseconds.Truncate(now);
        var found = new List<TokenRecord>(tokenIds.Count);
        List<string>? missing = null;
        foreach (var tokenId in tokenIds)
        {
            if (tokenId is not null && TokenCache.TryGetRecord(entries, tokenId, at, out var record))
            {
                found.Add(record);
            }
            else
            {
                (missing ??= new List<string>(tokenIds.Count - found.Count)).Add(tokenId!);
            }
        }

        cache.Record(isMatch: false, found.Count, missing?.Count ?? 0);
        if (missing is not null)
        {
            foreach (var record in await inner.GetTokensAsync(tenantId, missing, now, cancellationToken).ConfigureAwait(false))
            {
                cache.AddRecord(entries, record);
                found.Add(record);
            }
        }

        return VaultOrder.ByTokenId(tokenIds, found);
    }

    public async Task<IReadOnlyList<int?>> ClaimSurrogatesAsync(string tenantId, IReadOnlyList<SurrogateClaim> claims, CancellationToken cancellationToken = default)
    {
        var entries = cache.For(tenantId);
        var held = await inner.ClaimSurrogatesAsync(tenantId, claims, cancellationToken).ConfigureAwait(false);
        if (entries is not null)
        {
            for (var i = 0; i < held.Count; i++)
            {
                if (held[i] is { } attempt)
                {
                    cache.SurrogateClaimed(entries, claims[i].TokenId, attempt);
                }
            }
        }

        return held;
    }

    public Task SetTenantStateAsync(string tenantId, TenantState state, CancellationToken cancellationToken = default) =>
        DroppingAsync(tenantId, () => inner.SetTenantStateAsync(tenantId, state, cancellationToken));

    public Task DestroyTenantDataAsync(string tenantId, CancellationToken cancellationToken = default) =>
        DroppingAsync(tenantId, () => inner.DestroyTenantDataAsync(tenantId, cancellationToken));

    public Task<int> EraseSubjectAsync(string tenantId, ReadOnlyMemory<byte> subjectRef, CancellationToken cancellationToken = default) =>
        DroppingAsync(tenantId, () => inner.EraseSubjectAsync(tenantId, subjectRef, cancellationToken));

    public Task<int> ReplaceCiphertextsAsync(string tenantId, IReadOnlyList<CiphertextUpdate> updates, CancellationToken cancellationToken = default) =>
        DroppingAsync(tenantId, () => inner.ReplaceCiphertextsAsync(tenantId, updates, cancellationToken));

    public Task ListenForTenantChangesAsync(Action<string?> onChanged, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(onChanged);
        return inner.ListenForTenantChangesAsync(tenantId =>
        {
            cache.Drop(tenantId);
            onChanged(tenantId);
        }, cancellationToken);
    }

    public Task<IReadOnlyList<int>> MigrateAsync(CancellationToken cancellationToken = default) => inner.MigrateAsync(cancellationToken);

    public Task<IReadOnlyList<TenantRecord>> ListTenantsAsync(CancellationToken cancellationToken = default) => inner.ListTenantsAsync(cancellationToken);

    public Task<bool> CreateTenantAsync(TenantRecord tenant, IReadOnlyList<DataKeyRecord> keys, CancellationToken cancellationToken = default) =>
        inner.CreateTenantAsync(tenant, keys, cancellationToken);

    public Task<IReadOnlyList<DataKeyRecord>> GetDataKeysAsync(string tenantId, CancellationToken cancellationToken = default) =>
        inner.GetDataKeysAsync(tenantId, cancellationToken);

    public Task AddDataKeyAsync(DataKeyRecord key, CancellationToken cancellationToken = default) => inner.AddDataKeyAsync(key, cancellationToken);

    public Task<bool> RewrapDataKeysAsync(string tenantId, int expectedKekVersion, int newKekVersion, IReadOnlyList<DataKeyRecord> rewrapped, CancellationToken cancellationToken = default) =>
        inner.RewrapDataKeysAsync(tenantId, expectedKekVersion, newKekVersion, rewrapped, cancellationToken);

    public Task<IReadOnlyList<TokenRecord>> FindByFingerprintsAsync(string tenantId, IReadOnlyList<FingerprintKey> keys, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        inner.FindByFingerprintsAsync(tenantId, keys, now, cancellationToken);

    public Task<IReadOnlyList<TokenRecord?>> FindBySurrogatesAsync(string tenantId, IReadOnlyList<byte[]> surrogateFingerprints, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        inner.FindBySurrogatesAsync(tenantId, surrogateFingerprints, now, cancellationToken);

    public Task<IReadOnlyDictionary<string, int>> PurgeExpiredAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken = default) =>
        inner.PurgeExpiredAsync(now, limit, cancellationToken);

    public Task<IReadOnlyList<TokenRecord>> ReadOlderThanDekAsync(string tenantId, int dekVersion, string? afterTokenId, int limit, CancellationToken cancellationToken = default) =>
        inner.ReadOlderThanDekAsync(tenantId, dekVersion, afterTokenId, limit, cancellationToken);

    public Task<TokenCounts> CountTokensAsync(string tenantId, int dekVersion, CancellationToken cancellationToken = default) =>
        inner.CountTokensAsync(tenantId, dekVersion, cancellationToken);

    public Task<bool> AddApprovalAsync(ApprovalRecord approval, CancellationToken cancellationToken = default) => inner.AddApprovalAsync(approval, cancellationToken);

    public Task<IReadOnlyList<ApprovalRecord>> GetApprovalsAsync(string tenantId, string action, CancellationToken cancellationToken = default) =>
        inner.GetApprovalsAsync(tenantId, action, cancellationToken);

    public Task<IReadOnlyList<AuditRecord>> AppendAuditAsync(IReadOnlyList<AuditEntry> entries, CancellationToken cancellationToken = default) =>
        inner.AppendAuditAsync(entries, cancellationToken);

    public Task<AuditCheckpoint> GetAuditHeadAsync(string tenantId, CancellationToken cancellationToken = default) =>
        inner.GetAuditHeadAsync(tenantId, cancellationToken);

    public Task<bool> AddAuditCheckpointAsync(SignedAuditCheckpoint checkpoint, CancellationToken cancellationToken = default) =>
        inner.AddAuditCheckpointAsync(checkpoint, cancellationToken);

    public Task<IReadOnlyList<SignedAuditCheckpoint>> GetAuditCheckpointsAsync(string tenantId, CancellationToken cancellationToken = default) =>
        inner.GetAuditCheckpointsAsync(tenantId, cancellationToken);

    public IAsyncEnumerable<AuditRecord> ReadAuditAsync(string tenantId, long fromSeq = 1, CancellationToken cancellationToken = default) =>
        inner.ReadAuditAsync(tenantId, fromSeq, cancellationToken);

    public Task<IReadOnlyList<string>> ListAuditTenantsAsync(CancellationToken cancellationToken = default) => inner.ListAuditTenantsAsync(cancellationToken);

    public ValueTask DisposeAsync() => inner.DisposeAsync();

    /// <summary>Runs a change that can make cached rows of the tenant wrong, then drops them, whether it succeeded or not
    /// (a failure may still have committed).</summary>
    private async Task DroppingAsync(string tenantId, Func<Task> change)
    {
        try
        {
            await change().ConfigureAwait(false);
        }
        finally
        {
            cache.Drop(tenantId);
        }
    }

    private async Task<T> DroppingAsync<T>(string tenantId, Func<Task<T>> change)
    {
        try
        {
            return await change().ConfigureAwait(false);
        }
        finally
        {
            cache.Drop(tenantId);
        }
    }
}

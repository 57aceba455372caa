using PrivateInference.TokenVault.Audit;

namespace PrivateInference.TokenVault.Storage;

/// <summary>
/// A store with this replica's <see cref="TokenCache"/> in front of the reads Tokenize and Detokenize make on every
/// call: <see cref="FindTokenIdsAsync"/>, <see cref="GetTokensAsync"/> and <see cref="GetTokensAndSurrogatesAsync"/>.
/// Everything else passes through; the changes that can make a cached row wrong drop the tenant's entries here, and the
/// tenant reads and change notifications feed the cache's invalidation (see <see cref="TokenCache"/>).
/// </summary>
/// <remarks>
/// Filled from committed reads and from <see cref="InsertOrGetAsync"/>'s rows (the Tokenize map only: a Detokenize's
/// first read of a row always goes to the database). A claim updates the cached match so a later Tokenize does not claim
/// again, and removes the claimed fingerprints' surrogate entries. Disposing disposes the inner store.
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

        cache.Record(TokenCache.Map.Matches, found.Count, missing?.Count ?? 0);
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

        var found = new List<TokenRecord>(tokenIds.Count);
        var missing = CachedRecords(entries, tokenIds, UnixMicroseconds.Truncate(now), found);
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

    /// <summary>Rows by token ID and holders of surrogate fingerprints, from memory where the cache has them; the rest in one
    /// database read. A cached holder's row comes from the record map like any token ID.</summary>
    public async Task<TokensAndSurrogates> GetTokensAndSurrogatesAsync(string tenantId, IReadOnlyList<string> tokenIds, IReadOnlyList<byte[]> surrogateFingerprints, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tokenIds);
        ArgumentNullException.ThrowIfNull(surrogateFingerprints);
        if (cache.For(tenantId) is not { } entries)
        {
            return await inner.GetTokensAndSurrogatesAsync(tenantId, tokenIds, surrogateFingerprints, now, cancellationToken).ConfigureAwait(false);
        }

        // Before the database read: a claim on this replica completed after it makes the read's "none" answers stale.
        var read = cache.BeforeSurrogateRead(entries);
        var at = UnixMicroseconds.Truncate(now);
        var holders = new string?[surrogateFingerprints.Count];
        var fromDatabase = new int[surrogateFingerprints.Count];
        List<byte[]>? missingFingerprints = null;
        for (var i = 0; i < surrogateFingerprints.Count; i++)
        {
            if (surrogateFingerprints[i] is { } fingerprint && cache.TryGetSurrogate(entries, fingerprint, at, out holders[i]))
            {
                fromDatabase[i] = -1;
            }
            else
            {
                missingFingerprints ??= new List<byte[]>(surrogateFingerprints.Count - i);
                fromDatabase[i] = missingFingerprints.Count;
                missingFingerprints.Add(surrogateFingerprints[i]);
            }
        }

        cache.Record(TokenCache.Map.Surrogates, surrogateFingerprints.Count - (missingFingerprints?.Count ?? 0), missingFingerprints?.Count ?? 0);
        var found = new List<TokenRecord>(tokenIds.Count + surrogateFingerprints.Count);
        var missingIds = CachedRecords(entries, tokenIds.Concat(holders.OfType<string>()).Distinct(StringComparer.Ordinal), at, found);
        IReadOnlyList<TokenRecord?> holdersRead = [];
        if (missingIds is not null || missingFingerprints is not null)
        {
            var answer = await inner.GetTokensAndSurrogatesAsync(tenantId, missingIds ?? [], missingFingerprints ?? [], now, cancellationToken).ConfigureAwait(false);
            foreach (var record in answer.Tokens)
            {
                cache.AddRecord(entries, record);
                found.Add(record);
            }

            holdersRead = answer.Surrogates;
            for (var j = 0; j < holdersRead.Count; j++)
            {
                if (holdersRead[j] is { } holder)
                {
                    cache.AddSurrogate(entries, missingFingerprints![j], holder);
                    cache.AddRecord(entries, holder);
                }
                else
                {
                    cache.AddNoSurrogate(entries, missingFingerprints![j], read);
                }
            }
        }

        var byId = new Dictionary<string, TokenRecord>(found.Count, StringComparer.Ordinal);
        foreach (var record in found)
        {
            byId.TryAdd(record.TokenId, record);
        }

        var surrogates = new TokenRecord?[surrogateFingerprints.Count];
        for (var i = 0; i < surrogates.Length; i++)
        {
            surrogates[i] = fromDatabase[i] >= 0 ? holdersRead[fromDatabase[i]] : holders[i] is { } tokenId ? byId.GetValueOrDefault(tokenId) : null;
        }

        return new TokensAndSurrogates(VaultOrder.ByTokenId(tokenIds, found), surrogates);
    }

    /// <summary>Adds the cached, unexpired rows of these IDs to <paramref name="found"/>; returns the IDs left for the
    /// database, or null when none is.</summary>
    private List<string>? CachedRecords(TokenCache.TenantEntries entries, IEnumerable<string> tokenIds, DateTimeOffset at, List<TokenRecord> found)
    {
        List<string>? missing = null;
        var hits = 0;
        foreach (var tokenId in tokenIds)
        {
            if (tokenId is not null && TokenCache.TryGetRecord(entries, tokenId, at, out var record))
            {
                found.Add(record);
                hits++;
            }
            else
            {
                (missing ??= []).Add(tokenId!);
            }
        }

        cache.Record(TokenCache.Map.Records, hits, missing?.Count ?? 0);
        return missing;
    }

    public async Task<IReadOnlyList<int?>> ClaimSurrogatesAsync(string tenantId, IReadOnlyList<SurrogateClaim> claims, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(claims);
        var entries = cache.For(tenantId);
        IReadOnlyList<int?> held;
        try
        {
            held = await inner.ClaimSurrogatesAsync(tenantId, claims, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            // The set current now, whatever the outcome (a failure may still have committed): a lookup that read "none"
            // before the claim committed wrote, or will write, into it.
            if (cache.For(tenantId) is { } current)
            {
                TokenCache.SurrogateFingerprintsClaimed(current, claims.Select(c => c?.SurrogateFingerprint).OfType<byte[]>());
            }
        }

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

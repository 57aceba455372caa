using System.Diagnostics;
using PrivateInference.TokenVault.Audit;
using PrivateInference.TokenVault.Storage;

namespace PrivateInference.Bench.Vault;

/// <summary>
/// The vault's store with a stopwatch on the calls a Tokenize or Detokenize makes: how many, how long, and for the
/// audit trail's group commit how many entries each append carried. Everything else passes straight through.
/// </summary>
/// <remarks>
/// A call's own store time is also added to the <see cref="CallTrace"/> in <see cref="Current"/>, which the
/// harness sets before each vault call: the data calls run in the caller's async flow. The audit append runs on
/// the trail's writer task, so it is counted only here, per group.
/// </remarks>
internal sealed class TimedVaultStore(IVaultStore inner) : IVaultStore
{
    public static readonly AsyncLocal<CallTrace?> Current = new();

    public OperationStats Find { get; } = new("FindByFingerprints");

    public OperationStats FindIds { get; } = new("FindTokenIds");

    public OperationStats Insert { get; } = new("InsertOrGet");

    public OperationStats GetTokens { get; } = new("GetTokens");

    public OperationStats GetTenant { get; } = new("GetTenant");

    /// <summary>A Detokenize with surrogate candidates: its rows by ID and the candidates' holders in one call. Items: the
    /// candidates (the tokens are counted under neither).</summary>
    public OperationStats GetTokensAndSurrogates { get; } = new("GetTokensAndSurrogates");

    public OperationStats Audit { get; } = new("AppendAudit");

    public string Backend => inner.Backend;

    public IReadOnlyList<OperationStats> All => [Find, FindIds, Insert, GetTokens, GetTenant, GetTokensAndSurrogates, Audit];

    public Task<IReadOnlyList<TokenRecord>> FindByFingerprintsAsync(string tenantId, IReadOnlyList<FingerprintKey> keys, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        TimeAsync(Find, keys.Count, () => inner.FindByFingerprintsAsync(tenantId, keys, now, cancellationToken));

    public Task<IReadOnlyList<TokenMatch>> FindTokenIdsAsync(string tenantId, IReadOnlyList<FingerprintKey> keys, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        TimeAsync(FindIds, keys.Count, () => inner.FindTokenIdsAsync(tenantId, keys, now, cancellationToken));

    public Task<IReadOnlyList<TokenRecord>> InsertOrGetAsync(string tenantId, IReadOnlyList<NewToken> tokens, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        TimeAsync(Insert, tokens.Count, () => inner.InsertOrGetAsync(tenantId, tokens, now, cancellationToken));

    public Task<IReadOnlyList<TokenRecord>> GetTokensAsync(string tenantId, IReadOnlyList<string> tokenIds, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        TimeAsync(GetTokens, tokenIds.Count, () => inner.GetTokensAsync(tenantId, tokenIds, now, cancellationToken));

    public Task<TenantRecord?> GetTenantAsync(string tenantId, CancellationToken cancellationToken = default) =>
        TimeAsync(GetTenant, 1, () => inner.GetTenantAsync(tenantId, cancellationToken));

    public Task<IReadOnlyList<AuditRecord>> AppendAuditAsync(IReadOnlyList<AuditEntry> entries, CancellationToken cancellationToken = default) =>
        TimeAsync(Audit, entries.Count, () => inner.AppendAuditAsync(entries, cancellationToken));

    public Task<IReadOnlyList<int>> MigrateAsync(CancellationToken cancellationToken = default) => inner.MigrateAsync(cancellationToken);

    public Task<IReadOnlyList<TenantRecord>> ListTenantsAsync(CancellationToken cancellationToken = default) => inner.ListTenantsAsync(cancellationToken);

    public Task<bool> CreateTenantAsync(TenantRecord tenant, IReadOnlyList<DataKeyRecord> keys, CancellationToken cancellationToken = default) =>
        inner.CreateTenantAsync(tenant, keys, cancellationToken);

    public Task SetTenantStateAsync(string tenantId, TenantState state, CancellationToken cancellationToken = default) =>
        inner.SetTenantStateAsync(tenantId, state, cancellationToken);

    public Task<IReadOnlyList<DataKeyRecord>> GetDataKeysAsync(string tenantId, CancellationToken cancellationToken = default) =>
        inner.GetDataKeysAsync(tenantId, cancellationToken);

    public Task AddDataKeyAsync(DataKeyRecord key, CancellationToken cancellationToken = default) => inner.AddDataKeyAsync(key, cancellationToken);

    public Task<bool> RewrapDataKeysAsync(string tenantId, int expectedKekVersion, int newKekVersion, IReadOnlyList<DataKeyRecord> rewrapped, CancellationToken cancellationToken = default) =>
        inner.RewrapDataKeysAsync(tenantId, expectedKekVersion, newKekVersion, rewrapped, cancellationToken);

    public Task DestroyTenantDataAsync(string tenantId, CancellationToken cancellationToken = default) => inner.DestroyTenantDataAsync(tenantId, cancellationToken);

    public Task<IReadOnlyList<int?>> ClaimSurrogatesAsync(string tenantId, IReadOnlyList<SurrogateClaim> claims, CancellationToken cancellationToken = default) =>
        inner.ClaimSurrogatesAsync(tenantId, claims, cancellationToken);

    public Task<TokensAndSurrogates> GetTokensAndSurrogatesAsync(string tenantId, IReadOnlyList<string> tokenIds, IReadOnlyList<byte[]> surrogateFingerprints, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        TimeAsync(GetTokensAndSurrogates, surrogateFingerprints.Count, () => inner.GetTokensAndSurrogatesAsync(tenantId, tokenIds, surrogateFingerprints, now, cancellationToken));

    public Task<int> EraseSubjectAsync(string tenantId, ReadOnlyMemory<byte> subjectRef, CancellationToken cancellationToken = default) =>
        inner.EraseSubjectAsync(tenantId, subjectRef, cancellationToken);

    public Task<IReadOnlyDictionary<string, int>> PurgeExpiredAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken = default) =>
        inner.PurgeExpiredAsync(now, limit, cancellationToken);

    public Task<IReadOnlyList<TokenRecord>> ReadOlderThanDekAsync(string tenantId, int dekVersion, string? afterTokenId, int limit, CancellationToken cancellationToken = default) =>
        inner.ReadOlderThanDekAsync(tenantId, dekVersion, afterTokenId, limit, cancellationToken);

    public Task<int> ReplaceCiphertextsAsync(string tenantId, IReadOnlyList<CiphertextUpdate> updates, CancellationToken cancellationToken = default) =>
        inner.ReplaceCiphertextsAsync(tenantId, updates, cancellationToken);

    public Task<TokenCounts> CountTokensAsync(string tenantId, int dekVersion, CancellationToken cancellationToken = default) =>
        inner.CountTokensAsync(tenantId, dekVersion, cancellationToken);

    public Task<bool> AddApprovalAsync(ApprovalRecord approval, CancellationToken cancellationToken = default) => inner.AddApprovalAsync(approval, cancellationToken);

    public Task<IReadOnlyList<ApprovalRecord>> GetApprovalsAsync(string tenantId, string action, CancellationToken cancellationToken = default) =>
        inner.GetApprovalsAsync(tenantId, action, cancellationToken);

    public IAsyncEnumerable<AuditRecord> ReadAuditAsync(string tenantId, long fromSeq = 1, CancellationToken cancellationToken = default) =>
        inner.ReadAuditAsync(tenantId, fromSeq, cancellationToken);

    public Task<AuditCheckpoint> GetAuditHeadAsync(string tenantId, CancellationToken cancellationToken = default) =>
        inner.GetAuditHeadAsync(tenantId, cancellationToken);

    public Task<IReadOnlyList<string>> ListAuditTenantsAsync(CancellationToken cancellationToken = default) => inner.ListAuditTenantsAsync(cancellationToken);

    public Task<bool> AddAuditCheckpointAsync(SignedAuditCheckpoint checkpoint, CancellationToken cancellationToken = default) =>
        inner.AddAuditCheckpointAsync(checkpoint, cancellationToken);

    public Task<IReadOnlyList<SignedAuditCheckpoint>> GetAuditCheckpointsAsync(string tenantId, CancellationToken cancellationToken = default) =>
        inner.GetAuditCheckpointsAsync(tenantId, cancellationToken);

    public Task ListenForTenantChangesAsync(Action<string?> onChanged, CancellationToken cancellationToken) =>
        inner.ListenForTenantChangesAsync(onChanged, cancellationToken);

    public ValueTask DisposeAsync() => inner.DisposeAsync();

    /// <summary>Zeroes every counter (between phases).</summary>
    public void Reset()
    {
        foreach (var stats in All)
        {
            stats.Reset();
        }
    }

    private static async Task<T> TimeAsync<T>(OperationStats stats, int items, Func<Task<T>> call)
    {
        var start = Stopwatch.GetTimestamp();
        try
        {
            return await call().ConfigureAwait(false);
        }
        finally
        {
            var end = Stopwatch.GetTimestamp();
            stats.Add(end - start, items);
            Current.Value?.AddStoreCall(start, end);
        }
    }
}

/// <summary>Count, items and total time of one store operation; thread-safe.</summary>
internal sealed class OperationStats(string name)
{
    private long _calls;
    private long _items;
    private long _ticks;

    public string Name => name;

    public long Calls => Volatile.Read(ref _calls);

    public long Items => Volatile.Read(ref _items);

    public double TotalMilliseconds => Stopwatch.GetElapsedTime(0, Volatile.Read(ref _ticks)).TotalMilliseconds;

    public double MeanMilliseconds => Calls == 0 ? 0 : TotalMilliseconds / Calls;

    public double ItemsPerCall => Calls == 0 ? 0 : (double)Items / Calls;

    public void Add(long ticks, int items)
    {
        Interlocked.Increment(ref _calls);
        Interlocked.Add(ref _items, items);
        Interlocked.Add(ref _ticks, ticks);
    }

    public void Reset()
    {
        Interlocked.Exchange(ref _calls, 0);
        Interlocked.Exchange(ref _items, 0);
        Interlocked.Exchange(ref _ticks, 0);
    }
}

/// <summary>Where one vault call spent its time, from the store calls it made (Stopwatch timestamps).</summary>
internal sealed class CallTrace
{
    public long FirstStoreStart { get; private set; }

    public long LastStoreEnd { get; private set; }

    public long StoreTicks { get; private set; }

    /// <summary>When the call's audit record span started (a Tokenize has one; see <see cref="AuditRecordTimer"/>).</summary>
    public long AuditRecordStart { get; private set; }

    public long AuditRecordEnd { get; private set; }

    public long AuditRecordTicks { get; private set; }

    public void AddAuditRecord(long start, long end)
    {
        if (AuditRecordTicks == 0)
        {
            AuditRecordStart = start;
        }

        AuditRecordEnd = end;
        AuditRecordTicks += end - start;
    }

    public void AddStoreCall(long start, long end)
    {
        if (StoreTicks == 0 && FirstStoreStart == 0)
        {
            FirstStoreStart = start;
        }

        LastStoreEnd = end;
        StoreTicks += end - start;
    }
}

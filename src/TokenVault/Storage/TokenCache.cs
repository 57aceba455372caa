using System.Collections.Concurrent;

namespace PrivateInference.TokenVault.Storage;

/// <summary>How a replica's token cache has done since it started: hits and misses of each map and the entries each
/// holds now. Counts only; never a key or a value.</summary>
/// <param name="MatchHits">Tokenize lookups ((entity type, fingerprint) → token) answered from memory.</param>
/// <param name="MatchMisses">Tokenize lookups that went to the database.</param>
/// <param name="RecordHits">Detokenize lookups (token ID → row) answered from memory.</param>
/// <param name="RecordMisses">Detokenize lookups that went to the database.</param>
/// <param name="SurrogateHits">Surrogate candidates (surrogate fingerprint → token, or none) answered from memory.</param>
/// <param name="SurrogateMisses">Surrogate candidates that went to the database.</param>
/// <param name="Matches">Entries of the Tokenize map now (an upper bound).</param>
/// <param name="Records">Entries of the Detokenize map now (an upper bound).</param>
/// <param name="Surrogates">Entries of the surrogate map now (an upper bound).</param>
public readonly record struct TokenCacheStatistics(long MatchHits, long MatchMisses, long RecordHits, long RecordMisses, long SurrogateHits, long SurrogateMisses, int Matches, int Records, int Surrogates);

/// <summary>
/// One replica's bounded cache of token rows, per tenant, in front of the database: (entity type, fingerprint) → the
/// token that holds it (what Tokenize of a repeat value needs), token ID → the row as stored (what Detokenize needs) and
/// surrogate fingerprint → the token that holds it, or none (what Detokenize of a surrogate candidate needs).
/// Used by <see cref="CachingVaultStore"/>.
/// </summary>
/// <remarks>
/// <para>Nothing here is plaintext: rows hold the AES-GCM envelope, keyed fingerprints and token IDs; every Detokenize
/// still opens the envelope with the tenant's leased key. Expiry is checked on every hit against the caller's time,
/// as the SQL checks it.</para>
/// <para>A tenant's entries live in one <see cref="TenantEntries"/>, made only when the replica reads the tenant row
/// and finds it active (<see cref="Observe"/>), and tagged with the row's data generation. Every change that can make
/// an entry wrong drops the whole set: on this replica at once (<see cref="Drop"/>), on the others through the change
/// notification and, when that is lost, at their next re-read of the tenant row, which finds a new generation. A fill
/// writes into the set it took <em>before</em> its database read, so a read that raced a change can only land in a
/// set that change drops.</para>
/// <para>Bounded: each map holds at most <see cref="Capacity"/> entries over all tenants; the one that would pass it
/// clears that map for every tenant (clear on overflow: no per-hit bookkeeping, and a working set beyond the bound
/// still hits between clears). Counts may overstate after a race with a drop, never understate by more than the
/// writers in flight; an overstatement only clears earlier.</para>
/// <para>Surrogates: a row never changes its surrogate while it lives, so "this fingerprint → that token" holds until the
/// row expires (checked on every hit, as for matches) or a change drops the set. "None" does not hold: another replica
/// can claim the surrogate at any time and no notification covers claims, so a none is served for at most
/// <see cref="NotFoundLifetime"/>; the claims made on this replica remove it at once (<see cref="SurrogateFingerprintsClaimed"/>),
/// and a none read before such a claim completed is never written (<see cref="AddNoSurrogate"/>).</para>
/// </remarks>
internal sealed class TokenCache
{
    /// <summary>The longest a surrogate fingerprint found on no row is answered "none" from memory: the window in which a
    /// claim made on another replica meanwhile is not seen here (a candidate then stays unresolved, failing closed). Half
    /// the kill switch's 2 s bound.</summary>
    public static readonly TimeSpan NotFoundLifetime = TimeSpan.FromSeconds(1);

    private readonly ConcurrentDictionary<string, TenantEntries> _tenants = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private readonly TimeProvider _time;
    private int _matches;
    private int _records;
    private int _surrogates;
    private long _matchHits;
    private long _matchMisses;
    private long _recordHits;
    private long _recordMisses;
    private long _surrogateHits;
    private long _surrogateMisses;

    /// <param name="capacity">The most entries of each map (at least 1; a disabled cache is no cache).</param>
    /// <param name="timeProvider">Its monotonic timestamps age the "none" surrogate entries (<see cref="NotFoundLifetime"/>).</param>
    public TokenCache(int capacity, TimeProvider? timeProvider = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        Capacity = capacity;
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>The cache's three maps, for the statistics and the bound.</summary>
    public enum Map
    {
        /// <summary>(entity type, fingerprint) → token: Tokenize.</summary>
        Matches,

        /// <summary>Token ID → row: Detokenize.</summary>
        Records,

        /// <summary>Surrogate fingerprint → token or none: Detokenize of surrogate candidates.</summary>
        Surrogates,
    }

    /// <summary>The most entries of each map, over all tenants.</summary>
    public int Capacity { get; }

    public TokenCacheStatistics Statistics => new(
        Interlocked.Read(ref _matchHits),
        Interlocked.Read(ref _matchMisses),
        Interlocked.Read(ref _recordHits),
        Interlocked.Read(ref _recordMisses),
        Interlocked.Read(ref _surrogateHits),
        Interlocked.Read(ref _surrogateMisses),
        Math.Max(0, Volatile.Read(ref _matches)),
        Math.Max(0, Volatile.Read(ref _records)),
        Math.Max(0, Volatile.Read(ref _surrogates)));

    /// <summary>The tenant's entries, or null when it has none (not seen active yet, or dropped since): the caller then
    /// neither reads nor fills. Take it before the database read whose result is to be filled in.</summary>
    public TenantEntries? For(string tenantId) => _tenants.TryGetValue(tenantId, out var entries) ? entries : null;

    /// <summary>A committed read of the tenant row (null: no such tenant). An active tenant at a generation other than its
    /// entries' gets a new, empty set; any other state drops the set.</summary>
    public void Observe(string tenantId, TenantRecord? tenant)
    {
        if (tenant is not { State: TenantState.Active })
        {
            Drop(tenantId);
            return;
        }

        if (_tenants.TryGetValue(tenantId, out var current) && current.Generation == tenant.DataGeneration)
        {
            return;
        }

        lock (_gate)
        {
            if (_tenants.TryGetValue(tenantId, out current))
            {
                if (current.Generation == tenant.DataGeneration)
                {
                    return;
                }

                Forget(current);
            }

            _tenants[tenantId] = new TenantEntries(tenant.DataGeneration);
        }
    }

    /// <summary>Drops the tenant's entries (null: every tenant's) at once.</summary>
    public void Drop(string? tenantId)
    {
        lock (_gate)
        {
            if (tenantId is null)
            {
                _tenants.Clear();
                Volatile.Write(ref _matches, 0);
                Volatile.Write(ref _records, 0);
                Volatile.Write(ref _surrogates, 0);
            }
            else if (_tenants.TryRemove(tenantId, out var entries))
            {
                Forget(entries);
            }
        }
    }

    /// <summary>The token holding this pair, unless absent or expired at <paramref name="now"/> (whole microseconds).</summary>
    public static bool TryGetMatch(TenantEntries entries, FingerprintKey key, DateTimeOffset now, out TokenMatch match)
    {
        if (!entries.Matches.TryGetValue(key, out match!) || !Live(match.ExpiresAt, now))
        {
            return false;
        }

        // A surrogate this replica saw claimed after the match was cached: the caller would otherwise claim it again.
        if (match.SurrogateAttempt is null && entries.HasAttempts && entries.Attempts.TryGetValue(match.TokenId, out var attempt))
        {
            var updated = match with { SurrogateAttempt = attempt };
            entries.Matches.TryUpdate(key, updated, match);
            match = updated;
        }

        return true;
    }

    /// <summary>The row with this token ID, unless absent or expired at <paramref name="now"/> (whole microseconds).</summary>
    public static bool TryGetRecord(TenantEntries entries, string tokenId, DateTimeOffset now, out TokenRecord record) =>
        entries.Records.TryGetValue(tokenId, out record!) && Live(record.ExpiresAt, now);

    /// <summary>Caches the token holding a pair, as a committed read or write returned it.</summary>
    public void AddMatch(TenantEntries entries, TokenMatch match)
    {
        var key = new FingerprintKey(match.EntityType, match.Fingerprint);
        if (entries.Matches.TryAdd(key, match))
        {
            Count(Map.Matches);
        }
        else
        {
            entries.Matches[key] = match;
        }
    }

    /// <summary>Caches a row as a committed read returned it.</summary>
    public void AddRecord(TenantEntries entries, TokenRecord record)
    {
        if (entries.Records.TryAdd(record.TokenId, record))
        {
            Count(Map.Records);
        }
        else
        {
            entries.Records[record.TokenId] = record;
        }
    }

    /// <summary>A surrogate claim left the row with this attempt: later hits on its match carry it, and its cached row
    /// (whose surrogate columns changed) goes.</summary>
    public void SurrogateClaimed(TenantEntries entries, string tokenId, int attempt)
    {
        entries.Records.TryRemove(tokenId, out _);
        if (entries.Attempts.TryAdd(tokenId, attempt))
        {
            entries.HasAttempts = true;
            Count(Map.Matches);
        }
    }

    /// <summary>Answers a surrogate candidate from memory: true with the token ID of the row holding the fingerprint
    /// (unless that row has expired at <paramref name="now"/>), or true with null when the fingerprint was found on no
    /// row less than <see cref="NotFoundLifetime"/> ago; false when the database must be asked.</summary>
    public bool TryGetSurrogate(TenantEntries entries, byte[] surrogateFingerprint, DateTimeOffset now, out string? tokenId)
    {
        tokenId = null;
        if (!entries.Surrogates.TryGetValue(SurrogateKey(surrogateFingerprint), out var entry))
        {
            return false;
        }

        if (entry.TokenId is null)
        {
            return _time.GetElapsedTime(entry.NotFoundAt) < NotFoundLifetime;
        }

        if (!Live(entry.ExpiresAt, now))
        {
            return false;
        }

        tokenId = entry.TokenId;
        return true;
    }

    /// <summary>Caches the row holding a surrogate fingerprint, as a committed read returned it.</summary>
    public void AddSurrogate(TenantEntries entries, byte[] surrogateFingerprint, TokenRecord holder)
    {
        var key = SurrogateKey(surrogateFingerprint);
        var entry = new SurrogateEntry(holder.TokenId, holder.ExpiresAt, 0);
        if (entries.Surrogates.TryAdd(key, entry))
        {
            Count(Map.Surrogates);
        }
        else
        {
            entries.Surrogates[key] = entry;
        }
    }

    /// <summary>Take before a database read whose "none" answers are to be cached (<see cref="AddNoSurrogate"/>): the
    /// tenant's claim count and the time the read began.</summary>
    public SurrogateRead BeforeSurrogateRead(TenantEntries entries) => new(entries.SurrogateClaims, _time.GetTimestamp());

    /// <summary>Caches "no row holds this surrogate fingerprint", as a committed read begun at <paramref name="read"/>
    /// returned it, until <see cref="NotFoundLifetime"/> after that read began — unless a claim completed on this replica
    /// since: the read may predate the claim.</summary>
    /// <remarks>Under the tenant's claim lock, which <see cref="SurrogateFingerprintsClaimed"/> holds while it counts and
    /// removes, so a claim either is seen here or removes the entry after it was written.</remarks>
    public void AddNoSurrogate(TenantEntries entries, byte[] surrogateFingerprint, SurrogateRead read)
    {
        var key = SurrogateKey(surrogateFingerprint);
        var entry = new SurrogateEntry(null, null, read.StartedAt);
        bool added;
        lock (entries.ClaimGate)
        {
            if (entries.SurrogateClaims != read.Claims)
            {
                return;
            }

            added = entries.Surrogates.TryAdd(key, entry);
            if (!added)
            {
                entries.Surrogates[key] = entry;
            }
        }

        if (added)
        {
            Count(Map.Surrogates);
        }
    }

    /// <summary>A surrogate claim on this replica completed (whatever its outcome): the fingerprints' cached entries go,
    /// and a "none" read before the claim completed is not written afterwards.</summary>
    public static void SurrogateFingerprintsClaimed(TenantEntries entries, IEnumerable<byte[]> surrogateFingerprints)
    {
        ArgumentNullException.ThrowIfNull(surrogateFingerprints);
        lock (entries.ClaimGate)
        {
            entries.SurrogateClaims++;
            foreach (var fingerprint in surrogateFingerprints)
            {
                entries.Surrogates.TryRemove(SurrogateKey(fingerprint), out _);
            }
        }
    }

    /// <summary>Adds one lookup batch's hits and misses of a map to the statistics.</summary>
    public void Record(Map map, int hits, int misses)
    {
        switch (map)
        {
            case Map.Matches:
                Interlocked.Add(ref _matchHits, hits);
                Interlocked.Add(ref _matchMisses, misses);
                break;
            case Map.Records:
                Interlocked.Add(ref _recordHits, hits);
                Interlocked.Add(ref _recordMisses, misses);
                break;
            default:
                Interlocked.Add(ref _surrogateHits, hits);
                Interlocked.Add(ref _surrogateMisses, misses);
                break;
        }
    }

    // The SQL: expires_at IS NULL OR expires_at > @Now, with @Now truncated to whole microseconds as stored.
    private static bool Live(DateTimeOffset? expiresAt, DateTimeOffset now) => expiresAt is not { } expiry || expiry > now;

    // The surrogate map's key: VaultOrder.BySurrogate's, a fingerprint without a type.
    private static FingerprintKey SurrogateKey(byte[] surrogateFingerprint) => new(string.Empty, surrogateFingerprint);

    private ref int Counter(Map map)
    {
        switch (map)
        {
            case Map.Matches:
                return ref _matches;
            case Map.Records:
                return ref _records;
            default:
                return ref _surrogates;
        }
    }

    private void Count(Map map)
    {
        ref var counter = ref Counter(map);
        if (Interlocked.Increment(ref counter) <= Capacity)
        {
            return;
        }

        lock (_gate)
        {
            if (Volatile.Read(ref counter) <= Capacity)
            {
                return;
            }

            foreach (var entries in _tenants.Values)
            {
                switch (map)
                {
                    case Map.Matches:
                        entries.HasAttempts = false;
                        entries.Attempts.Clear();
                        entries.Matches.Clear();
                        break;
                    case Map.Records:
                        entries.Records.Clear();
                        break;
                    default:
                        entries.Surrogates.Clear();
                        break;
                }
            }

            Volatile.Write(ref counter, 0);
        }
    }

    // Under _gate.
    private void Forget(TenantEntries entries)
    {
        Interlocked.Add(ref _matches, -(entries.Matches.Count + entries.Attempts.Count));
        Interlocked.Add(ref _records, -entries.Records.Count);
        Interlocked.Add(ref _surrogates, -entries.Surrogates.Count);
    }

    /// <summary>What a surrogate read saw before it began: the tenant's claim count and a monotonic timestamp.</summary>
    internal readonly record struct SurrogateRead(long Claims, long StartedAt);

    /// <summary>A surrogate fingerprint's entry: the holder's token ID and expiry, or (null token ID) "none" as of the
    /// monotonic timestamp <paramref name="NotFoundAt"/>.</summary>
    internal readonly record struct SurrogateEntry(string? TokenId, DateTimeOffset? ExpiresAt, long NotFoundAt);

    /// <summary>One tenant's entries at one data generation.</summary>
    internal sealed class TenantEntries(long generation)
    {
        // Checked before Attempts on every hit without an attempt: ConcurrentDictionary.IsEmpty takes every lock.
        private volatile bool _hasAttempts;
        private long _surrogateClaims;

        public long Generation { get; } = generation;

        public ConcurrentDictionary<FingerprintKey, TokenMatch> Matches { get; } = new(FingerprintKeyComparer.Instance);

        public ConcurrentDictionary<string, TokenRecord> Records { get; } = new(StringComparer.Ordinal);

        /// <summary>Surrogate attempts this replica saw claimed, by token ID (see <see cref="SurrogateClaimed"/>).</summary>
        public ConcurrentDictionary<string, int> Attempts { get; } = new(StringComparer.Ordinal);

        /// <summary>Surrogate fingerprint → the holder, or none (see <see cref="TryGetSurrogate"/>).</summary>
        public ConcurrentDictionary<FingerprintKey, SurrogateEntry> Surrogates { get; } = new(FingerprintKeyComparer.Instance);

        /// <summary>Held while a claim is counted and its fingerprints removed, and while a "none" is checked and written.</summary>
        public Lock ClaimGate { get; } = new();

        /// <summary>How many surrogate claims completed on this replica for these entries (see
        /// <see cref="BeforeSurrogateRead"/>). Written under <see cref="ClaimGate"/>.</summary>
        public long SurrogateClaims
        {
            get => Volatile.Read(ref _surrogateClaims);
            set => Volatile.Write(ref _surrogateClaims, value);
        }

        /// <summary>Whether <see cref="Attempts"/> may hold anything.</summary>
        public bool HasAttempts
        {
            get => _hasAttempts;
            set => _hasAttempts = value;
        }
    }
}

using System.Collections.Concurrent;

namespace PrivateInference.TokenVault.Storage;

/// <summary>How a replica's token cache has done since it started: hits and misses of each map and the entries each
/// holds now. Counts only; never a key or a value.</summary>
/// <param name="MatchHits">Tokenize lookups ((entity type, fingerprint) → token) answered from memory.</param>
/// <param name="MatchMisses">Tokenize lookups that went to the database.</param>
/// <param name="RecordHits">Detokenize lookups (token ID → row) answered from memory.</param>
/// <param name="RecordMisses">Detokenize lookups that went to the database.</param>
/// <param name="Matches">Entries of the Tokenize map now (an upper bound).</param>
/// <param name="Records">Entries of the Detokenize map now (an upper bound).</param>
public readonly record struct TokenCacheStatistics(long MatchHits, long MatchMisses, long RecordHits, long RecordMisses, int Matches, int Records);

/// <summary>
/// One replica's bounded cache of token rows, per tenant, in front of the database: (entity type, fingerprint) → the
/// token that holds it (what Tokenize of a repeat value needs) and token ID → the row as stored (what Detokenize needs).
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
/// </remarks>
internal sealed class TokenCache
{
    private readonly ConcurrentDictionary<string, TenantEntries> _tenants = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private int _matches;
    private int _records;
    private long _matchHits;
    private long _matchMisses;
    private long _recordHits;
    private long _recordMisses;

    /// <param name="capacity">The most entries of each map (at least 1; a disabled cache is no cache).</param>
    public TokenCache(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        Capacity = capacity;
    }

    /// <summary>The most entries of each map, over all tenants.</summary>
    public int Capacity { get; }

    public TokenCacheStatistics Statistics => new(
        Interlocked.Read(ref _matchHits),
        Interlocked.Read(ref _matchMisses),
        Interlocked.Read(ref _recordHits),
        Interlocked.Read(ref _recordMisses),
        Math.Max(0, Volatile.Read(ref _matches)),
        Math.Max(0, Volatile.Read(ref _records)));

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
            Count(ref _matches, isMatch: true);
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
            Count(ref _records, isMatch: false);
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
            Count(ref _matches, isMatch: true);
        }
    }

    /// <summary>Adds one lookup batch's hits and misses to the statistics.</summary>
    public void Record(bool isMatch, int hits, int misses)
    {
        if (isMatch)
        {
            Interlocked.Add(ref _matchHits, hits);
            Interlocked.Add(ref _matchMisses, misses);
        }
        else
        {
            Interlocked.Add(ref _recordHits, hits);
            Interlocked.Add(ref _recordMisses, misses);
        }
    }

    // The SQL: expires_at IS NULL OR expires_at > @Now, with @Now truncated to whole microseconds as stored.
    private static bool Live(DateTimeOffset? expiresAt, DateTimeOffset now) => expiresAt is not { } expiry || expiry > now;

    private void Count(ref int counter, bool isMatch)
    {
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
                if (isMatch)
                {
                    entries.HasAttempts = false;
                    entries.Attempts.Clear();
                    entries.Matches.Clear();
                }
                else
                {
                    entries.Records.Clear();
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
    }

    /// <summary>One tenant's entries at one data generation.</summary>
    internal sealed class TenantEntries(long generation)
    {
        // Checked before Attempts on every hit without an attempt: ConcurrentDictionary.IsEmpty takes every lock.
        private volatile bool _hasAttempts;

        public long Generation { get; } = generation;

        public ConcurrentDictionary<FingerprintKey, TokenMatch> Matches { get; } = new(FingerprintKeyComparer.Instance);

        public ConcurrentDictionary<string, TokenRecord> Records { get; } = new(StringComparer.Ordinal);

        /// <summary>Surrogate attempts this replica saw claimed, by token ID (see <see cref="SurrogateClaimed"/>).</summary>
        public ConcurrentDictionary<string, int> Attempts { get; } = new(StringComparer.Ordinal);

        /// <summary>Whether <see cref="Attempts"/> may hold anything.</summary>
        public bool HasAttempts
        {
            get => _hasAttempts;
            set => _hasAttempts = value;
        }
    }
}

using System.Security.Cryptography;
using NUnit.Framework;
using PrivateInference.TokenVault.Storage;

namespace PrivateInference.TokenVault.Tests.Storage;

/// <summary>The token cache on its own: which entries it answers with, when it forgets them, and its bound. The
/// replicas' end-to-end behaviour is in the integration tests (VaultServiceTests.Cache).</summary>
public sealed class TokenCacheTests
{
    private static readonly DateTimeOffset Now = new(2030, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Test]
    public void A_tenant_has_no_entries_until_its_row_is_read_active()
    {
        var cache = new TokenCache(10);

        Assert.That(cache.For("t1"), Is.Null);
        cache.Observe("t1", Tenant("t1", TenantState.Disabled, 0));
        Assert.That(cache.For("t1"), Is.Null, "a disabled tenant gets none");
        cache.Observe("t1", null);
        Assert.That(cache.For("t1"), Is.Null, "an unknown tenant gets none");

        cache.Observe("t1", Tenant("t1", TenantState.Active, 0));

        Assert.That(cache.For("t1"), Is.Not.Null);
    }

    [Test]
    public void A_match_is_served_until_the_microsecond_it_expires()
    {
        var cache = new TokenCache(10);
        var entries = Active(cache, "t1", 0);
        var key = Key();
        cache.AddMatch(entries, Match(key, "TOKEN00001", expiresAt: Now.AddMinutes(1)));

        Assert.That(TokenCache.TryGetMatch(entries, key, Now.AddMinutes(1).AddTicks(-10), out var match), Is.True);
        Assert.That(match.TokenId, Is.EqualTo("TOKEN00001"));
        Assert.That(TokenCache.TryGetMatch(entries, key, Now.AddMinutes(1), out _), Is.False, "expires_at > now, as the SQL");
        Assert.That(TokenCache.TryGetMatch(entries, Key(), Now, out _), Is.False, "another fingerprint");
        Assert.That(TokenCache.TryGetMatch(entries, key with { EntityType = "SSN" }, Now, out _), Is.False, "another type");
    }

    [Test]
    public void A_record_is_served_until_the_microsecond_it_expires_and_one_without_expiry_always()
    {
        var cache = new TokenCache(10);
        var entries = Active(cache, "t1", 0);
        cache.AddRecord(entries, Record("TOKEN00001", Now.AddSeconds(5)));
        cache.AddRecord(entries, Record("TOKEN00002", null));

        Assert.That(TokenCache.TryGetRecord(entries, "TOKEN00001", Now.AddSeconds(5).AddTicks(-10), out _), Is.True);
        Assert.That(TokenCache.TryGetRecord(entries, "TOKEN00001", Now.AddSeconds(5), out _), Is.False);
        Assert.That(TokenCache.TryGetRecord(entries, "TOKEN00002", Now.AddYears(50), out _), Is.True);
        Assert.That(TokenCache.TryGetRecord(entries, "TOKEN00003", Now, out _), Is.False);
    }

    [Test]
    public void A_new_data_generation_or_state_drops_the_tenants_entries_and_the_same_one_keeps_them()
    {
        var cache = new TokenCache(10);
        var entries = Active(cache, "t1", 3);
        var other = Active(cache, "t2", 0);
        var key = Key();
        cache.AddMatch(entries, Match(key, "TOKEN00001"));
        cache.AddMatch(other, Match(key, "TOKEN00002"));

        cache.Observe("t1", Tenant("t1", TenantState.Active, 3));
        Assert.That(cache.For("t1"), Is.SameAs(entries), "same generation: kept");

        cache.Observe("t1", Tenant("t1", TenantState.Active, 4));
        Assert.That(cache.For("t1"), Is.Not.SameAs(entries));
        Assert.That(TokenCache.TryGetMatch(cache.For("t1")!, key, Now, out _), Is.False, "new generation: empty");
        Assert.That(cache.For("t2"), Is.SameAs(other), "another tenant is untouched");

        cache.Observe("t2", Tenant("t2", TenantState.Disabled, 0));
        Assert.That(cache.For("t2"), Is.Null, "a disabled tenant's entries go");
        Assert.That(cache.Statistics.Matches, Is.Zero);
    }

    [Test]
    public void A_fill_into_entries_taken_before_a_drop_is_never_served()
    {
        var cache = new TokenCache(10);
        var taken = Active(cache, "t1", 0);

        cache.Drop("t1");
        cache.AddRecord(taken, Record("TOKEN00001", null));
        var fresh = Active(cache, "t1", 0);

        Assert.That(TokenCache.TryGetRecord(fresh, "TOKEN00001", Now, out _), Is.False, "a read that raced the change landed in the dropped set");
        Assert.That(cache.For("t1"), Is.SameAs(fresh));
    }

    [Test]
    public void Dropping_every_tenant_forgets_everything()
    {
        var cache = new TokenCache(10);
        var entries = new[] { Active(cache, "t1", 0), Active(cache, "t2", 0) };
        foreach (var e in entries)
        {
            cache.AddRecord(e, Record("TOKEN00001", null));
        }

        cache.Drop(null);

        Assert.That((cache.For("t1"), cache.For("t2")), Is.EqualTo(((TokenCache.TenantEntries?)null, (TokenCache.TenantEntries?)null)));
        Assert.That(cache.Statistics.Records, Is.Zero);
    }

    [Test]
    public void A_map_never_holds_more_than_its_capacity_over_all_tenants_and_the_other_map_is_untouched()
    {
        const int Capacity = 8;
        var cache = new TokenCache(Capacity);
        var tenants = new[] { Active(cache, "t1", 0), Active(cache, "t2", 0) };
        cache.AddRecord(tenants[0], Record("TOKEN00001", null));
        var added = 0;
        var most = 0;

        for (var i = 0; i < 5 * Capacity; i++)
        {
            cache.AddMatch(tenants[i % 2], Match(Key(), $"TOKEN{i:D5}"));
            added++;
            most = Math.Max(most, tenants.Sum(t => t.Matches.Count));
            Assert.That(cache.Statistics.Matches, Is.EqualTo(tenants.Sum(t => t.Matches.Count)), "the count is exact without concurrent drops");
        }

        Assert.That(added, Is.EqualTo(5 * Capacity));
        Assert.That(most, Is.EqualTo(Capacity), "filled up to the bound, never past it");
        Assert.That(tenants[0].Records.Count, Is.EqualTo(1), "the Detokenize map has its own bound");
    }

    [Test]
    public void Concurrent_fills_keep_each_map_within_its_capacity()
    {
        const int Capacity = 100;
        var cache = new TokenCache(Capacity);
        var entries = Active(cache, "t1", 0);

        const int Writers = 4;
        Parallel.For(0, 20_000, new ParallelOptions { MaxDegreeOfParallelism = Writers }, i => cache.AddRecord(entries, Record($"T{i:D9}", null)));

        Assert.That(entries.Records.Count, Is.LessThanOrEqualTo(Capacity + Writers), "past the bound by at most the writers racing a clear");
        Assert.That(cache.Statistics.Records, Is.LessThanOrEqualTo(Capacity));
    }

    [Test]
    public void A_surrogate_claimed_after_a_match_was_cached_is_carried_by_later_hits_and_the_record_goes()
    {
        var cache = new TokenCache(10);
        var entries = Active(cache, "t1", 0);
        var key = Key();
        cache.AddMatch(entries, Match(key, "TOKEN00001"));
        cache.AddRecord(entries, Record("TOKEN00001", null));

        cache.SurrogateClaimed(entries, "TOKEN00001", 2);

        Assert.That(TokenCache.TryGetMatch(entries, key, Now, out var match), Is.True);
        Assert.That(match.SurrogateAttempt, Is.EqualTo(2));
        Assert.That(TokenCache.TryGetRecord(entries, "TOKEN00001", Now, out _), Is.False, "its surrogate columns changed: read again");
    }

    [Test]
    public void Statistics_count_hits_and_misses_per_map()
    {
        var cache = new TokenCache(10);

        cache.Record(TokenCache.Map.Matches, hits: 3, misses: 1);
        cache.Record(TokenCache.Map.Records, hits: 5, misses: 2);
        cache.Record(TokenCache.Map.Surrogates, hits: 7, misses: 4);

        Assert.That(cache.Statistics, Is.EqualTo(new TokenCacheStatistics(3, 1, 5, 2, 7, 4, 0, 0, 0)));
    }

    [Test]
    public void A_surrogate_holder_is_served_until_the_microsecond_its_row_expires()
    {
        var cache = new TokenCache(10);
        var entries = Active(cache, "t1", 0);
        var fingerprint = SurrogateFingerprint();
        cache.AddSurrogate(entries, fingerprint, Record("TOKEN00001", Now.AddSeconds(5)));

        Assert.That(cache.TryGetSurrogate(entries, fingerprint, Now.AddSeconds(5).AddTicks(-10), out var holder), Is.True);
        Assert.That(holder, Is.EqualTo("TOKEN00001"));
        Assert.That(cache.TryGetSurrogate(entries, fingerprint, Now.AddSeconds(5), out _), Is.False, "expired: asked again, another row may hold it now");
        Assert.That(cache.TryGetSurrogate(entries, SurrogateFingerprint(), Now, out _), Is.False, "another fingerprint");
    }

    [Test]
    public void A_surrogate_on_no_row_is_answered_none_for_less_than_its_lifetime_from_the_reads_start()
    {
        var clock = new ManualTimestamps();
        var (cache, entries) = WithTenant(clock);
        var fingerprint = SurrogateFingerprint();
        var databaseRead = TimeSpan.FromMilliseconds(400);
        var read = cache.BeforeSurrogateRead(entries);
        clock.Advance(databaseRead);
        cache.AddNoSurrogate(entries, fingerprint, read);

        var fresh = cache.TryGetSurrogate(entries, fingerprint, Now, out var holder);
        clock.Advance(TokenCache.NotFoundLifetime - databaseRead - TimeSpan.FromTicks(1));
        var almost = cache.TryGetSurrogate(entries, fingerprint, Now.AddYears(1), out _);
        clock.Advance(TimeSpan.FromTicks(1));
        var aged = cache.TryGetSurrogate(entries, fingerprint, Now, out _);

        Assert.That((fresh, holder), Is.EqualTo((true, (string?)null)), "none, from memory");
        Assert.That((almost, aged), Is.EqualTo((true, false)), "aged by the monotonic clock, not the call's time; gone at the lifetime");
        Assert.That(TokenCache.NotFoundLifetime, Is.LessThanOrEqualTo(TimeSpan.FromSeconds(1)), "well inside the kill switch's 2 s");
    }

    [Test]
    public void A_claim_on_this_replica_forgets_its_fingerprints_entries_at_once_and_no_others()
    {
        var (cache, entries) = WithTenant(new ManualTimestamps());
        var claimed = SurrogateFingerprint();
        var other = SurrogateFingerprint();
        cache.AddNoSurrogate(entries, claimed, cache.BeforeSurrogateRead(entries));
        cache.AddNoSurrogate(entries, other, cache.BeforeSurrogateRead(entries));

        TokenCache.SurrogateFingerprintsClaimed(entries, [(byte[])claimed.Clone()]);

        Assert.That(cache.TryGetSurrogate(entries, claimed, Now, out _), Is.False, "the claimed fingerprint goes to the database");
        Assert.That(cache.TryGetSurrogate(entries, other, Now, out _), Is.True);
    }

    [Test]
    public void A_none_read_before_a_claim_on_this_replica_completed_is_never_written()
    {
        var (cache, entries) = WithTenant(new ManualTimestamps());
        var fingerprint = SurrogateFingerprint();
        var read = cache.BeforeSurrogateRead(entries);

        // The read found no holder; meanwhile a claim of that fingerprint completed on this replica.
        TokenCache.SurrogateFingerprintsClaimed(entries, [fingerprint]);
        cache.AddNoSurrogate(entries, fingerprint, read);
        var afterStaleFill = cache.TryGetSurrogate(entries, fingerprint, Now, out _);
        cache.AddNoSurrogate(entries, fingerprint, cache.BeforeSurrogateRead(entries));
        var afterFreshFill = cache.TryGetSurrogate(entries, fingerprint, Now, out _);

        Assert.That((afterStaleFill, afterFreshFill), Is.EqualTo((false, true)), "the stale none is dropped; a read after the claim fills");
    }

    [Test]
    public async Task Racing_claims_and_fills_never_leave_a_none_for_a_claimed_surrogate()
    {
        const int Fingerprints = 20_000;
        var cache = new TokenCache(2 * Fingerprints, new ManualTimestamps());
        var entries = Active(cache, "t1", 0);
        var fingerprints = Enumerable.Range(0, Fingerprints).Select(_ => SurrogateFingerprint()).ToArray();
        var committed = new int[Fingerprints];
        using var start = new Barrier(2);

        // A lookup: the claim counter, then the database read (no holder unless the claim committed), then the fill.
        var lookups = Task.Run(() =>
        {
            start.SignalAndWait();
            for (var i = 0; i < Fingerprints; i++)
            {
                var read = cache.BeforeSurrogateRead(entries);
                if (Volatile.Read(ref committed[i]) == 0)
                {
                    cache.AddNoSurrogate(entries, fingerprints[i], read);
                }
            }
        });

        // A claim on this replica: the commit, then the cache hears of it.
        var claims = Task.Run(() =>
        {
            start.SignalAndWait();
            for (var i = 0; i < Fingerprints; i++)
            {
                Volatile.Write(ref committed[i], 1);
                TokenCache.SurrogateFingerprintsClaimed(entries, [fingerprints[i]]);
            }
        });
        await Task.WhenAll(lookups, claims);

        Assert.That(fingerprints.Count(f => cache.TryGetSurrogate(entries, f, Now, out _)), Is.Zero, "every surrogate was claimed: none may be answered none");
    }

    [Test]
    public void A_change_drops_the_surrogate_entries_with_the_rest()
    {
        var (cache, entries) = WithTenant(new ManualTimestamps());
        var held = SurrogateFingerprint();
        var none = SurrogateFingerprint();
        cache.AddSurrogate(entries, held, Record("TOKEN00001", null));
        cache.AddNoSurrogate(entries, none, cache.BeforeSurrogateRead(entries));
        Assert.That(cache.Statistics.Surrogates, Is.EqualTo(2));

        cache.Drop("t1");
        var fresh = Active(cache, "t1", 0);

        Assert.That((cache.TryGetSurrogate(fresh, held, Now, out _), cache.TryGetSurrogate(fresh, none, Now, out _)), Is.EqualTo((false, false)));
        Assert.That(cache.Statistics.Surrogates, Is.Zero);
        cache.AddSurrogate(fresh, held, Record("TOKEN00001", null));
        cache.Observe("t1", Tenant("t1", TenantState.Active, 1));
        Assert.That(cache.TryGetSurrogate(cache.For("t1")!, held, Now, out _), Is.False, "a new data generation: empty");
    }

    [Test]
    public void The_surrogate_map_has_its_own_bound()
    {
        const int Capacity = 4;
        var cache = new TokenCache(Capacity, new ManualTimestamps());
        var entries = Active(cache, "t1", 0);
        cache.AddRecord(entries, Record("TOKEN00001", null));
        var most = 0;

        for (var i = 0; i < 5 * Capacity; i++)
        {
            cache.AddNoSurrogate(entries, SurrogateFingerprint(), cache.BeforeSurrogateRead(entries));
            most = Math.Max(most, entries.Surrogates.Count);
        }

        Assert.That(most, Is.EqualTo(Capacity), "filled up to the bound, never past it");
        Assert.That(entries.Records.Count, Is.EqualTo(1), "the Detokenize map is untouched");
    }

    [Test]
    public void A_capacity_below_one_is_refused()
    {
        Assert.That(() => new TokenCache(0), Throws.InstanceOf<ArgumentOutOfRangeException>());
    }

    /// <summary>A cache of 10 entries a map on <paramref name="time"/>, and t1's entries at generation 0.</summary>
    private static (TokenCache Cache, TokenCache.TenantEntries Entries) WithTenant(TimeProvider time)
    {
        var cache = new TokenCache(10, time);
        return (cache, Active(cache, "t1", 0));
    }

    private static TokenCache.TenantEntries Active(TokenCache cache, string tenantId, long generation)
    {
        cache.Observe(tenantId, Tenant(tenantId, TenantState.Active, generation));
        return cache.For(tenantId)!;
    }

    private static TenantRecord Tenant(string tenantId, TenantState state, long generation) => new(tenantId, "kek", 1, state, Now, generation);

    private static FingerprintKey Key() => new("PAN", RandomNumberGenerator.GetBytes(32));

    private static byte[] SurrogateFingerprint() => RandomNumberGenerator.GetBytes(32);

    private static TokenMatch Match(FingerprintKey key, string tokenId, DateTimeOffset? expiresAt = null) =>
        new(key.EntityType, key.Fingerprint, tokenId, ExpiresAt: expiresAt);

    private static TokenRecord Record(string tokenId, DateTimeOffset? expiresAt) =>
        new("t1", tokenId, "PAN", RandomNumberGenerator.GetBytes(32), 1, RandomNumberGenerator.GetBytes(48), 1, Now, expiresAt, null);
}

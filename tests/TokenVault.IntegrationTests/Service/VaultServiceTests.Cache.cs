using System.Diagnostics;
using System.Text;
using NUnit.Framework;
using PrivateInference.Cryptography;
using PrivateInference.TokenVault.Pseudonymization;
using PrivateInference.TokenVault.Storage;
using PrivateInference.TokenVault.Tests.Keys;

namespace PrivateInference.TokenVault.IntegrationTests.Service;

/// <summary>The per-replica token cache (docs/ARCHITECTURE.md, *Token cache*): a change on one replica reaches another
/// replica's warm cache within two seconds by notification, by the tenant row's data generation, or both; expiry is
/// checked on every hit; the kill switch and destruction are unaffected; nothing cached is a value. Each case also runs
/// with the cache off (0 entries), which must behave the same.</summary>
public abstract partial class VaultServiceTests
{
    /// <summary>How a replica hears of another replica's change.</summary>
    public enum ChangePath
    {
        /// <summary>Change notifications and the once-a-second re-read of the tenant row, as a replica runs.</summary>
        Both,

        /// <summary>Notifications only: the re-read would take an hour.</summary>
        NotificationOnly,

        /// <summary>The re-read only (its data generation): the replica does not listen, so every notification is lost.</summary>
        GenerationOnly,
    }

    private const int CacheOn = VaultOptions.DefaultTokenCacheEntries;

    [Test]
    public async Task An_erasure_on_one_replica_reaches_another_replicas_warm_cache_within_two_seconds([Values] ChangePath path, [Values(0, CacheOn)] int cacheEntries)
    {
        var tenantId = await NewTenantAsync();
        await using var replicaB = await OpenReplicaAsync(path, cacheEntries);
        var subject = Canary.Subject();
        TokenizeInput[] items = [new("PERSON", Canary.Person(), subject), new("EMAIL", Canary.Email())];
        var tokens = await WarmAsync(replicaB, tenantId, items, cacheEntries);
        var unknown = (await replicaB.Pseudonyms.DetokenizeAsync(Detokenizer, tenantId, [Token.FromKey("PERSON", TokenId.New()).Format()])).Single();

        Assert.That(await Vault.Pseudonyms.EraseSubjectAsync(Eraser, tenantId, subject), Is.EqualTo(1));
        var clock = Stopwatch.StartNew();
        var (erased, forgotten) = await UntilAsync(async () => (await replicaB.Pseudonyms.DetokenizeAsync(Detokenizer, tenantId, [tokens[0]])).Single(), r => !r.Found);
        var (retokenized, renewed) = await UntilAsync(async () => (await replicaB.Pseudonyms.TokenizeAsync(Tokenizer, tenantId, [items[0]])).Single(), t => t != tokens[0]);
        var elapsed = clock.Elapsed;

        Assert.That((forgotten, renewed), Is.EqualTo((true, true)), "replica B forgot the erased token and made a new one");
        Assert.That(elapsed, Is.LessThan(KillSwitchDeadline), "within two seconds");
        Assert.That((erased.Found, erased.EntityType, erased.Value == unknown.Value), Is.EqualTo((unknown.Found, unknown.EntityType, true)), "an erased token reads as one never issued");
        Canaries.AssertSameValue((await Vault.Pseudonyms.DetokenizeAsync(Detokenizer, tenantId, [retokenized])).Single().Value, items[0].Value, "the new token holds the value");
        Canaries.AssertSameValue((await replicaB.Pseudonyms.DetokenizeAsync(Detokenizer, tenantId, [tokens[1]])).Single().Value, items[1].Value, "the other subject's row is served as before");
    }

    [Test]
    public async Task A_re_encryption_on_one_replica_reaches_another_replicas_warm_cache_within_two_seconds([Values] ChangePath path, [Values(0, CacheOn)] int cacheEntries)
    {
        var tenantId = await NewTenantAsync();
        await using var replicaB = await OpenReplicaAsync(path, cacheEntries);
        TokenizeInput[] items = [new("PERSON", Canary.Person()), new("MRN", Canary.Mrn())];
        var tokens = await WarmAsync(replicaB, tenantId, items, cacheEntries);
        var ids = tokens.Select(IdOf).ToArray();

        await Vault.Keys.RotateDekAsync(Admin, tenantId);
        await Vault.Runtime.RunMaintenanceOnceAsync();
        var stored = await CiphertextsAsync(tenantId);
        Assert.That(await DekVersionsAsync(tenantId, [.. tokens]), Is.EqualTo(new[] { 2, 2 }), "the rows were re-encrypted under v2");
        var clock = Stopwatch.StartNew();
        // Each Detokenize passes the key gate, whose re-read of the tenant row carries the generation; then the rows as
        // replica B's store (the cache in front of the database) answers them.
        var (rows, current) = await UntilAsync(
            async () =>
            {
                await replicaB.Pseudonyms.DetokenizeAsync(Detokenizer, tenantId, tokens);
                return await replicaB.Runtime.Store.GetTokensAsync(tenantId, ids, replicaB.Runtime.Time.GetUtcNow());
            },
            r => r.Count == 2 && r.All(row => row.DekVersion == 2 && row.Ciphertext.AsSpan().SequenceEqual(stored[row.TokenId])));
        var elapsed = clock.Elapsed;

        Assert.That(current, Is.True, "replica B reads the new ciphertexts and version");
        Assert.That(elapsed, Is.LessThan(KillSwitchDeadline), "within two seconds");
        Assert.That(rows.Select(r => r.TokenId), Is.EquivalentTo(ids));
        Canaries.AssertSameValues((await replicaB.Pseudonyms.DetokenizeAsync(Detokenizer, tenantId, tokens)).Select(r => r.Value), items.Select(i => i.Value));
    }

    [Test]
    public async Task A_cached_token_is_served_until_its_expiry_and_never_from_the_microsecond_it_expires([Values(0, CacheOn)] int cacheEntries)
    {
        var clock = new ManualClock();
        await using var vault = await Backend.OpenReplicaAsync(new VaultOptions { TokenCacheEntries = cacheEntries }, time: clock);
        var tenantId = NewTenantId();
        await vault.Keys.CreateTenantAsync(Admin, tenantId);
        var ttl = TimeSpan.FromMinutes(1);
        TokenizeInput[] items = [new("PAN", Canary.Pan(), Ttl: ttl), new("PAN", Canary.Pan())];
        var tokens = await WarmAsync(vault, tenantId, items, cacheEntries);

        clock.Now += ttl - TimeSpan.FromMicroseconds(1);
        var before = await vault.Pseudonyms.DetokenizeAsync(Detokenizer, tenantId, tokens);
        var repeat = await vault.Pseudonyms.TokenizeAsync(Tokenizer, tenantId, items);
        clock.Now += TimeSpan.FromMicroseconds(1);
        var after = await vault.Pseudonyms.DetokenizeAsync(Detokenizer, tenantId, tokens);
        var renewed = await vault.Pseudonyms.TokenizeAsync(Tokenizer, tenantId, items);

        Assert.That(before.Select(r => r.Found), Is.EqualTo(new[] { true, true }), "one microsecond before its expiry");
        Assert.That(repeat, Is.EqualTo(tokens), "the same tokens one microsecond before");
        Assert.That(after.Select(r => r.Found), Is.EqualTo(new[] { false, true }), "from its expiry on, as the SQL decides");
        Assert.That(after[0].Value.Length, Is.Zero);
        Assert.That((renewed[0] != tokens[0], renewed[1]), Is.EqualTo((true, tokens[1])), "the expired value gets a new token, the other keeps its own");
        Canaries.AssertSameValues((await vault.Pseudonyms.DetokenizeAsync(Detokenizer, tenantId, renewed)).Select(r => r.Value), items.Select(i => i.Value));
    }

    [Test]
    public async Task With_warm_caches_the_kill_switch_stops_both_replicas_within_two_seconds_and_destruction_still_erases([Values(0, CacheOn)] int cacheEntries)
    {
        var tenantId = await NewTenantAsync();
        await using var replicaA = await OpenReplicaAsync(ChangePath.Both, cacheEntries);
        await using var replicaB = await OpenReplicaAsync(ChangePath.Both, cacheEntries);
        TokenizeInput[] items = [new("PAN", Canary.Pan()), new("PERSON", Canary.Person())];
        var tokens = await WarmAsync(replicaA, tenantId, items, cacheEntries);
        await WarmAsync(replicaB, tenantId, items, cacheEntries);

        await Vault.Keys.DisableAsync(Admin, tenantId);
        var clock = Stopwatch.StartNew();
        var refusals = new List<VaultException?>();
        foreach (var replica in new[] { replicaA, replicaB })
        {
            refusals.Add(await FirstFailureAsync(() => replica.Pseudonyms.DetokenizeAsync(Detokenizer, tenantId, tokens)));
            refusals.Add(await FirstFailureAsync(() => replica.Pseudonyms.TokenizeAsync(Tokenizer, tenantId, items)));
        }

        Assert.That(clock.Elapsed, Is.LessThan(KillSwitchDeadline), "both replicas refuse within two seconds");
        Assert.That(refusals.Select(r => r?.Reason), Has.All.EqualTo("key_disabled"));

        await Vault.Keys.EnableAsync(Admin, tenantId);
        foreach (var replica in new[] { replicaA, replicaB })
        {
            var served = await FirstSuccessAsync(() => replica.Pseudonyms.DetokenizeAsync(Detokenizer, tenantId, tokens));
            Canaries.AssertSameValues(served.Select(r => r.Value), items.Select(i => i.Value), "served again once enabled");
        }

        await Vault.Keys.ApproveDestroyAsync(Admin, tenantId, "erase-cache");
        await Vault.Keys.ApproveDestroyAsync(OtherAdmin, tenantId, "erase-cache");
        await Vault.Keys.DestroyAsync(Admin, tenantId, "erase-cache");
        clock.Restart();
        var destroyed = new[] { await FirstFailureAsync(() => replicaA.Pseudonyms.DetokenizeAsync(Detokenizer, tenantId, tokens)), await FirstFailureAsync(() => replicaB.Pseudonyms.DetokenizeAsync(Detokenizer, tenantId, tokens)) };

        Assert.That(clock.Elapsed, Is.LessThan(KillSwitchDeadline), "destruction stops both replicas within two seconds");
        Assert.That(destroyed.Select(r => r?.Reason), Has.All.EqualTo("key_destroyed"));
        Assert.That(await Backend.TokenRowsAsync(tenantId), Is.Zero);
        Assert.That(new[] { replicaA, replicaB }.Select(r => CacheOf(r)?.For(tenantId)), Has.All.Null, "neither replica keeps the tenant's rows in memory");
    }

    [Test]
    public async Task The_cache_holds_token_ids_keyed_hashes_and_ciphertext_only_and_prints_no_value()
    {
        var tenantId = await NewTenantAsync();
        await using var replica = await OpenReplicaAsync(ChangePath.Both, CacheOn);
        var subject = Canary.Subject();
        TokenizeInput[] items =
        [
            new("PAN", Canary.Pan(), subject),
            new("PERSON", Canary.Person(), subject),
            new("EMAIL", Canary.Email()),
            new("SSN", Canary.Ssn(), Ttl: TimeSpan.FromDays(1)),
            new("MRN", Canary.Mrn()),
        ];
        var tokens = await WarmAsync(replica, tenantId, items, CacheOn);
        await replica.Pseudonyms.TokenizeAsync(Tokenizer, tenantId, items, surrogates: true);
        await replica.Pseudonyms.DetokenizeAsync(Detokenizer, tenantId, tokens);

        var entries = CacheOf(replica)!.For(tenantId)!;
        Assert.That((entries.Matches.Count, entries.Records.Count), Is.EqualTo((items.Length, items.Length)), "every row is cached both ways");
        var bytes = new List<byte>();
        var text = new StringBuilder(CacheOf(replica)!.Statistics.ToString());
        foreach (var match in entries.Matches.Values)
        {
            bytes.AddRange(match.Fingerprint);
            bytes.AddRange(match.SpellingFingerprint ?? []);
            text.Append(match).Append(match.TokenId);
        }

        foreach (var record in entries.Records.Values)
        {
            bytes.AddRange(record.Ciphertext);
            bytes.AddRange(record.Fingerprint);
            bytes.AddRange(record.SubjectRef ?? []);
            bytes.AddRange(record.SpellingFingerprint ?? []);
            bytes.AddRange(record.SurrogateFingerprint ?? []);
            text.Append(record).Append(record.TokenId);
        }

        Assert.That(Canary.Needles, Has.Count.GreaterThanOrEqualTo(items.Length + 1));
        Assert.That(Canary.FoundIn(bytes.ToArray()), Is.Empty, "no value or subject reference in any cached byte, in any encoding");
        Assert.That(Canary.FoundIn(text.ToString()), Is.Empty, "no value in what the cached entries print");
        Assert.That(entries.Records.Keys, Is.EquivalentTo(tokens.Select(IdOf)));
    }

    /// <summary>Another replica on the fixture's database that hears of changes by <paramref name="path"/>.</summary>
    private async Task<Replica> OpenReplicaAsync(ChangePath path, int cacheEntries)
    {
        var options = new VaultOptions { TokenCacheEntries = cacheEntries };
        if (path == ChangePath.NotificationOnly)
        {
            options.StateRevalidation = TimeSpan.FromHours(1);
        }

        var replica = await Backend.OpenReplicaAsync(options);
        if (path != ChangePath.GenerationOnly)
        {
            // The first LISTEN drops every cache once: a cache warmed before it takes effect would be emptied under the
            // test (seen on a loaded machine), so wait for it.
            await replica.Runtime.StartBackgroundAsync(CancellationToken.None);
            await replica.Runtime.ListeningForChanges.WaitAsync(TimeSpan.FromSeconds(30));
        }

        return replica;
    }

    /// <summary>Tokenizes the items on the replica, then repeats Tokenize and Detokenize until a round is served from memory
    /// entirely (a replica that just started listening drops everything once, when its LISTEN takes effect): with the cache
    /// on, checks that such a round came; with it off, that nothing ever was. Returns the tokens.</summary>
    private static async Task<string[]> WarmAsync(Replica replica, string tenantId, TokenizeInput[] items, int cacheEntries)
    {
        var tokens = (await replica.Pseudonyms.TokenizeAsync(Tokenizer, tenantId, items)).ToArray();
        var rounds = new List<(long, long)>();
        for (var round = 0; round < 5 && !rounds.Contains((items.Length, items.Length)); round++)
        {
            var before = replica.Runtime.CacheStatistics;
            Assert.That(await replica.Pseudonyms.TokenizeAsync(Tokenizer, tenantId, items), Is.EqualTo(tokens), "a repeat gets the same tokens");
            Canaries.AssertSameValues((await replica.Pseudonyms.DetokenizeAsync(Detokenizer, tenantId, tokens)).Select(r => r.Value), items.Select(i => i.Value));
            var after = replica.Runtime.CacheStatistics;
            rounds.Add((after.MatchHits - before.MatchHits, after.RecordHits - before.RecordHits));
        }

        Assert.That(rounds, cacheEntries > 0 ? Does.Contain(((long)items.Length, (long)items.Length)) : Has.All.EqualTo((0L, 0L)), "Tokenize and Detokenize served from the cache exactly when it is on");
        return tokens;
    }

    private static TokenCache? CacheOf(Replica replica) => (replica.Runtime.Store as CachingVaultStore)?.Cache;

    /// <summary>Calls until <paramref name="done"/> holds (at most 5 s): the last result and whether it held.</summary>
    private static async Task<(T Result, bool Done)> UntilAsync<T>(Func<Task<T>> call, Func<T, bool> done)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var result = await call();
            if (done(result) || deadline.Elapsed > TimeSpan.FromSeconds(5))
            {
                return (result, done(result));
            }

            await Task.Delay(10);
        }
    }
}

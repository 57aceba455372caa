using System.Reflection;
using System.Security.Cryptography;
using PrivateInference.Cryptography;
using NUnit.Framework;
using PrivateInference.TokenVault.Authorization;
using PrivateInference.TokenVault.Keys;
using PrivateInference.TokenVault.Pseudonymization;
using PrivateInference.TokenVault.Storage;
using PrivateInference.TokenVault.Tests.Keys;

namespace PrivateInference.TokenVault.Tests.Storage;

/// <summary>Which store calls the token cache saves, on an embedded (SQLite) vault in a temporary folder: the database
/// below the cache counts the reads it gets.</summary>
public sealed class CachingVaultStoreTests
{
    private static readonly Caller Admin = new("test:key-admin", VaultRoles.KeyAdmin);
    private static readonly Caller Redactor = new("test:redactor", VaultRoles.Tokenizer);
    private static readonly Caller Rehydrator = new("test:rehydrator", VaultRoles.Detokenizer);
    private static readonly Caller Eraser = new("test:eraser", VaultRoles.Eraser);

    [TestCase(VaultOptions.DefaultTokenCacheEntries, 0, 0)]
    [TestCase(0, 1, 1)]
    public async Task A_repeat_tokenize_and_detokenize_reach_the_database_only_without_the_cache(int entries, int findReads, int getReads)
    {
        await using var vault = await OpenAsync(entries);
        TokenizeInput[] items = [new("PERSON", "Sample Person One"), new("MRN", "MRN-0000001")];
        var tokens = await vault.Runtime.Pseudonyms.TokenizeAsync(Redactor, "t1", items);
        await vault.Runtime.Pseudonyms.DetokenizeAsync(Rehydrator, "t1", tokens);
        var before = vault.Reads.Snapshot();

        Assert.That(await vault.Runtime.Pseudonyms.TokenizeAsync(Redactor, "t1", items), Is.EqualTo(tokens));
        var values = await vault.Runtime.Pseudonyms.DetokenizeAsync(Rehydrator, "t1", tokens);

        Assert.That(values.Select(v => v.Value).SequenceEqual(items.Select(i => i.Value)), Is.True, "each token reads back its value");
        Assert.That(vault.Reads.Snapshot() - before, Is.EqualTo(new Reads(findReads, getReads, 0)));
    }

    [Test]
    public async Task After_an_erasure_on_this_replica_the_next_calls_read_the_database_and_see_it()
    {
        await using var vault = await OpenAsync(VaultOptions.DefaultTokenCacheEntries);
        TokenizeInput[] items = [new("PERSON", "Sample Person Two", SubjectRef: "subject-2")];
        var tokens = await vault.Runtime.Pseudonyms.TokenizeAsync(Redactor, "t1", items);
        await vault.Runtime.Pseudonyms.DetokenizeAsync(Rehydrator, "t1", tokens);

        Assert.That(await vault.Runtime.Pseudonyms.EraseSubjectAsync(Eraser, "t1", "subject-2"), Is.EqualTo(1));
        var before = vault.Reads.Snapshot();
        var read = await vault.Runtime.Pseudonyms.DetokenizeAsync(Rehydrator, "t1", tokens);
        var again = await vault.Runtime.Pseudonyms.TokenizeAsync(Redactor, "t1", items);

        Assert.That((read.Single().Found, again.Single() == tokens.Single()), Is.EqualTo((false, false)), "erased: not found, and a new token");
        Assert.That(vault.Reads.Snapshot() - before, Is.EqualTo(new Reads(1, 1, 0)), "both went to the database");
    }

    [TestCase(VaultOptions.DefaultTokenCacheEntries, 0)]
    [TestCase(0, 1)]
    public async Task A_repeat_detokenize_with_surrogates_makes_one_store_call_and_none_with_the_cache(int entries, int combinedReads)
    {
        await using var vault = await OpenAsync(entries);
        TokenizeInput[] items = [new("PERSON", "Sample Person Three"), new("ACCOUNT_NUMBER", "0001234567890")];
        var tokenized = await vault.Runtime.Pseudonyms.TokenizeAsync(Redactor, "t1", items, surrogates: true);
        Assert.That(tokenized.Surrogates.Count(s => s.Length > 0), Is.EqualTo(2), "both types get a surrogate");
        await vault.Runtime.Pseudonyms.DetokenizeAsync(Rehydrator, "t1", tokenized.Tokens, tokenized.Surrogates, context: null);
        var before = vault.Reads.Snapshot();

        var again = await vault.Runtime.Pseudonyms.DetokenizeAsync(Rehydrator, "t1", tokenized.Tokens, tokenized.Surrogates, context: null);

        Assert.That(again.Surrogates.Select(r => r.Value).SequenceEqual(items.Select(i => i.Value)), Is.True, "each surrogate reads back its value");
        Assert.That(again.Tokens.Select(r => r.Value).SequenceEqual(items.Select(i => i.Value)), Is.True, "and each token");
        Assert.That(vault.Reads.Snapshot() - before, Is.EqualTo(new Reads(0, 0, combinedReads)), "tokens and candidates in one call, or from memory");
    }

    [Test]
    public async Task A_surrogate_on_no_row_is_read_again_after_its_lifetime_and_at_once_after_a_claim_here()
    {
        var clock = new ManualTimestamps();
        await using var vault = await OpenAsync(VaultOptions.DefaultTokenCacheEntries, clock);
        var (store, row, fingerprint) = await RowWithoutSurrogateAsync(vault);
        var reads = new List<int>();
        var holders = new List<bool>();
        async Task LookUpAsync()
        {
            var before = vault.Reads.Snapshot();
            var found = await store.GetTokensAndSurrogatesAsync("t1", [], [fingerprint], DateTimeOffset.UtcNow);
            reads.Add((vault.Reads.Snapshot() - before).Combined);
            holders.Add(found.Surrogates.Single()?.TokenId == row.TokenId);
        }

        await LookUpAsync();
        await LookUpAsync();
        clock.Advance(TokenCache.NotFoundLifetime);
        await LookUpAsync();
        Assert.That(await store.ClaimSurrogatesAsync("t1", [new SurrogateClaim(row.TokenId, fingerprint, 0)]), Is.EqualTo(new int?[] { 0 }));
        await LookUpAsync();
        await LookUpAsync();

        Assert.That(reads, Is.EqualTo(new[] { 1, 0, 1, 1, 0 }), "none from memory within its lifetime; the claim forgot it; the holder from memory");
        Assert.That(holders, Is.EqualTo(new[] { false, false, false, true, true }));
    }

    [Test]
    public async Task A_claim_on_another_replica_is_seen_here_once_the_none_has_aged()
    {
        var clock = new ManualTimestamps();
        await using var vault = await OpenAsync(VaultOptions.DefaultTokenCacheEntries, clock);
        var (store, row, fingerprint) = await RowWithoutSurrogateAsync(vault);
        await using var replicaB = new SqliteVaultStore(vault.DatabasePath);

        var unclaimed = await store.GetTokensAndSurrogatesAsync("t1", [], [fingerprint], DateTimeOffset.UtcNow);
        await replicaB.ClaimSurrogatesAsync("t1", [new SurrogateClaim(row.TokenId, fingerprint, 0)]);
        var withinLifetime = await store.GetTokensAndSurrogatesAsync("t1", [], [fingerprint], DateTimeOffset.UtcNow);
        clock.Advance(TokenCache.NotFoundLifetime);
        var afterLifetime = await store.GetTokensAndSurrogatesAsync("t1", [], [fingerprint], DateTimeOffset.UtcNow);

        Assert.That((unclaimed.Surrogates.Single() is null, withinLifetime.Surrogates.Single() is null), Is.EqualTo((true, true)), "fails closed: not found, never another row");
        Assert.That(afterLifetime.Surrogates.Single()?.TokenId == row.TokenId, Is.True, "found once the none aged out");
    }

    /// <summary>The cache-fronted store of the vault, its tenant's entries in place, and one row of t1 with a fingerprint
    /// for a surrogate it has not claimed.</summary>
    private static async Task<(IVaultStore Store, TokenRecord Row, byte[] Fingerprint)> RowWithoutSurrogateAsync(Vault vault)
    {
        var store = vault.Runtime.Store;
        await store.GetTenantAsync("t1");
        var rows = await store.InsertOrGetAsync("t1", [new NewToken(TokenId.New(), "PAN", RandomNumberGenerator.GetBytes(32), 1, RandomNumberGenerator.GetBytes(48), 1, null, null)], DateTimeOffset.UtcNow);
        return (store, rows.Single(), RandomNumberGenerator.GetBytes(32));
    }

    private static async Task<Vault> OpenAsync(int entries, TimeProvider? time = null)
    {
        var folder = new KeyDirectory();
        var path = Path.Combine(folder.Location, "vault", "vault.db");
        var store = CountingStore.Wrap(new SqliteVaultStore(path));
        var runtime = await VaultRuntime.OpenAsync(store, new LocalKekProvider(Path.Combine(folder.Location, "kek")), new VaultOptions { TokenCacheEntries = entries }, time);
        await runtime.Keys.CreateTenantAsync(Admin, "t1");
        return new Vault(runtime, (CountingStore)(object)store, folder, path);
    }

    /// <summary>Store calls below the cache: <see cref="IVaultStore.FindTokenIdsAsync"/>, <see cref="IVaultStore.GetTokensAsync"/>
    /// and <see cref="IVaultStore.GetTokensAndSurrogatesAsync"/>.</summary>
    internal readonly record struct Reads(int FindTokenIds, int GetTokens, int Combined)
    {
        public static Reads operator -(Reads a, Reads b) => new(a.FindTokenIds - b.FindTokenIds, a.GetTokens - b.GetTokens, a.Combined - b.Combined);
    }

    private sealed class Vault(VaultRuntime runtime, CountingStore reads, KeyDirectory folder, string databasePath) : IAsyncDisposable
    {
        public VaultRuntime Runtime => runtime;

        public CountingStore Reads => reads;

        public string DatabasePath => databasePath;

        public async ValueTask DisposeAsync()
        {
            await runtime.DisposeAsync();
            folder.Dispose();
        }
    }

    /// <summary>The store below the cache, counting the reads the cache stands in front of.</summary>
    public class CountingStore : DispatchProxy
    {
        private IVaultStore _inner = null!;
        private int _find;
        private int _get;
        private int _combined;

        public static IVaultStore Wrap(IVaultStore inner)
        {
            var store = Create<IVaultStore, CountingStore>();
            ((CountingStore)(object)store)._inner = inner;
            return store;
        }

        internal Reads Snapshot() => new(Volatile.Read(ref _find), Volatile.Read(ref _get), Volatile.Read(ref _combined));

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
        {
            ArgumentNullException.ThrowIfNull(targetMethod);
            if (targetMethod.Name == nameof(IVaultStore.FindTokenIdsAsync))
            {
                Interlocked.Increment(ref _find);
            }
            else if (targetMethod.Name == nameof(IVaultStore.GetTokensAsync))
            {
                Interlocked.Increment(ref _get);
            }
            else if (targetMethod.Name == nameof(IVaultStore.GetTokensAndSurrogatesAsync))
            {
                Interlocked.Increment(ref _combined);
            }

            return targetMethod.Invoke(_inner, args);
        }
    }
}

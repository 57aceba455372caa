using System.Reflection;
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
        Assert.That(vault.Reads.Snapshot() - before, Is.EqualTo(new Reads(findReads, getReads)));
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
        Assert.That(vault.Reads.Snapshot() - before, Is.EqualTo(new Reads(1, 1)), "both went to the database");
    }

    private static async Task<Vault> OpenAsync(int entries)
    {
        var folder = new KeyDirectory();
        var store = CountingStore.Wrap(new SqliteVaultStore(Path.Combine(folder.Location, "vault", "vault.db")));
        var runtime = await VaultRuntime.OpenAsync(store, new LocalKekProvider(Path.Combine(folder.Location, "kek")), new VaultOptions { TokenCacheEntries = entries });
        await runtime.Keys.CreateTenantAsync(Admin, "t1");
        return new Vault(runtime, (CountingStore)(object)store, folder);
    }

    internal readonly record struct Reads(int FindTokenIds, int GetTokens)
    {
        public static Reads operator -(Reads a, Reads b) => new(a.FindTokenIds - b.FindTokenIds, a.GetTokens - b.GetTokens);
    }

    private sealed class Vault(VaultRuntime runtime, CountingStore reads, KeyDirectory folder) : IAsyncDisposable
    {
        public VaultRuntime Runtime => runtime;

        public CountingStore Reads => reads;

        public async ValueTask DisposeAsync()
        {
            await runtime.DisposeAsync();
            folder.Dispose();
        }
    }

    /// <summary>The store below the cache, counting the two reads the cache stands in front of.</summary>
    public class CountingStore : DispatchProxy
    {
        private IVaultStore _inner = null!;
        private int _find;
        private int _get;

        public static IVaultStore Wrap(IVaultStore inner)
        {
            var store = Create<IVaultStore, CountingStore>();
            ((CountingStore)(object)store)._inner = inner;
            return store;
        }

        internal Reads Snapshot() => new(Volatile.Read(ref _find), Volatile.Read(ref _get));

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

            return targetMethod.Invoke(_inner, args);
        }
    }
}

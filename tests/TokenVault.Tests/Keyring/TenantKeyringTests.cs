using System.Reflection;
using NUnit.Framework;
using PrivateInference.TokenVault.Authorization;
using PrivateInference.TokenVault.Keys;
using PrivateInference.TokenVault.Pseudonymization;
using PrivateInference.TokenVault.Storage;
using PrivateInference.TokenVault.Tests.Keys;

namespace PrivateInference.TokenVault.Tests.Keyring;

/// <summary>The key cache's revalidation under concurrent callers, on an embedded (SQLite) vault in a temporary folder.</summary>
public sealed class TenantKeyringTests
{
    private static readonly Caller Admin = new("test:key-admin", VaultRoles.KeyAdmin);
    private static readonly Caller Redactor = new("test:redactor", VaultRoles.Tokenizer);

    [Test]
    public async Task Callers_that_find_the_tenant_state_stale_together_share_one_re_read()
    {
        using var folder = new KeyDirectory();
        var clock = new ManualClock();
        var store = SlowTenantReads.Wrap(new SqliteVaultStore(Path.Combine(folder.Location, "vault", "vault.db"), clock));

        // The runtime disposes the store, through the proxy, with the SQLite store behind it.
        await using var vault = await VaultRuntime.OpenAsync(store, new LocalKekProvider(Path.Combine(folder.Location, "kek"), clock), time: clock);
        await vault.Keys.CreateTenantAsync(Admin, "t1");
        await vault.Pseudonyms.TokenizeAsync(Redactor, "t1", [new TokenizeInput("PERSON", "Sample Person One")]);
        clock.Now += vault.Options.StateRevalidation * 2;
        var before = ((SlowTenantReads)(object)store).TenantReads;

        await Task.WhenAll(Enumerable.Range(0, 16).Select(_ =>
            vault.Pseudonyms.TokenizeAsync(Redactor, "t1", [new TokenizeInput("PERSON", "Sample Person One")])));

        Assert.That(((SlowTenantReads)(object)store).TenantReads - before, Is.EqualTo(1));
    }

    /// <summary>The store with a slow tenant read, so that concurrent callers queue behind it, and a count of them.</summary>
    public class SlowTenantReads : DispatchProxy
    {
        private IVaultStore _inner = null!;
        private int _tenantReads;

        public int TenantReads => Volatile.Read(ref _tenantReads);

        public static IVaultStore Wrap(IVaultStore inner)
        {
            var store = Create<IVaultStore, SlowTenantReads>();
            ((SlowTenantReads)(object)store)._inner = inner;
            return store;
        }

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
        {
            ArgumentNullException.ThrowIfNull(targetMethod);
            var result = targetMethod.Invoke(_inner, args);
            if (targetMethod.Name != nameof(IVaultStore.GetTenantAsync))
            {
                return result;
            }

            Interlocked.Increment(ref _tenantReads);
            return SlowlyAsync((Task<TenantRecord?>)result!);
        }

        private static async Task<TenantRecord?> SlowlyAsync(Task<TenantRecord?> read)
        {
            await Task.Delay(100);
            return await read;
        }
    }
}

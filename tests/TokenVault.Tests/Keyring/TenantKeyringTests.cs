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

    [Test]
    public async Task A_change_notification_that_arrives_while_the_tenant_row_is_read_makes_the_next_call_read_it_again()
    {
        using var folder = new KeyDirectory();
        var clock = new ManualClock();
        var store = SlowTenantReads.Wrap(new SqliteVaultStore(Path.Combine(folder.Location, "vault", "vault.db"), clock));
        var reads = (SlowTenantReads)(object)store;
        await using var vault = await VaultRuntime.OpenAsync(store, new LocalKekProvider(Path.Combine(folder.Location, "kek"), clock), time: clock);
        await vault.Keys.CreateTenantAsync(Admin, "t1");
        await vault.Pseudonyms.TokenizeAsync(Redactor, "t1", [new TokenizeInput("PERSON", "Sample Person One")]);
        clock.Now += vault.Options.StateRevalidation * 2;

        // The re-read's row may predate the change the notification announces (a kill switch, say).
        reads.DuringRead = () => vault.Keyring.Invalidate("t1");
        await vault.Pseudonyms.TokenizeAsync(Redactor, "t1", [new TokenizeInput("PERSON", "Sample Person One")]);
        reads.DuringRead = null;
        var afterRacedRead = reads.TenantReads;
        await vault.Pseudonyms.TokenizeAsync(Redactor, "t1", [new TokenizeInput("PERSON", "Sample Person One")]);
        var afterNextCall = reads.TenantReads;
        await vault.Pseudonyms.TokenizeAsync(Redactor, "t1", [new TokenizeInput("PERSON", "Sample Person One")]);

        Assert.That((afterNextCall - afterRacedRead, reads.TenantReads - afterNextCall), Is.EqualTo((1, 0)),
            "the call after the raced read reads the row again; the one after that is served from the fresh state");
    }

    /// <summary>The store with a slow tenant read, so that concurrent callers queue behind it, and a count of them.</summary>
    public class SlowTenantReads : DispatchProxy
    {
        private IVaultStore _inner = null!;
        private int _tenantReads;

        public int TenantReads => Volatile.Read(ref _tenantReads);

        /// <summary>Runs while a tenant read is in flight (after the row was read, before it is returned).</summary>
        public Action? DuringRead { get; set; }

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
            return SlowlyAsync((Task<TenantRecord?>)result!, DuringRead);
        }

        private static async Task<TenantRecord?> SlowlyAsync(Task<TenantRecord?> read, Action? duringRead)
        {
            await Task.Delay(100);
            var tenant = await read;
            duringRead?.Invoke();
            return tenant;
        }
    }
}

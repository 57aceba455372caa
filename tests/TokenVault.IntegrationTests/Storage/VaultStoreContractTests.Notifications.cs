using System.Threading.Channels;
using NUnit.Framework;
using PrivateInference.TokenVault.Storage;
using static PrivateInference.TokenVault.IntegrationTests.Storage.VaultTestData;

namespace PrivateInference.TokenVault.IntegrationTests.Storage;

public abstract partial class VaultStoreContractTests
{
    /// <summary>How long a change may take to reach another store's listener.</summary>
    protected static readonly TimeSpan NotificationDeadline = TimeSpan.FromSeconds(2);

    [Test]
    public async Task Every_tenant_change_on_one_store_reaches_a_listener_on_another_within_two_seconds()
    {
        string tenantId = await CreateTenantAsync();
        await using Listener listener = await Listener.StartAsync(OpenStore());

        await Store.SetTenantStateAsync(tenantId, TenantState.Disabled);
        Assert.That(await listener.NextAsync(NotificationDeadline), Is.EqualTo(tenantId), "state");

        await Store.AddDataKeyAsync(NewKey(tenantId, DataKeyPurpose.Value, 2));
        Assert.That(await listener.NextAsync(NotificationDeadline), Is.EqualTo(tenantId), "new key");

        DataKeyRecord[] keys = (await Store.GetDataKeysAsync(tenantId)).Select(k => k with { WrappedKey = WrappedKey(), KekVersion = 2 }).ToArray();
        await Store.RewrapDataKeysAsync(tenantId, 1, 2, keys);
        Assert.That(await listener.NextAsync(NotificationDeadline), Is.EqualTo(tenantId), "rewrap");

        await Store.DestroyTenantDataAsync(tenantId);
        Assert.That(await listener.NextAsync(NotificationDeadline), Is.EqualTo(tenantId), "destroy");
    }

    [Test]
    public async Task A_change_that_changes_nothing_or_fails_is_not_announced()
    {
        string tenantId = await CreateTenantAsync();
        await using Listener listener = await Listener.StartAsync(OpenStore());

        Assert.That(await Store.RewrapDataKeysAsync(tenantId, 5, 6, []), Is.False);
        Assert.That(() => Store.AddDataKeyAsync(NewKey(tenantId, DataKeyPurpose.Value, 1)), Throws.InvalidOperationException);
        await Store.SetTenantStateAsync(tenantId, TenantState.Disabled);

        Assert.That(await listener.NextAsync(NotificationDeadline), Is.EqualTo(tenantId));
        Assert.That(await listener.NextAsync(TimeSpan.FromMilliseconds(300)), Is.Null, "only the state change was announced");
    }

    [Test]
    public async Task Erasing_or_re_encrypting_rows_moves_the_data_generation_and_reaches_a_listener_and_changing_no_row_does_neither()
    {
        string tenantId = await CreateTenantAsync();
        byte[] subject = Fingerprint();
        IReadOnlyList<TokenRecord> rows = await Store.InsertOrGetAsync(tenantId, [Token(subjectRef: subject), Token()], Now);
        await using Listener listener = await Listener.StartAsync(OpenStore());
        long start = await GenerationAsync(tenantId);

        Assert.That(await Store.EraseSubjectAsync(tenantId, Fingerprint()), Is.Zero);
        Assert.That(await Store.ReplaceCiphertextsAsync(tenantId, [new(rows[1].TokenId, 7, Ciphertext(), 8)]), Is.Zero);
        Assert.That(await listener.NextAsync(TimeSpan.FromMilliseconds(300)), Is.Null, "no row changed: nothing announced");
        Assert.That(await GenerationAsync(tenantId), Is.EqualTo(start), "no row changed: the generation stays");

        Assert.That(await Store.ReplaceCiphertextsAsync(tenantId, [new(rows[1].TokenId, 1, Ciphertext(), 2)]), Is.EqualTo(1));
        Assert.That(await listener.NextAsync(NotificationDeadline), Is.EqualTo(tenantId), "re-encryption");
        Assert.That(await GenerationAsync(tenantId), Is.EqualTo(start + 1));

        Assert.That(await Store.EraseSubjectAsync(tenantId, subject), Is.EqualTo(1));
        Assert.That(await listener.NextAsync(NotificationDeadline), Is.EqualTo(tenantId), "erasure");
        Assert.That(await GenerationAsync(tenantId), Is.EqualTo(start + 2));

        await Store.SetTenantStateAsync(tenantId, TenantState.Disabled);
        Assert.That(await GenerationAsync(tenantId), Is.EqualTo(start + 3), "state change");
        await Store.DestroyTenantDataAsync(tenantId);
        Assert.That(await GenerationAsync(tenantId), Is.EqualTo(start + 4), "destruction");
        Assert.That((await Store.ListTenantsAsync()).Single(t => t.TenantId == tenantId).DataGeneration, Is.EqualTo(start + 4), "listed as read");
    }

    [Test]
    public async Task A_new_tenant_starts_at_data_generation_zero_whatever_the_record_says()
    {
        var tenant = new TenantRecord(TenantId(), "kek", 1, TenantState.Active, Now, DataGeneration: 41);

        Assert.That(await Store.CreateTenantAsync(tenant, []), Is.True);

        Assert.That((await OpenStore().GetTenantAsync(tenant.TenantId))!.DataGeneration, Is.Zero);
    }

    /// <summary>The tenant's data generation as another store reads it.</summary>
    private async Task<long> GenerationAsync(string tenantId) => (await OpenStore().GetTenantAsync(tenantId))!.DataGeneration;

    [Test]
    public async Task A_listener_ends_quietly_when_cancelled()
    {
        Listener listener = await Listener.StartAsync(OpenStore());

        await listener.DisposeAsync();

        Assert.That(listener.Task.IsCompletedSuccessfully, Is.True);
    }

    /// <summary>Runs <see cref="IVaultStore.ListenForTenantChangesAsync"/> and queues what it hears.</summary>
    protected sealed class Listener : IAsyncDisposable
    {
        private readonly Channel<string?> _heard = Channel.CreateUnbounded<string?>();
        private readonly CancellationTokenSource _stop = new();

        private Listener(IVaultStore store)
        {
            Task = store.ListenForTenantChangesAsync(tenantId => _heard.Writer.TryWrite(tenantId), _stop.Token);
        }

        public Task Task { get; }

        /// <summary>Starts listening and waits for the "listening now" call (null).</summary>
        public static async Task<Listener> StartAsync(IVaultStore store)
        {
            var listener = new Listener(store);
            Assert.That(await listener.NextAsync(TimeSpan.FromSeconds(10), ready: true), Is.Null, "the listener says when it is listening");
            return listener;
        }

        /// <summary>The next tenant heard; null when nothing came in time (or, with <paramref name="ready"/>, the ready call).</summary>
        public async Task<string?> NextAsync(TimeSpan timeout, bool ready = false)
        {
            using var timer = new CancellationTokenSource(timeout);
            try
            {
                string? heard = await _heard.Reader.ReadAsync(timer.Token);
                Assert.That(heard is null, Is.EqualTo(ready), ready ? "expected the ready call" : "unexpected reconnect call");
                return heard;
            }
            catch (OperationCanceledException)
            {
                Assert.That(ready, Is.False, "the listener never said it was listening");
                return null;
            }
        }

        /// <summary>Waits for a null call: the listener reconnected.</summary>
        public async Task<bool> ReconnectedAsync(TimeSpan timeout)
        {
            using var timer = new CancellationTokenSource(timeout);
            try
            {
                while (await _heard.Reader.ReadAsync(timer.Token) is not null)
                {
                }

                return true;
            }
            catch (OperationCanceledException)
            {
                return false;
            }
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            await Task.WaitAsync(TimeSpan.FromSeconds(10));
            _stop.Dispose();
        }
    }
}

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

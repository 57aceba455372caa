using System.Runtime.ExceptionServices;
using PrivateInference.TokenVault.Audit;
using PrivateInference.TokenVault.Authorization;
using PrivateInference.TokenVault.Keyring;
using PrivateInference.TokenVault.Storage;

namespace PrivateInference.TokenVault.Lifecycle;

/// <summary>
/// A replica's background work: follows tenant change notifications (the kill switch's fast path), purges
/// expired tokens, and re-encrypts rows after a DEK rotation.
/// </summary>
internal sealed class VaultBackgroundService(IVaultStore store, TenantKeyring keyring, Reencryption reencryption, AuditTrail audit, VaultOptions options, TimeProvider time, ILogger<VaultBackgroundService> logger) : BackgroundService
{
    private readonly TaskCompletionSource _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes once the first LISTEN has taken effect and the caches it invalidates have been dropped: from then
    /// on this replica hears other replicas' changes (tests, and a readiness check, wait for it).</summary>
    public Task Listening => _listening.Task;

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(ListenAsync(stoppingToken), MaintainAsync(stoppingToken));

    private void OnTenantChanged(string? tenantId)
    {
        keyring.Invalidate(tenantId);
        if (tenantId is null)
        {
            _listening.TrySetResult();
        }
    }

    private async Task ListenAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await store.ListenForTenantChangesAsync(OnTenantChanged, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // Revalidation keeps the kill switch within its bound meanwhile.
                VaultLog.NotificationsInterrupted(logger, ex.GetType().Name);
                keyring.Invalidate(null);
                await Task.Delay(TimeSpan.FromSeconds(1), time, stoppingToken).ConfigureAwait(false);
            }
        }
    }

    private async Task MaintainAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await RunOnceAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                VaultLog.JobFailed(logger, "maintenance", ex.GetType().Name);
            }

            try
            {
                await Task.Delay(options.PurgeInterval, time, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>One pass: purge expired rows of every tenant, then re-encrypt every active tenant's older rows. A tenant
    /// whose keys cannot be used (its KEK refused at the provider, say) does not hold up the others; the first such
    /// refusal is thrown after the pass.</summary>
    internal async Task RunOnceAsync(CancellationToken cancellationToken)
    {
        var purged = await TenantKeyring.Stored(() => store.PurgeExpiredAsync(time.GetUtcNow(), 10_000, cancellationToken)).ConfigureAwait(false);
        foreach (var (tenantId, rows) in purged)
        {
            if (rows > 0)
            {
                await audit.WriteAsync(tenantId, Caller.System, "token.purge_expired", "ok", new AuditDetail().Add("rows", rows)).ConfigureAwait(false);
                VaultLog.Purged(logger, rows);
            }
        }

        VaultException? failed = null;
        foreach (var tenant in await TenantKeyring.Stored(() => store.ListTenantsAsync(cancellationToken)).ConfigureAwait(false))
        {
            if (tenant.State != TenantState.Active)
            {
                continue;
            }

            try
            {
                int moved;
                do
                {
                    moved = await reencryption.StepAsync(tenant.TenantId, cancellationToken).ConfigureAwait(false);
                    if (moved > 0)
                    {
                        VaultLog.Reencrypted(logger, moved, tenant.TenantId);
                    }
                }
                while (moved > 0 && !cancellationToken.IsCancellationRequested);
            }
            catch (VaultException ex)
            {
                VaultLog.JobFailed(logger, "reencrypt", ex.Reason);
                failed ??= ex;
            }
        }

        if (failed is not null)
        {
            ExceptionDispatchInfo.Throw(failed);
        }
    }
}

using System.Globalization;
using PrivateInference.TokenVault.Authorization;
using PrivateInference.TokenVault.Keyring;
using PrivateInference.TokenVault.Storage;

namespace PrivateInference.TokenVault.Audit;

/// <summary>
/// The opt-in checkpoint schedule (<c>PI_AUDIT_CHECKPOINT_INTERVAL</c>, <see cref="VaultOptions.AuditCheckpointInterval"/>):
/// every interval, a signed checkpoint of each chain whose head moved since its newest checkpoint, written, logged and
/// recorded like <see cref="AuditQueries.CheckpointAsync"/> by the vault itself (<see cref="Caller.System"/>).
/// </summary>
/// <remarks>
/// <para>
/// "Moved" ignores the checkpoints' own records: a checkpoint at seq N is recorded on the chain as N + 1
/// (<c>audit.checkpoint</c>), so a chain whose records after its newest checkpoint are only such records has not moved,
/// and a quiet chain gets no checkpoint, however many ticks pass.
/// </para>
/// <para>
/// Every replica may run it. Two replicas that sign the same head race for one (tenant, seq) row: the store keeps the
/// first and the second writes nothing, logs nothing and records nothing. A replica that reads the head after the
/// winner recorded its checkpoint signs that record's seq: one extra checkpoint, never a wrong one.
/// </para>
/// </remarks>
internal sealed class ScheduledCheckpoints(IVaultStore store, AuditQueries audit, VaultOptions options, TimeProvider time, ILogger logger) : BackgroundService
{
    /// <summary>Parses an interval as <c>PI_AUDIT_CHECKPOINT_INTERVAL</c> gives it: a positive whole number with a unit,
    /// <c>s</c>, <c>m</c>, <c>h</c> or <c>d</c> (<c>15m</c>), or a .NET time span (<c>00:15:00</c>); null or blank is off.</summary>
    /// <exception cref="FormatException">Anything else (the host does not start with a schedule it cannot read).</exception>
    public static TimeSpan? ParseInterval(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        text = text.Trim();
        TimeSpan? interval = text[^1] switch
        {
            's' => Whole(text, TimeSpan.FromSeconds),
            'm' => Whole(text, TimeSpan.FromMinutes),
            'h' => Whole(text, TimeSpan.FromHours),
            'd' => Whole(text, TimeSpan.FromDays),
            // A bare number would be days to TimeSpan (900 meant as seconds: 900 days): a unit or a colon is required.
            _ => text.Contains(':', StringComparison.Ordinal) && TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var span) ? span : null,
        };
        return interval is { } positive && positive > TimeSpan.Zero
            ? positive
            : throw new FormatException("PI_AUDIT_CHECKPOINT_INTERVAL is not an interval such as 15m, 1h or 00:15:00.");

        static TimeSpan? Whole(string text, Func<double, TimeSpan> unit) =>
            int.TryParse(text.AsSpan(0, text.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var count) ? unit(count) : null;
    }

    /// <summary>One tick: a checkpoint of every chain that moved. A chain that cannot be signed does not hold up the
    /// others: its refusal is recorded on it (a broken chain: <c>audit_chain_broken</c>, again every tick while it stays
    /// broken) and logged.</summary>
    /// <returns>The checkpoints this replica stored.</returns>
    internal async Task<IReadOnlyList<SignedAuditCheckpoint>> RunOnceAsync(CancellationToken cancellationToken)
    {
        var chains = await TenantKeyring.Stored(() => store.ListAuditTenantsAsync(cancellationToken)).ConfigureAwait(false);
        var written = new List<SignedAuditCheckpoint>();
        foreach (var chain in chains)
        {
            try
            {
                if (await MovedAsync(chain, cancellationToken).ConfigureAwait(false)
                    && await audit.WriteCheckpointAsync(Caller.System, chain, scheduled: true, cancellationToken).ConfigureAwait(false) is { } checkpoint)
                {
                    written.Add(checkpoint);
                }
            }
            catch (VaultException ex)
            {
                VaultLog.JobFailed(logger, "audit_checkpoint", ex.Reason);
            }
        }

        VaultLog.ScheduledCheckpoints(logger, written.Count, chains.Count);
        return written;
    }

    /// <summary>True when the chain has a record after its newest checkpoint other than a checkpoint's own record.</summary>
    private async Task<bool> MovedAsync(string tenantId, CancellationToken cancellationToken)
    {
        var checkpoints = await TenantKeyring.Stored(() => store.GetAuditCheckpointsAsync(tenantId, cancellationToken)).ConfigureAwait(false);
        var head = await TenantKeyring.Stored(() => store.GetAuditHeadAsync(tenantId, cancellationToken)).ConfigureAwait(false);
        var last = checkpoints.Count == 0 ? 0 : checkpoints[^1].Seq;
        if (head.Seq <= last)
        {
            return false;
        }

        await foreach (var record in TenantKeyring.Stored(store.ReadAuditAsync(tenantId, last + 1, cancellationToken), cancellationToken).ConfigureAwait(false))
        {
            if (record.Seq > head.Seq)
            {
                break;
            }

            if (record.Action != AuditQueries.CheckpointAction || record.Outcome != "ok")
            {
                return true;
            }
        }

        return false;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.AuditCheckpointInterval is not { } interval)
        {
            return;
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(interval, time, stoppingToken).ConfigureAwait(false);
                await RunOnceAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                VaultLog.JobFailed(logger, "audit_checkpoint", ex.GetType().Name);
            }
        }
    }
}

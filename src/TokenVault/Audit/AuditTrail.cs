using System.Threading.Channels;
using PrivateInference.TokenVault.Pseudonymization;
using PrivateInference.TokenVault.Storage;

namespace PrivateInference.TokenVault.Audit;

/// <summary>
/// Writes audit records with group commit: concurrent operations' entries are appended to their tenants'
/// hash chains in one transaction, and each operation continues only after its entry is durable.
/// </summary>
/// <remarks>
/// Fail closed: when the append fails, every waiting operation fails with UNAVAILABLE and returns nothing
/// (a Detokenize never releases values whose reveal is not on the record). Group commit keeps the chain's
/// per-tenant serialization from capping throughput: one lock on the chain head per batch, not per call.
/// </remarks>
internal sealed class AuditTrail : IAsyncDisposable
{
    public const string SystemTenant = VaultStoreChecks.SystemAuditTenant;
    private const int MaxGroup = 512;

    private readonly IVaultStore _store;
    private readonly TimeProvider _time;
    private readonly Channel<Pending> _queue = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _writer;

    public AuditTrail(IVaultStore store, TimeProvider time)
    {
        _store = store;
        _time = time;
        _writer = Task.Run(WriteLoopAsync);
    }

    /// <summary>Appends one record and waits until it is stored; returns its seq in the tenant's chain.</summary>
    /// <exception cref="VaultException">UNAVAILABLE when it could not be written.</exception>
    public Task<long> WriteAsync(string tenantId, Authorization.Caller caller, string action, string outcome, AuditDetail detail)
    {
        var at = _time.GetUtcNow();
        at = at.AddTicks(-(at.Ticks % 10)); // microseconds: what PostgreSQL keeps
        var pending = new Pending(new AuditEntry(tenantId, at, caller.Subject, action, outcome, detail.ToJson()));
        if (!_queue.Writer.TryWrite(pending))
        {
            throw Unavailable(null);
        }

        return pending.Done.Task;
    }

    /// <summary>Records a refusal; never throws, because the refusal is returned either way and an unwritable trail is
    /// already failing every operation. Refusals without a known tenant go to the system chain, so an unknown or
    /// invalid input never names a chain.</summary>
    public Task WriteRefusalAsync(string? tenantId, Authorization.Caller caller, string action, VaultException refusal, AuditDetail detail)
    {
        var chain = refusal.Reason is "unknown_tenant" or "invalid_tenant_id" || !PseudonymService.IsValidTenantId(tenantId)
            ? SystemTenant
            : tenantId!;
        return TryWriteAsync(chain, caller, action, "refused:" + refusal.Reason, detail);
    }

    /// <summary>Appends a record whose failure changes nothing for the caller (the outcome of a call that fails
    /// either way); never throws.</summary>
    public async Task TryWriteAsync(string tenantId, Authorization.Caller caller, string action, string outcome, AuditDetail detail)
    {
        try
        {
            await WriteAsync(tenantId, caller, action, outcome, detail).ConfigureAwait(false);
        }
        catch (VaultException)
        {
            // The call's own failure stands either way.
        }
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _writer.ConfigureAwait(false);
    }

    private async Task WriteLoopAsync()
    {
        var group = new List<Pending>(MaxGroup);
        var reader = _queue.Reader;
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            group.Clear();
            while (group.Count < MaxGroup && reader.TryRead(out var pending))
            {
                group.Add(pending);
            }

            try
            {
                var records = await _store.AppendAuditAsync(group.Select(p => p.Entry).ToArray()).ConfigureAwait(false);
                for (var i = 0; i < group.Count; i++)
                {
                    group[i].Done.TrySetResult(records[i].Seq);
                }
            }
            catch (Exception ex)
            {
                foreach (var pending in group)
                {
                    pending.Done.TrySetException(Unavailable(ex));
                }
            }
        }
    }

    private static VaultException Unavailable(Exception? inner) =>
        new(VaultErrorKind.Unavailable, "The audit trail could not be written; the operation was not completed.", "audit_unavailable", inner);

    private sealed record Pending(AuditEntry Entry)
    {
        public TaskCompletionSource<long> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}

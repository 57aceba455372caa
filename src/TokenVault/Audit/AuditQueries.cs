using System.Runtime.CompilerServices;
using PrivateInference.TokenVault.Authorization;
using PrivateInference.TokenVault.Pseudonymization;
using PrivateInference.TokenVault.Storage;

namespace PrivateInference.TokenVault.Audit;

/// <summary>The auditors' view of the trail: chain verification and export. Both need the auditor role and
/// are themselves recorded.</summary>
public sealed class AuditQueries
{
    private readonly IVaultStore _store;
    private readonly AuditTrail _trail;

    internal AuditQueries(IVaultStore store, AuditTrail trail)
    {
        _store = store;
        _trail = trail;
    }

    /// <summary>Tenants (and the "_system" chain) that have audit records.</summary>
    public async Task<IReadOnlyList<string>> ListChainsAsync(Caller caller, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(caller);
        caller.Require(VaultRoles.Auditor);
        return await _store.ListAuditTenantsAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Verifies the tenant's whole chain and pinpoints the first broken record.</summary>
    public async Task<AuditVerification> VerifyAsync(Caller caller, string tenantId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(caller);
        caller.Require(VaultRoles.Auditor);
        ValidateChain(tenantId);
        // The head first: records appended while the chain is read are newer than it and are left for the next check.
        var head = await _store.GetAuditHeadAsync(tenantId, cancellationToken).ConfigureAwait(false);
        AuditRecord? last = null;
        var records = UpTo(_store.ReadAuditAsync(tenantId, 1, cancellationToken), head?.Seq ?? 0, r => last = r);
        var result = await AuditVerifier.VerifyAsync(records, null, cancellationToken).ConfigureAwait(false);
        if (result.IsIntact)
        {
            result = AgainstHead(result, last, head);
        }

        var detail = new AuditDetail().Add("records", result.Verified).Add("intact", result.IsIntact);
        if (!result.IsIntact)
        {
            detail.Add("broken_at_seq", result.BrokenAtSeq ?? 0).Add("break", result.Break.ToString()!);
        }

        // Recorded on the chain it checked, after checking it, so the check itself never breaks what it read.
        await _trail.WriteAsync(tenantId, caller, "audit.verify", result.IsIntact ? "ok" : "broken", detail).ConfigureAwait(false);
        return result;
    }

    /// <summary>The tenant's records from <paramref name="fromSeq"/>, in order. The export is recorded before the first
    /// record is returned.</summary>
    public async IAsyncEnumerable<AuditRecord> ExportAsync(Caller caller, string tenantId, long fromSeq = 1, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(caller);
        caller.Require(VaultRoles.Auditor);
        ValidateChain(tenantId);
        await _trail.WriteAsync(tenantId, caller, "audit.export", "ok", new AuditDetail().Add("from_seq", fromSeq)).ConfigureAwait(false);
        await foreach (var record in _store.ReadAuditAsync(tenantId, Math.Max(1, fromSeq), cancellationToken).ConfigureAwait(false))
        {
            yield return record;
        }
    }

    /// <summary>An intact chain must also end where the appenders left its head: a cut tail (newest records deleted) is
    /// reported at the first missing seq, an edited newest record at its seq.</summary>
    internal static AuditVerification AgainstHead(AuditVerification intact, AuditRecord? last, AuditCheckpoint? head)
    {
        var lastSeq = last?.Seq ?? 0;
        if (head is null)
        {
            return intact;
        }

        if (head.Seq > lastSeq)
        {
            return new AuditVerification(intact.Verified, lastSeq + 1, AuditBreak.SeqGap);
        }

        return last is not null && !last.Hash.AsSpan().SequenceEqual(head.Hash)
            ? new AuditVerification(intact.Verified, lastSeq, AuditBreak.HashMismatch)
            : intact;
    }

    /// <summary>The records up to the head's seq (all when there is no head), remembering the last one passed on.</summary>
    private static async IAsyncEnumerable<AuditRecord> UpTo(IAsyncEnumerable<AuditRecord> records, long headSeq, Action<AuditRecord> seen)
    {
        await foreach (var record in records.ConfigureAwait(false))
        {
            if (headSeq > 0 && record.Seq > headSeq)
            {
                yield break;
            }

            seen(record);
            yield return record;
        }
    }

    private static void ValidateChain(string tenantId)
    {
        if (tenantId != AuditTrail.SystemTenant)
        {
            PseudonymService.ValidateTenantId(tenantId);
        }
    }
}

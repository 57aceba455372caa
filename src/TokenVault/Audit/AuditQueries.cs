using System.Runtime.CompilerServices;
using PrivateInference.TokenVault.Authorization;
using PrivateInference.TokenVault.Keyring;
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
        await AuthorizeAsync(caller, null, "audit.list_chains").ConfigureAwait(false);
        return await TenantKeyring.Stored(() => _store.ListAuditTenantsAsync(cancellationToken)).ConfigureAwait(false);
    }

    /// <summary>Verifies the tenant's whole chain, pinpoints the first broken record and names the key changes whose
    /// outcome is unknown.</summary>
    /// <remarks>The chain must also reach the head the store keeps (read first, so records appended meanwhile only
    /// lie beyond it): deleting the newest records leaves an intact shorter chain that only the head reveals.</remarks>
    public async Task<AuditVerification> VerifyAsync(Caller caller, string tenantId, CancellationToken cancellationToken = default)
    {
        await AuthorizeAsync(caller, tenantId, "audit.verify").ConfigureAwait(false);
        var head = await TenantKeyring.Stored(() => _store.GetAuditHeadAsync(tenantId, cancellationToken)).ConfigureAwait(false);
        var result = await AuditVerifier.VerifyAsync(TenantKeyring.Stored(_store.ReadAuditAsync(tenantId, 1, cancellationToken), cancellationToken), null, head, cancellationToken).ConfigureAwait(false);
        var detail = new AuditDetail().Add("records", result.Verified).Add("intact", result.IsIntact);
        if (!result.IsIntact)
        {
            detail.Add("broken_at_seq", result.BrokenAtSeq ?? 0).Add("break", result.Break.ToString()!);
        }

        if (result.OutcomeUnknown.Count > 0)
        {
            detail.Add("outcome_unknown", result.OutcomeUnknown.Count);
        }

        // Recorded on the chain it checked, after checking it, so the check itself never breaks what it read.
        await _trail.WriteAsync(tenantId, caller, "audit.verify", result.IsIntact ? "ok" : "broken", detail).ConfigureAwait(false);
        return result;
    }

    /// <summary>The tenant's records from <paramref name="fromSeq"/>, in order. The export is recorded before the first
    /// record is returned.</summary>
    public async IAsyncEnumerable<AuditRecord> ExportAsync(Caller caller, string tenantId, long fromSeq = 1, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await AuthorizeAsync(caller, tenantId, "audit.export").ConfigureAwait(false);
        await _trail.WriteAsync(tenantId, caller, "audit.export", "ok", new AuditDetail().Add("from_seq", fromSeq)).ConfigureAwait(false);
        await foreach (var record in TenantKeyring.Stored(_store.ReadAuditAsync(tenantId, Math.Max(1, fromSeq), cancellationToken), cancellationToken).ConfigureAwait(false))
        {
            yield return record;
        }
    }

    /// <summary>Requires the auditor role and a valid chain name (a tenant ID or "_system"); records a refusal.</summary>
    private async Task AuthorizeAsync(Caller caller, string? tenantId, string action)
    {
        ArgumentNullException.ThrowIfNull(caller);
        try
        {
            caller.Require(VaultRoles.Auditor);
            if (tenantId is not null && tenantId != AuditTrail.SystemTenant)
            {
                PseudonymService.ValidateTenantId(tenantId);
            }
        }
        catch (VaultException ex)
        {
            await _trail.WriteRefusalAsync(tenantId, caller, action, ex, new AuditDetail()).ConfigureAwait(false);
            throw;
        }
    }
}

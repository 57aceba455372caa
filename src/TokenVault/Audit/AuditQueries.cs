using System.Runtime.CompilerServices;
using PrivateInference.TokenVault.Authorization;
using PrivateInference.TokenVault.Keyring;
using PrivateInference.TokenVault.Keys;
using PrivateInference.TokenVault.Pseudonymization;
using PrivateInference.TokenVault.Storage;

namespace PrivateInference.TokenVault.Audit;

/// <summary>The auditors' view of the trail: chain verification and export. Both need the auditor role and
/// are themselves recorded.</summary>
public sealed class AuditQueries
{
    private readonly IVaultStore _store;
    private readonly AuditTrail _trail;
    private readonly IKekProvider _kek;
    private readonly TimeProvider _time;

    internal AuditQueries(IVaultStore store, AuditTrail trail, IKekProvider kek, TimeProvider time)
    {
        _store = store;
        _trail = trail;
        _kek = kek;
        _time = time;
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
    /// <remarks>Then against every stored signed checkpoint whose signature verifies under the audit signing key: the
    /// chain must hold the signed hash at the signed seq. That catches a tail rewritten with recomputed hashes and head,
    /// which the chain and the head alone cannot; checkpoints whose signature does not verify are reported as invalid.</remarks>
    public async Task<AuditVerification> VerifyAsync(Caller caller, string tenantId, CancellationToken cancellationToken = default)
    {
        await AuthorizeAsync(caller, tenantId, "audit.verify").ConfigureAwait(false);
        var (valid, invalid) = await SignedCheckpointsAsync(caller, tenantId, "audit.verify", cancellationToken).ConfigureAwait(false);
        var head = await TenantKeyring.Stored(() => _store.GetAuditHeadAsync(tenantId, cancellationToken)).ConfigureAwait(false);
        var result = await AuditVerifier.VerifyAsync(TenantKeyring.Stored(_store.ReadAuditAsync(tenantId, 1, cancellationToken), cancellationToken), null, head, valid, cancellationToken).ConfigureAwait(false);
        result = result with { CheckpointsVerified = valid.Count, InvalidCheckpoints = invalid };
        var detail = new AuditDetail().Add("records", result.Verified).Add("intact", result.IsIntact);
        if (valid.Count > 0)
        {
            detail.Add("checkpoints", valid.Count);
        }

        if (invalid.Count > 0)
        {
            detail.Add("invalid_checkpoints", invalid.Count);
        }

        if (!result.IsIntact)
        {
            detail.Add("broken_at_seq", result.BrokenAtSeq ?? 0).Add("break", result.Break.ToString()!);
        }

        if (result.OutcomeUnknown.Count > 0)
        {
            detail.Add("outcome_unknown", result.OutcomeUnknown.Count);
        }

        // Recorded on the chain it checked, after checking it, so the check itself never breaks what it read.
        await _trail.WriteAsync(tenantId, caller, "audit.verify", result.IsIntact && invalid.Count == 0 ? "ok" : "broken", detail).ConfigureAwait(false);
        return result;
    }

    /// <summary>Signs the tenant's chain head as it is now and stores the checkpoint; returns it.</summary>
    /// <remarks>The chain is verified first, from the newest valid checkpoint (or the start) to the head, so the vault
    /// never signs a head that does not follow from what it signed before; a broken chain is refused
    /// (FAILED_PRECONDITION, <c>audit_chain_broken</c>). The checkpoint is recorded on the chain after it is stored.</remarks>
    public async Task<SignedAuditCheckpoint> CheckpointAsync(Caller caller, string tenantId, CancellationToken cancellationToken = default)
    {
        const string Action = "audit.checkpoint";
        await AuthorizeAsync(caller, tenantId, Action).ConfigureAwait(false);
        try
        {
            var (valid, _) = await SignedCheckpointsAsync(caller, tenantId, Action, cancellationToken).ConfigureAwait(false);
            var from = valid.Count == 0 ? AuditCheckpoint.Genesis : valid[^1];
            var head = await TenantKeyring.Stored(() => _store.GetAuditHeadAsync(tenantId, cancellationToken)).ConfigureAwait(false);
            var check = await AuditVerifier.VerifyAsync(TenantKeyring.Stored(_store.ReadAuditAsync(tenantId, from.Seq + 1, cancellationToken), cancellationToken), from, head, cancellationToken: cancellationToken).ConfigureAwait(false);
            if (!check.IsIntact)
            {
                throw new VaultException(VaultErrorKind.FailedPrecondition, "The audit chain does not verify; it is not signed.", "audit_chain_broken");
            }

            var at = _time.GetUtcNow();
            at = at.AddTicks(-(at.Ticks % 10));
            var publicKey = Provider(_kek.GetAuditSigningPublicKey);
            var keyId = AuditCheckpointSignature.KeyId(publicKey);
            var message = AuditCheckpointSignature.Message(tenantId, head.Seq, head.Hash, at, keyId);
            var checkpoint = new SignedAuditCheckpoint(tenantId, head.Seq, head.Hash, at, keyId, Provider(() => _kek.SignAuditCheckpoint(message)));
            await TenantKeyring.Stored(() => _store.AddAuditCheckpointAsync(checkpoint, cancellationToken)).ConfigureAwait(false);
            await _trail.WriteAsync(tenantId, caller, Action, "ok", new AuditDetail().Add("seq", head.Seq).Add("key_id", keyId)).ConfigureAwait(false);
            return checkpoint;
        }
        catch (VaultException ex) when (ex.Kind != VaultErrorKind.Unavailable || ex.Reason != "audit_unavailable")
        {
            await _trail.WriteRefusalAsync(tenantId, caller, Action, ex, new AuditDetail()).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>The tenant's stored checkpoints (for offline verification with <see cref="GetPublicKeyPemAsync"/>).</summary>
    public async Task<IReadOnlyList<SignedAuditCheckpoint>> ListCheckpointsAsync(Caller caller, string tenantId, CancellationToken cancellationToken = default)
    {
        await AuthorizeAsync(caller, tenantId, "audit.checkpoints").ConfigureAwait(false);
        var checkpoints = await TenantKeyring.Stored(() => _store.GetAuditCheckpointsAsync(tenantId, cancellationToken)).ConfigureAwait(false);
        await _trail.WriteAsync(tenantId, caller, "audit.checkpoints", "ok", new AuditDetail().Add("checkpoints", checkpoints.Count)).ConfigureAwait(false);
        return checkpoints;
    }

    /// <summary>The audit signing key's public half (PEM), with which anyone checks checkpoints offline.</summary>
    public async Task<(string Pem, string KeyId)> GetPublicKeyPemAsync(Caller caller, CancellationToken cancellationToken = default)
    {
        const string Action = "audit.public_key";
        await AuthorizeAsync(caller, null, Action).ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        try
        {
            var publicKey = Provider(_kek.GetAuditSigningPublicKey);
            var keyId = AuditCheckpointSignature.KeyId(publicKey);
            await _trail.WriteAsync(AuditTrail.SystemTenant, caller, Action, "ok", new AuditDetail().Add("key_id", keyId)).ConfigureAwait(false);
            return (AuditCheckpointSignature.Pem(publicKey), keyId);
        }
        catch (VaultException ex) when (ex.Reason == "provider_unavailable")
        {
            await _trail.WriteRefusalAsync(null, caller, Action, ex, new AuditDetail()).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>The tenant's stored checkpoints split by whether their signature verifies under the current audit signing
    /// key: the valid ones as (seq, hash) in seq order, the seqs of the others.</summary>
    private async Task<(List<AuditCheckpoint> Valid, List<long> Invalid)> SignedCheckpointsAsync(Caller caller, string tenantId, string action, CancellationToken cancellationToken)
    {
        var stored = await TenantKeyring.Stored(() => _store.GetAuditCheckpointsAsync(tenantId, cancellationToken)).ConfigureAwait(false);
        var valid = new List<AuditCheckpoint>();
        var invalid = new List<long>();
        if (stored.Count == 0)
        {
            return (valid, invalid);
        }

        byte[] publicKey;
        try
        {
            publicKey = Provider(_kek.GetAuditSigningPublicKey);
        }
        catch (VaultException ex)
        {
            await _trail.WriteRefusalAsync(tenantId, caller, action, ex, new AuditDetail()).ConfigureAwait(false);
            throw;
        }

        foreach (var checkpoint in stored)
        {
            if (checkpoint.TenantId == tenantId && AuditCheckpointSignature.Verify(checkpoint, publicKey))
            {
                valid.Add(new AuditCheckpoint(checkpoint.Seq, checkpoint.HeadHash));
            }
            else
            {
                invalid.Add(checkpoint.Seq);
            }
        }

        return (valid, invalid);
    }

    private static T Provider<T>(Func<T> call)
    {
        try
        {
            return call();
        }
        catch (KeyUnavailableException ex)
        {
            throw new VaultException(VaultErrorKind.Unavailable, "The audit signing key is unavailable.", "provider_unavailable", ex);
        }
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

using System.Runtime.CompilerServices;
using PrivateInference.TokenVault.Authorization;
using PrivateInference.TokenVault.Keyring;
using PrivateInference.TokenVault.Keys;
using PrivateInference.TokenVault.Pseudonymization;
using PrivateInference.TokenVault.Storage;

namespace PrivateInference.TokenVault.Audit;

/// <summary>One version of the audit signing key's public half.</summary>
/// <param name="Version">The key version checkpoints name.</param>
/// <param name="KeyId">Its key ID (<see cref="AuditCheckpointSignature.KeyId"/>), as checkpoints name it too.</param>
/// <param name="Pem">SubjectPublicKeyInfo PEM, EC P-256.</param>
public sealed record AuditPublicKey(int Version, string KeyId, string Pem);

/// <summary>The auditors' view of the trail: chain verification and export. Both need the auditor role and
/// are themselves recorded.</summary>
public sealed class AuditQueries
{
    private readonly IVaultStore _store;
    private readonly AuditTrail _trail;
    private readonly IKekProvider _kek;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    internal AuditQueries(IVaultStore store, AuditTrail trail, IKekProvider kek, TimeProvider time, ILogger? logger = null)
    {
        _store = store;
        _trail = trail;
        _kek = kek;
        _time = time;
        _logger = logger ?? Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;
    }

    /// <summary>Tenants (and the "_system" chain) that have audit records.</summary>
    public async Task<IReadOnlyList<string>> ListChainsAsync(Caller caller, CancellationToken cancellationToken = default)
    {
        await AuthorizeAsync(caller, null, "audit.list_chains").ConfigureAwait(false);
        return await TenantKeyring.Stored(() => _store.ListAuditTenantsAsync(cancellationToken)).ConfigureAwait(false);
    }

    /// <summary>Verifies the tenant's whole chain, pinpoints the first broken record and names the key changes whose
    /// outcome is unknown.</summary>
    /// <remarks>
    /// <para>The chain must also reach the head the store keeps (read first, so records appended meanwhile only lie
    /// beyond it): deleting the newest records leaves an intact shorter chain that only the head reveals.</para>
    /// <para>Then against every stored signed checkpoint whose signature verifies under the audit signing key: the chain
    /// must hold the signed hash at the signed seq. That catches a tail rewritten with recomputed hashes and head, which
    /// the chain and the head alone cannot; checkpoints whose signature does not verify are reported as invalid.</para>
    /// <para>And the checkpoints the chain records against the stored ones: a checkpoint that an "ok"
    /// <c>audit.checkpoint</c> record names and the store no longer holds was deleted (a break,
    /// <see cref="AuditBreak.CheckpointMissing"/>); a stored one no record names is reported, not a break. A failure
    /// (provider or store unavailable) is recorded once, as this call's refusal.</para>
    /// </remarks>
    public async Task<AuditVerification> VerifyAsync(Caller caller, string tenantId, CancellationToken cancellationToken = default)
    {
        const string Action = "audit.verify";
        await AuthorizeAsync(caller, tenantId, Action).ConfigureAwait(false);
        try
        {
            // The head before the checkpoints: every record up to the head was written after the checkpoint it names was stored.
            var head = await TenantKeyring.Stored(() => _store.GetAuditHeadAsync(tenantId, cancellationToken)).ConfigureAwait(false);
            var (valid, invalid, unknown) = await SignedCheckpointsAsync(tenantId, cancellationToken).ConfigureAwait(false);
            long[] stored = [.. valid.Select(c => c.Seq), .. invalid, .. unknown];
            var result = await AuditVerifier.VerifyAsync(TenantKeyring.Stored(_store.ReadAuditAsync(tenantId, 1, cancellationToken), cancellationToken), null, head, valid, stored, cancellationToken).ConfigureAwait(false);
            result = result with { CheckpointsVerified = valid.Count, InvalidCheckpoints = invalid, UnknownKeyCheckpoints = unknown };
            var detail = new AuditDetail().Add("records", result.Verified).Add("intact", result.IsIntact);
            if (valid.Count > 0)
            {
                detail.Add("checkpoints", valid.Count);
            }

            if (result.MissingCheckpoints.Count > 0)
            {
                detail.Add("missing_checkpoints", result.MissingCheckpoints.Count);
            }

            if (result.UnrecordedCheckpoints.Count > 0)
            {
                detail.Add("unrecorded_checkpoints", result.UnrecordedCheckpoints.Count);
            }

            if (invalid.Count > 0)
            {
                detail.Add("invalid_checkpoints", invalid.Count);
            }

            if (unknown.Count > 0)
            {
                detail.Add("unknown_key_checkpoints", unknown.Count);
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
            await _trail.WriteAsync(tenantId, caller, Action, result.IsIntact && invalid.Count == 0 && unknown.Count == 0 ? "ok" : "broken", detail).ConfigureAwait(false);
            return result;
        }
        catch (VaultException ex) when (Recordable(ex))
        {
            await _trail.WriteRefusalAsync(tenantId, caller, Action, ex, new AuditDetail()).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Signs the tenant's chain head as it is now with the newest audit signing key version and stores the
    /// checkpoint; returns it.</summary>
    /// <remarks>The chain is verified first, from the newest valid checkpoint (or the start) to the head, so the vault
    /// never signs a head that does not follow from what it signed before; a broken chain is refused
    /// (FAILED_PRECONDITION, <c>audit_chain_broken</c>). The checkpoint is logged (one structured line, for a SIEM's copy
    /// outside the database) and recorded on the chain after it is stored. When another replica stored one at the same
    /// seq first, that one is returned.</remarks>
    public async Task<SignedAuditCheckpoint> CheckpointAsync(Caller caller, string tenantId, CancellationToken cancellationToken = default)
    {
        await AuthorizeAsync(caller, tenantId, CheckpointAction).ConfigureAwait(false);
        return (await WriteCheckpointAsync(caller, tenantId, scheduled: false, cancellationToken).ConfigureAwait(false))!;
    }

    /// <summary>The audit action of a checkpoint.</summary>
    internal const string CheckpointAction = "audit.checkpoint";

    /// <summary>Verifies, signs, stores, logs and records a checkpoint of the head (see <see cref="CheckpointAsync"/>), for
    /// an authorized caller or the vault's own schedule. A scheduled checkpoint that another replica stored first at the
    /// same seq is null and leaves no record (the winner's is on the chain and in the log).</summary>
    internal async Task<SignedAuditCheckpoint?> WriteCheckpointAsync(Caller caller, string tenantId, bool scheduled, CancellationToken cancellationToken)
    {
        try
        {
            var (valid, _, _) = await SignedCheckpointsAsync(tenantId, cancellationToken).ConfigureAwait(false);
            var from = valid.Count == 0 ? AuditCheckpoint.Genesis : valid[^1];
            var head = await TenantKeyring.Stored(() => _store.GetAuditHeadAsync(tenantId, cancellationToken)).ConfigureAwait(false);
            var check = await AuditVerifier.VerifyAsync(TenantKeyring.Stored(_store.ReadAuditAsync(tenantId, from.Seq + 1, cancellationToken), cancellationToken), from, head, cancellationToken: cancellationToken).ConfigureAwait(false);
            if (!check.IsIntact)
            {
                throw new VaultException(VaultErrorKind.FailedPrecondition, "The audit chain does not verify; it is not signed.", "audit_chain_broken");
            }

            var at = _time.GetUtcNow();
            at = at.AddTicks(-(at.Ticks % 10));
            var checkpoint = Sign(tenantId, head, at);
            var detail = new AuditDetail().Add("seq", head.Seq).Add("key_id", checkpoint.KeyId).Add("key_version", checkpoint.KeyVersion);
            if (scheduled)
            {
                detail.Add("scheduled", true);
            }

            if (!await TenantKeyring.Stored(() => _store.AddAuditCheckpointAsync(checkpoint, cancellationToken)).ConfigureAwait(false))
            {
                if (scheduled)
                {
                    return null;
                }

                // Another replica signed this head first: theirs is the stored one (and logged by them).
                var stored = await TenantKeyring.Stored(() => _store.GetAuditCheckpointsAsync(tenantId, cancellationToken)).ConfigureAwait(false);
                checkpoint = stored.First(c => c.Seq == head.Seq);
                detail = new AuditDetail().Add("seq", head.Seq).Add("key_id", checkpoint.KeyId).Add("key_version", checkpoint.KeyVersion).Add("existing", true);
            }
            else
            {
                VaultLog.CheckpointWritten(_logger, checkpoint.TenantId, checkpoint.Seq, Convert.ToHexStringLower(checkpoint.HeadHash), checkpoint.At, checkpoint.KeyVersion, checkpoint.KeyId, Convert.ToBase64String(checkpoint.Signature));
            }

            await _trail.WriteAsync(tenantId, caller, CheckpointAction, "ok", detail).ConfigureAwait(false);
            return checkpoint;
        }
        catch (VaultException ex) when (Recordable(ex))
        {
            await _trail.WriteRefusalAsync(tenantId, caller, CheckpointAction, ex, new AuditDetail()).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>A checkpoint of <paramref name="head"/> signed by the newest signing key version. A rotation by another
    /// process between listing the versions and signing retires the listed one (its private half is gone): listed again
    /// once, the new version signs.</summary>
    private SignedAuditCheckpoint Sign(string tenantId, AuditCheckpoint head, DateTimeOffset at)
    {
        for (var attempt = 1; ; attempt++)
        {
            var key = Provider(_kek.GetAuditSigningKeys)[^1];
            var keyId = AuditCheckpointSignature.KeyId(key.PublicKey);
            var message = AuditCheckpointSignature.Message(tenantId, head.Seq, head.Hash, at, keyId);
            try
            {
                return new SignedAuditCheckpoint(tenantId, head.Seq, head.Hash, at, keyId, _kek.SignAuditCheckpoint(key.Version, message)) { KeyVersion = key.Version };
            }
            catch (KeyUnavailableException ex) when (ex.Reason == KeyUnavailableReason.NotFound && attempt == 1)
            {
                // Retired meanwhile: list again.
            }
            catch (KeyUnavailableException ex)
            {
                throw Unavailable(ex);
            }
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

    /// <summary>The newest audit signing key's public half (PEM) and key ID, with which anyone checks new checkpoints offline.</summary>
    public async Task<(string Pem, string KeyId)> GetPublicKeyPemAsync(Caller caller, CancellationToken cancellationToken = default)
    {
        var newest = (await GetPublicKeysAsync(caller, null, cancellationToken).ConfigureAwait(false))[^1];
        return (newest.Pem, newest.KeyId);
    }

    /// <summary>Every audit signing key version's public half (PEM), oldest first, or only <paramref name="version"/>:
    /// old versions stay to check the checkpoints they signed. An unknown version is INVALID_ARGUMENT
    /// (<c>unknown_key_version</c>).</summary>
    public async Task<IReadOnlyList<AuditPublicKey>> GetPublicKeysAsync(Caller caller, int? version, CancellationToken cancellationToken = default)
    {
        const string Action = "audit.public_key";
        await AuthorizeAsync(caller, null, Action).ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        try
        {
            var keys = Provider(_kek.GetAuditSigningKeys)
                .Where(k => version is null || k.Version == version)
                .Select(k => new AuditPublicKey(k.Version, AuditCheckpointSignature.KeyId(k.PublicKey), AuditCheckpointSignature.Pem(k.PublicKey)))
                .ToList();
            if (keys.Count == 0)
            {
                throw new VaultException(VaultErrorKind.InvalidArgument, "The audit signing key has no such version.", "unknown_key_version");
            }

            var detail = new AuditDetail().Add("key_id", keys[^1].KeyId).Add("key_version", keys[^1].Version);
            if (version is null)
            {
                detail.Add("versions", keys.Count);
            }

            await _trail.WriteAsync(AuditTrail.SystemTenant, caller, Action, "ok", detail).ConfigureAwait(false);
            return keys;
        }
        catch (VaultException ex) when (ex.Reason is "provider_unavailable" or "unknown_key_version")
        {
            await _trail.WriteRefusalAsync(null, caller, Action, ex, new AuditDetail()).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>The tenant's stored checkpoints split by the audit signing key version each names: the ones whose signature
    /// verifies under that version's public key as (seq, hash) in seq order, the seqs of those whose does not, and the
    /// seqs of those naming a version the provider does not know. Records nothing: an unavailable provider
    /// (UNAVAILABLE, <c>provider_unavailable</c>) is recorded by the operation that asked, as its one refusal.</summary>
    private async Task<(List<AuditCheckpoint> Valid, List<long> Invalid, List<long> UnknownKey)> SignedCheckpointsAsync(string tenantId, CancellationToken cancellationToken)
    {
        var stored = await TenantKeyring.Stored(() => _store.GetAuditCheckpointsAsync(tenantId, cancellationToken)).ConfigureAwait(false);
        var valid = new List<AuditCheckpoint>();
        var invalid = new List<long>();
        var unknown = new List<long>();
        if (stored.Count == 0)
        {
            return (valid, invalid, unknown);
        }

        // A provider failure is the caller's refusal to record, once, with the rest of its operation's.
        var publicKeys = Provider(_kek.GetAuditSigningKeys).ToDictionary(k => k.Version, k => k.PublicKey);
        foreach (var checkpoint in stored)
        {
            if (!publicKeys.TryGetValue(checkpoint.KeyVersion, out var publicKey))
            {
                unknown.Add(checkpoint.Seq);
            }
            else if (checkpoint.TenantId == tenantId && AuditCheckpointSignature.Verify(checkpoint, publicKey))
            {
                valid.Add(new AuditCheckpoint(checkpoint.Seq, checkpoint.HeadHash));
            }
            else
            {
                invalid.Add(checkpoint.Seq);
            }
        }

        return (valid, invalid, unknown);
    }

    /// <summary>Whether a failed verify or checkpoint is recorded as its refusal: always, except when the trail itself
    /// failed (nothing more can be written).</summary>
    private static bool Recordable(VaultException ex) => ex.Kind != VaultErrorKind.Unavailable || ex.Reason != "audit_unavailable";

    private static VaultException Unavailable(KeyUnavailableException ex) =>
        new(VaultErrorKind.Unavailable, "The audit signing key is unavailable.", "provider_unavailable", ex);

    private static T Provider<T>(Func<T> call)
    {
        try
        {
            return call();
        }
        catch (KeyUnavailableException ex)
        {
            throw Unavailable(ex);
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

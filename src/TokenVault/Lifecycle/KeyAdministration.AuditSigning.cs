using PrivateInference.TokenVault.Audit;
using PrivateInference.TokenVault.Authorization;

namespace PrivateInference.TokenVault.Lifecycle;

/// <summary>Rotation of the vault's audit signing key: a key change like the others, by a key admin, on the system chain.</summary>
public sealed partial class KeyAdministration
{
    /// <summary>The audit action of an audit signing key rotation.</summary>
    public const string RotateAuditSigningKeyAction = "audit.signing_key.rotate";

    /// <summary>Makes the next version of the audit signing key in the provider (new checkpoints are signed with it) and
    /// retires the older versions (their private halves destroyed, their public halves kept to verify what they signed).
    /// Returns the new version's public key.</summary>
    /// <remarks>Key-admin role. The key serves every tenant, so the change is recorded on the system chain: intent first
    /// (UNAVAILABLE and nothing changed when it cannot be written), then the outcome with the new version and key ID.</remarks>
    public async Task<AuditPublicKey> RotateAuditSigningKeyAsync(Caller caller, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(caller);
        const string Chain = AuditTrail.SystemTenant;
        var detail = new AuditDetail();
        try
        {
            caller.Require(VaultRoles.KeyAdmin);
        }
        catch (VaultException ex)
        {
            await _audit.WriteRefusalAsync(null, caller, RotateAuditSigningKeyAction, ex, detail).ConfigureAwait(false);
            throw;
        }

        cancellationToken.ThrowIfCancellationRequested();
        var intent = await _audit.WriteAsync(Chain, caller, RotateAuditSigningKeyAction, AuditOutcome.Started, detail).ConfigureAwait(false);
        detail.Add(AuditOutcome.IntentSeq, intent);
        AuditPublicKey rotated;
        try
        {
            var version = Provider(_kek.RotateAuditSigningKey);
            var publicKey = Provider(_kek.GetAuditSigningKeys).Single(k => k.Version == version).PublicKey;
            rotated = new AuditPublicKey(version, AuditCheckpointSignature.KeyId(publicKey), AuditCheckpointSignature.Pem(publicKey));
        }
        catch (Exception ex)
        {
            await _audit.TryWriteAsync(Chain, caller, RotateAuditSigningKeyAction, "failed:" + AuditOutcome.FailureReason(ex), detail).ConfigureAwait(false);
            throw;
        }

        detail.Add("key_version", rotated.Version).Add("key_id", rotated.KeyId);
        await _audit.WriteAsync(Chain, caller, RotateAuditSigningKeyAction, "ok", detail).ConfigureAwait(false);
        return rotated;
    }
}

using System.Security.Cryptography;
using PrivateInference.Cryptography;
using PrivateInference.TokenVault.Audit;
using PrivateInference.TokenVault.Authorization;
using PrivateInference.TokenVault.Keyring;
using PrivateInference.TokenVault.Storage;

namespace PrivateInference.TokenVault.Lifecycle;

/// <summary>
/// Moves token rows sealed under an older DEK version to the current one, a batch at a time. Resumable by
/// construction: the rows still to do are exactly those below the current version, so a restart (of this
/// replica or another) continues where the work stopped, and a row changed in between is skipped by the
/// store's optimistic check.
/// </summary>
internal sealed class Reencryption(IVaultStore store, TenantKeyring keyring, AuditTrail audit, VaultOptions options)
{
    /// <summary>Re-encrypts up to one batch; returns how many rows moved (0 when the tenant is done).</summary>
    public async Task<int> StepAsync(string tenantId, CancellationToken cancellationToken)
    {
        var keys = await keyring.AcquireAsync(tenantId, cancellationToken).ConfigureAwait(false);
        int moved;
        int version;
        try
        {
            version = keys.CurrentValueVersion;
            var rows = await TenantKeyring.Stored(() => store.ReadOlderThanDekAsync(tenantId, version, null, options.ReencryptBatchSize, cancellationToken)).ConfigureAwait(false);
            if (rows.Count == 0)
            {
                return 0;
            }

            var updates = new List<CiphertextUpdate>(rows.Count);
            foreach (var row in rows)
            {
                if (!keys.TryGetCipher(row.DekVersion, out var oldCipher))
                {
                    continue;
                }

                byte[]? plaintext = null;
                try
                {
                    plaintext = oldCipher.Open(row.Ciphertext, ValueAad.For(tenantId, row.TokenId, row.EntityType, row.DekVersion));
                    var sealedValue = keys.CurrentCipher.Seal(plaintext, ValueAad.For(tenantId, row.TokenId, row.EntityType, version));
                    updates.Add(new CiphertextUpdate(row.TokenId, row.DekVersion, sealedValue, version));
                }
                catch (EnvelopeException)
                {
                    // A row that does not open stays as it is (and keeps failing Detokenize): never re-seal garbage.
                }
                finally
                {
                    if (plaintext is not null)
                    {
                        CryptographicOperations.ZeroMemory(plaintext);
                    }
                }
            }

            moved = updates.Count == 0 ? 0 : await TenantKeyring.Stored(() => store.ReplaceCiphertextsAsync(tenantId, updates, cancellationToken)).ConfigureAwait(false);
        }
        finally
        {
            keys.Release();
        }

        if (moved > 0)
        {
            await audit.WriteAsync(tenantId, Caller.System, "dek.reencrypt", "ok", new AuditDetail().Add("rows", moved).Add("dek_version", version)).ConfigureAwait(false);
        }

        return moved;
    }
}

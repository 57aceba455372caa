namespace PrivateInference.TokenVault.Keys;

/// <summary>Wraps and unwraps tenant data keys under key-encryption keys that never leave their provider, and
/// manages those KEKs: inventory, generation, BYOK import, provider-level disable, destruction.</summary>
/// <remarks>
/// <para>
/// Implementations are thread-safe. Every failure of a key operation is a <see cref="KeyUnavailableException"/>
/// whose reason says what went wrong; argument checks throw <see cref="ArgumentException"/>. No method returns
/// or logs KEK material. Byte arrays returned by <see cref="Unwrap"/> hold key material and belong to the
/// caller, who wipes them with <c>CryptographicOperations.ZeroMemory</c> when done.
/// </para>
/// <para>
/// A KEK is one version of a name (<see cref="KekId"/>): AES-256, enabled, disabled or destroyed. A destroyed
/// version stays known as destroyed and is never created again. Wrapped bytes are opaque to callers, who store
/// them with the KEK id and the provider <see cref="Kind"/>: the PKCS#11 and local providers write AES-256-GCM
/// with the caller's AAD as 12-byte IV ‖ ciphertext ‖ 16-byte tag (so a KEK imported into either reads the
/// other's output); a cloud KMS adapter would return its service's ciphertext.
/// </para>
/// </remarks>
public interface IKekProvider : IDisposable
{
    /// <summary>"pkcs11" or "local": for audit details, logs and metrics.</summary>
    string Kind { get; }

    /// <summary>True when keys are not protected by an HSM or KMS (the local key directory): never for production data.</summary>
    bool IsDevelopmentOnly { get; }

    /// <summary>Checks that the KEK exists, is enabled and meets policy; generates it inside the provider first when
    /// <paramref name="create"/> is set and it does not exist.</summary>
    void EnsureKey(KekId kekId, bool create);

    /// <summary>Encrypts <paramref name="plaintextKey"/> under the KEK, authenticating <paramref name="aad"/>.</summary>
    byte[] Wrap(KekId kekId, ReadOnlySpan<byte> plaintextKey, ReadOnlySpan<byte> aad);

    /// <summary>Reverses <see cref="Wrap"/>; fails unless the KEK, the bytes and <paramref name="aad"/> all match.</summary>
    byte[] Unwrap(KekId kekId, ReadOnlySpan<byte> wrapped, ReadOnlySpan<byte> aad);

    /// <summary>State, origin and security attributes of one version; a destroyed version is described as destroyed.</summary>
    /// <exception cref="KeyUnavailableException"><see cref="KeyUnavailableReason.NotFound"/> when it never existed.</exception>
    KekInfo Describe(KekId kekId);

    /// <summary>Every version of <paramref name="name"/> the provider knows, destroyed ones included, by version; empty when none.</summary>
    IReadOnlyList<KekInfo> List(string name);

    /// <summary>Generates a sensitive, non-extractable AES-256 KEK inside the provider.</summary>
    /// <exception cref="KeyUnavailableException"><see cref="KeyUnavailableReason.AlreadyExists"/>, or
    /// <see cref="KeyUnavailableReason.Destroyed"/> for a version that was destroyed.</exception>
    void Create(KekId kekId);

    /// <summary>Refuses every use of the KEK until <see cref="Enable"/>; idempotent. Reversible, unlike <see cref="Destroy"/>.</summary>
    void Disable(KekId kekId);

    /// <summary>Allows use of a disabled KEK again; idempotent.</summary>
    void Enable(KekId kekId);

    /// <summary>Destroys the key material of one version, irreversibly, and remembers that it was destroyed.
    /// Every value wrapped under it becomes unreadable (cryptographic erasure). Idempotent for a destroyed version.</summary>
    /// <exception cref="KeyUnavailableException"><see cref="KeyUnavailableReason.NotFound"/> when it never existed.</exception>
    void Destroy(KekId kekId);

    /// <summary>Makes a new RSA-3072 import key pair inside the provider for importing key material into a version of
    /// <paramref name="name"/>, and returns its public half.</summary>
    ImportPublicKey GetImportPublicKey(string name);

    /// <summary>Unwraps the customer's AES-256 key material inside the provider into the new KEK <paramref name="target"/>
    /// (sensitive, non-extractable, encrypt/decrypt only) and destroys the import key.</summary>
    /// <exception cref="KeyUnavailableException"><see cref="KeyUnavailableReason.NotFound"/> (no such import key for this name),
    /// <see cref="KeyUnavailableReason.Expired"/>, <see cref="KeyUnavailableReason.NotSupported"/> (wrapping),
    /// <see cref="KeyUnavailableReason.IntegrityCheckFailed"/> (bytes do not decrypt), <see cref="KeyUnavailableReason.PolicyViolation"/>
    /// (not 32 bytes), <see cref="KeyUnavailableReason.AlreadyExists"/>, <see cref="KeyUnavailableReason.Destroyed"/>.</exception>
    void Import(KekId target, ImportKeyId importKeyId, ReadOnlySpan<byte> wrappedKeyMaterial, ImportWrapping wrapping);

    /// <summary>Signs <paramref name="message"/> (an audit checkpoint) with version <paramref name="version"/> of the vault's
    /// audit signing key: ECDSA P-256 over SHA-256, returned as r ‖ s (64 bytes). The private half never leaves the
    /// provider (PKCS#11: generated in the token, sensitive, non-extractable, sign only).</summary>
    /// <exception cref="KeyUnavailableException"><see cref="KeyUnavailableReason.NotFound"/> when that version does not exist
    /// or was retired by a rotation (its private half is gone; it only verifies).</exception>
    byte[] SignAuditCheckpoint(int version, ReadOnlySpan<byte> message);

    /// <summary>Every version of the audit signing key, oldest first, the newest (the one that signs) last. Version 1 is
    /// made on first use when none exists, so the list is never empty.</summary>
    IReadOnlyList<AuditSigningKey> GetAuditSigningKeys();

    /// <summary>Makes the next version of the audit signing key inside the provider, then destroys the private halves of
    /// every older version (their public halves stay, to verify the checkpoints they signed). Returns the new version.</summary>
    int RotateAuditSigningKey();
}

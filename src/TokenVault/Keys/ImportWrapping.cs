namespace PrivateInference.TokenVault.Keys;

/// <summary>How the customer wrapped the AES-256 key material under an import public key (<see cref="ImportPublicKey"/>).</summary>
/// <remarks>
/// Which ones a provider accepts is in <see cref="ImportPublicKey.Wrappings"/>: a PKCS#11 module may refuse a
/// hash (SoftHSM 2.6 performs RSA-OAEP only with SHA-1), and the provider tries each on the import key itself.
/// </remarks>
public enum ImportWrapping
{
    /// <summary>RSAES-OAEP, SHA-256 and MGF1-SHA-256, empty label, over the 32 key bytes (PKCS#11 <c>CKM_RSA_PKCS_OAEP</c>;
    /// AWS KMS <c>RSAES_OAEP_SHA_256</c>; <c>RSAEncryptionPadding.OaepSHA256</c> in .NET).</summary>
    RsaOaepSha256 = 1,

    /// <summary>RSAES-OAEP with SHA-1 and MGF1-SHA-1, empty label, over the 32 key bytes (AWS KMS <c>RSAES_OAEP_SHA_1</c>).</summary>
    /// <remarks>OAEP does not rely on the hash's collision resistance, and SP 800-131A still allows SHA-1 outside
    /// signatures; it is here because it is the only RSA import SoftHSM 2.6 performs inside the token.</remarks>
    RsaOaepSha1 = 2,

    /// <summary>RSA-OAEP-SHA-256 (MGF1-SHA-256) of a fresh AES-256 key ‖ AES Key Wrap with Padding (RFC 5649) of the
    /// key material under it: PKCS#11 <c>CKM_RSA_AES_KEY_WRAP</c>, AWS KMS <c>RSA_AES_KEY_WRAP_SHA_256</c>, Cloud KMS
    /// <c>RSA_OAEP_3072_SHA256_AES_256</c>.</summary>
    RsaAesKeyWrapSha256 = 3,

    /// <summary>The same with RSA-OAEP-SHA-1: AWS KMS <c>RSA_AES_KEY_WRAP_SHA_1</c>, Cloud KMS
    /// <c>RSA_OAEP_3072_SHA1_AES_256</c>, and the Azure Key Vault / Managed HSM BYOK transfer blob.</summary>
    RsaAesKeyWrapSha1 = 4,
}

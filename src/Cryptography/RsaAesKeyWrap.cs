using System.Security.Cryptography;

namespace PrivateInference.Cryptography;

/// <summary>
/// The key-import format of PKCS#11 <c>CKM_RSA_AES_KEY_WRAP</c> with OAEP-SHA-256, as cloud KMSs and HSMs accept
/// customer keys (BYOK): <c>RSA-OAEP-SHA256(ephemeral AES-256 key) ‖ AES-KWP(ephemeral key, target key)</c>.
/// </summary>
/// <remarks>
/// <para>Why two layers: RSA-OAEP can only carry a short message, so it carries a one-time AES key, and RFC 5649 key
/// wrap (<see cref="AesKeyWrapPad"/>) carries the target key of any length under it. The first part is exactly as long
/// as the RSA modulus, so the blob splits without a length field. OAEP uses SHA-256 for both the hash and MGF1, with an
/// empty label.</para>
/// <para>Security invariants: the ephemeral key is fresh per wrap and zeroed in <c>finally</c> on both sides; RSA keys
/// below 2048 bits are refused; every unwrap failure (RSA decoding, KWP integrity, lengths) is one
/// <see cref="KeyWrapException"/> with a fixed message, so the failure does not tell which layer rejected the blob.</para>
/// </remarks>
public static class RsaAesKeyWrap
{
    /// <summary>Smallest RSA modulus accepted, in bits.</summary>
    public const int MinRsaKeySize = 2048;

    private const int EphemeralKeyLength = 32;

    /// <summary>The customer side: wraps <paramref name="targetKey"/> for import under the importer's RSA public key.</summary>
    public static byte[] Wrap(RSA publicKey, ReadOnlySpan<byte> targetKey)
    {
        RequireRsa(publicKey, nameof(publicKey));
        if (targetKey.IsEmpty)
        {
            throw new ArgumentException("The key to wrap must not be empty.", nameof(targetKey));
        }

        var ephemeral = GC.AllocateArray<byte>(EphemeralKeyLength, pinned: true);
        try
        {
            RandomNumberGenerator.Fill(ephemeral);
            var wrappedEphemeral = publicKey.Encrypt(ephemeral, RSAEncryptionPadding.OaepSHA256);
            var wrappedTarget = AesKeyWrapPad.Wrap(ephemeral, targetKey);
            return [.. wrappedEphemeral, .. wrappedTarget];
        }
        finally
        {
            CryptographicOperations.ZeroMemory(ephemeral);
        }
    }

    /// <summary>The importer's side: recovers the target key with the RSA private key.</summary>
    /// <exception cref="KeyWrapException">The blob is malformed, was wrapped for another key, or was altered.</exception>
    public static SecretKey Unwrap(RSA privateKey, ReadOnlySpan<byte> blob)
    {
        RequireRsa(privateKey, nameof(privateKey));
        var modulusLength = (privateKey.KeySize + 7) / 8;
        if (blob.Length < modulusLength + 16)
        {
            throw new KeyWrapException();
        }

        // OAEP plaintext is at most the modulus length; a correct blob holds exactly an AES key.
        var ephemeral = GC.AllocateArray<byte>(modulusLength, pinned: true);
        try
        {
            if (!privateKey.TryDecrypt(blob[..modulusLength], ephemeral, RSAEncryptionPadding.OaepSHA256, out var ephemeralLength)
                || ephemeralLength is not (16 or 24 or 32))
            {
                throw new KeyWrapException();
            }

            return AesKeyWrapPad.UnwrapKey(ephemeral.AsSpan(0, ephemeralLength), blob[modulusLength..]);
        }
        catch (CryptographicException e) when (e is not KeyWrapException)
        {
            throw new KeyWrapException();
        }
        finally
        {
            CryptographicOperations.ZeroMemory(ephemeral);
        }
    }

    private static void RequireRsa(RSA rsa, string parameterName)
    {
        ArgumentNullException.ThrowIfNull(rsa, parameterName);
        if (rsa.KeySize < MinRsaKeySize)
        {
            throw new ArgumentException("The RSA key must be at least 2048 bits.", parameterName);
        }
    }
}

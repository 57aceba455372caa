using System.Security.Cryptography;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Engines;
using Org.BouncyCastle.Crypto.Parameters;

namespace PrivateInference.Cryptography;

/// <summary>AES Key Wrap with Padding (RFC 5649, NIST SP 800-38F KWP), as HSMs and cloud KMSs use it to move keys.</summary>
/// <remarks>
/// <para>Why KWP: it is the wrapping that PKCS#11 (<c>CKM_AES_KEY_WRAP_KWP</c>) and cloud key import speak, it
/// authenticates the wrapped key (a 32-bit integrity check over the whole block plus the length), and it needs no
/// nonce, so it is deterministic and safe to repeat. It is for keys, not for values (those use <see cref="ValueEnvelope"/>).</para>
/// <para>Security invariants: our own copies of the key and the unwrapped bytes are pinned and zeroed in
/// <c>finally</c>; every unwrap failure is one <see cref="KeyWrapException"/> with a fixed message. BouncyCastle keeps
/// copies of the key-encryption key and intermediate blocks in managed arrays it does not wipe; the KEKs that matter
/// never come here (they stay in the HSM), so this serves the local development provider, key import and tests.</para>
/// </remarks>
public static class AesKeyWrapPad
{
    /// <summary>Wraps <paramref name="key"/> (1 byte or more) under an AES key-encryption key of 16, 24 or 32 bytes.</summary>
    /// <returns>The wrapped key: the key length rounded up to 8, plus 8 bytes.</returns>
    public static byte[] Wrap(ReadOnlySpan<byte> kek, ReadOnlySpan<byte> key)
    {
        RequireAesKey(kek);
        if (key.IsEmpty)
        {
            throw new ArgumentException("The key to wrap must not be empty.", nameof(key));
        }

        var input = GC.AllocateArray<byte>(key.Length, pinned: true);
        try
        {
            key.CopyTo(input);
            var engine = NewEngine(forWrapping: true, kek);
            return engine.Wrap(input, 0, input.Length);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(input);
        }
    }

    /// <summary>Unwraps and authenticates a wrapped key. The caller owns the returned bytes and must wipe them.</summary>
    /// <exception cref="KeyWrapException">Wrong length, wrong key-encryption key or tampered bytes.</exception>
    public static byte[] Unwrap(ReadOnlySpan<byte> kek, ReadOnlySpan<byte> wrapped)
    {
        RequireAesKey(kek);
        if (wrapped.Length < 16 || wrapped.Length % 8 != 0)
        {
            throw new KeyWrapException();
        }

        var input = wrapped.ToArray();
        try
        {
            var engine = NewEngine(forWrapping: false, kek);
            return engine.Unwrap(input, 0, input.Length);
        }
        catch (CryptoException)
        {
            throw new KeyWrapException();
        }
    }

    /// <summary>Unwraps straight into a <see cref="SecretKey"/>, wiping the intermediate copy.</summary>
    /// <exception cref="KeyWrapException">Wrong length, wrong key-encryption key or tampered bytes.</exception>
    public static SecretKey UnwrapKey(ReadOnlySpan<byte> kek, ReadOnlySpan<byte> wrapped)
    {
        var key = Unwrap(kek, wrapped);
        try
        {
            return SecretKey.Copy(key);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
        }
    }

    private static Rfc5649WrapEngine NewEngine(bool forWrapping, ReadOnlySpan<byte> kek)
    {
        var engine = new Rfc5649WrapEngine(AesUtilities.CreateEngine());
        engine.Init(forWrapping, new KeyParameter(kek));
        return engine;
    }

    private static void RequireAesKey(ReadOnlySpan<byte> kek)
    {
        if (kek.Length is not (16 or 24 or 32))
        {
            throw new ArgumentException("A key-encryption key must be 16, 24 or 32 bytes (AES).", nameof(kek));
        }
    }
}

using System.Security.Cryptography;

namespace PrivateInference.Cryptography.Surrogates;

/// <summary>One surrogate key per tenant serves every surrogate kind; each kind works under its own derived key.</summary>
/// <remarks>
/// <para>The caller's key (32 bytes or more, uniformly random: a <see cref="SecretKey"/> from the keyring) is used
/// as an HKDF pseudorandom key (RFC 5869 §3.3 allows skipping Extract for such keys):</para>
/// <code>
/// FF1 key (digit and PAN surrogates) = HKDF-Expand-SHA256(key, "pi.surrogate.ff1.v1", 32)
/// list choices                       = HMAC-SHA256(key, "pi.surrogate.list.v1" ‖ 0x00 ‖ …)   (see ListSurrogate)
/// </code>
/// <para>HKDF-Expand is HMAC(key, info ‖ 0x01); the two labels differ at their 14th byte, so no input of one use
/// is an input of the other, and the AES key is never used as an HMAC key.</para>
/// </remarks>
internal static class SurrogateKeys
{
    public const int MinKeyLength = 32;

    public const int MaxCallerTweakLength = 128;

    public static void Require(SecretKey key, string parameterName)
    {
        ArgumentNullException.ThrowIfNull(key, parameterName);
        if (key.Length < MinKeyLength)
        {
            throw new ArgumentException("A surrogate key must be at least 32 bytes.", parameterName);
        }
    }

    /// <summary>The checks of the FF1-based surrogates, naming their parameters <c>key</c> and <c>tweak</c>.</summary>
    public static void Require(SecretKey key, ReadOnlySpan<byte> tweak)
    {
        Require(key, nameof(key));
        if (tweak.Length > MaxCallerTweakLength)
        {
            throw new ArgumentException("The tweak must be at most 128 bytes.", nameof(tweak));
        }
    }

    /// <summary>FF1 under the key derived from <paramref name="key"/>, on numerals in place; the derived key lives on
    /// the stack and is wiped before returning.</summary>
    public static void Ff1(SecretKey key, ReadOnlySpan<byte> tweak, Span<byte> numerals, bool encrypt)
    {
        Span<byte> ff1Key = stackalloc byte[Surrogates.Ff1.KeyLength];
        try
        {
            HKDF.Expand(HashAlgorithmName.SHA256, key.Span, ff1Key, "pi.surrogate.ff1.v1"u8);
            Surrogates.Ff1.Transform(ff1Key, 10, tweak, numerals, encrypt);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(ff1Key);
        }
    }
}

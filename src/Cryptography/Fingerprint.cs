using System.Buffers;
using System.Security.Cryptography;
using System.Text;

namespace PrivateInference.Cryptography;

/// <summary>Keyed fingerprints for deterministic lookup: the same normalized value under the same tenant key always
/// finds the same token, and without the key the fingerprint says nothing about the value.</summary>
/// <remarks>
/// <para>Inputs (HMAC-SHA256, 32-byte output):</para>
/// <code>
/// Compute:          HMAC(key, UTF8(entityType) ‖ 0x00 ‖ UTF8(normalizedValue))
/// SubjectReference: HMAC(key, "pi.subject.v1" ‖ 0x00 ‖ UTF8(subject))
/// Spelling:         HMAC(key, "pi.spelling.v1." ‖ UTF8(entityType) ‖ 0x00 ‖ UTF8(value exactly as written))
/// Surrogate:        HMAC(key, "pi.surrogate.v1" ‖ 0x00 ‖ ASCII-lower(UTF8(surrogate)))
/// surrogate key:    HKDF-Expand-SHA256(key, "pi.surrogate-key.v1", 32) = HMAC(key, "pi.surrogate-key.v1" ‖ 0x01)
/// </code>
/// <para>Security invariants:</para>
/// <list type="bullet">
/// <item>Keyed, not a plain hash: card numbers and SSNs have so little entropy that an unkeyed hash is reversed by
/// enumeration. The key is the tenant's fingerprint key (at least 32 bytes), so tenants' fingerprints are unrelated.</item>
/// <item>Unambiguous: the entity type matches <c>^[A-Z][A-Z0-9_]{0,31}$</c> and so contains no 0x00, and the subject
/// and spelling labels are not valid entity types (lower case, dots), so no type/value pair collides with another, with
/// a subject reference, a spelling or a surrogate. The surrogate key's HKDF input holds no 0x00 byte and every fingerprint
/// input does, so the derived key is never a fingerprint. Ill-formed UTF-16 is rejected rather than replaced, for the same reason.</item>
/// <item>The value is encoded straight into one buffer (no intermediate string), which is zeroed in <c>finally</c>.</item>
/// <item>Normalization is the caller's: this class hashes exactly the characters it is given.</item>
/// </list>
/// </remarks>
public static class Fingerprint
{
    /// <summary>Length of a fingerprint in bytes.</summary>
    public const int Length = 32;

    /// <summary>Shortest fingerprint key accepted: SHA-256's output length, so the key is never the weaker part.</summary>
    public const int MinKeyLength = 32;

    /// <summary>Domain label of subject references.</summary>
    public const string SubjectLabel = "pi.subject.v1";

    private const int StackLimit = 256;

    /// <summary>The lookup fingerprint of a normalized value of one entity type.</summary>
    /// <exception cref="ArgumentException">The key is shorter than <see cref="MinKeyLength"/>, the entity type does not match
    /// the token grammar, or the value is empty or not well-formed UTF-16.</exception>
    public static byte[] Compute(SecretKey key, string entityType, ReadOnlySpan<char> normalizedValue)
    {
        ArgumentNullException.ThrowIfNull(entityType);
        Token.RequireEntityType(entityType, nameof(entityType));
        return Mac(key, entityType, normalizedValue, nameof(normalizedValue));
    }

    /// <summary>Domain label prefix of spelling fingerprints.</summary>
    public const string SpellingLabel = "pi.spelling.v1.";

    /// <summary>The keyed fingerprint of a value exactly as it was written (no normalization), so the vault can tell two
    /// spellings of one value apart without decrypting either.</summary>
    /// <exception cref="ArgumentException">As for <see cref="Compute"/>.</exception>
    public static byte[] Spelling(SecretKey key, string entityType, ReadOnlySpan<char> value)
    {
        ArgumentNullException.ThrowIfNull(entityType);
        Token.RequireEntityType(entityType, nameof(entityType));
        return Mac(key, string.Concat(SpellingLabel, entityType), value, nameof(value));
    }

    /// <summary>Domain label of surrogate fingerprints.</summary>
    public const string SurrogateLabel = "pi.surrogate.v1";

    /// <summary>The keyed fingerprint of a surrogate, under which the vault records which token it stands for. ASCII
    /// letters are folded to lower case first, so a surrogate found again in another case ("EMILY GARCIA") has the same
    /// fingerprint; nothing else is normalized.</summary>
    /// <exception cref="ArgumentException">The key is shorter than <see cref="MinKeyLength"/>, or the surrogate is empty
    /// or not well-formed UTF-16.</exception>
    public static byte[] Surrogate(SecretKey key, ReadOnlySpan<char> surrogate) =>
        Mac(key, SurrogateLabel, surrogate, nameof(surrogate), foldAsciiCase: true);

    /// <summary>The tenant's surrogate key (for <c>Surrogates.PanSurrogate</c>, <c>DigitSurrogate</c> and
    /// <c>ListSurrogate</c>), derived from its fingerprint key: it lives and dies with that key, so whatever makes the
    /// fingerprint key unavailable (kill switch, destruction) makes surrogates un-creatable and unresolvable too.</summary>
    /// <remarks>HKDF-Expand with its own label; the fingerprint key is uniformly random, so it serves as the
    /// pseudorandom key without Extract (RFC 5869 §3.3). The caller disposes the result.</remarks>
    /// <exception cref="ArgumentException">The key is shorter than <see cref="MinKeyLength"/>.</exception>
    public static SecretKey DeriveSurrogateKey(SecretKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (key.Length < MinKeyLength)
        {
            throw new ArgumentException("A fingerprint key must be at least 32 bytes.", nameof(key));
        }

        Span<byte> derived = stackalloc byte[32];
        try
        {
            HKDF.Expand(HashAlgorithmName.SHA256, key.Span, derived, "pi.surrogate-key.v1"u8);
            return SecretKey.Copy(derived);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(derived);
        }
    }

    /// <summary>A stable, keyed reference to a data subject (for erasure by subject) that does not reveal the subject.</summary>
    /// <exception cref="ArgumentException">The key is shorter than <see cref="MinKeyLength"/>, or the subject is empty or
    /// not well-formed UTF-16.</exception>
    public static byte[] SubjectReference(SecretKey key, ReadOnlySpan<char> subject) =>
        Mac(key, SubjectLabel, subject, nameof(subject));

    /// <summary>HMAC-SHA256(key, ASCII(label) ‖ 0x00 ‖ UTF8(value)), the value's ASCII letters lower-cased when
    /// <paramref name="foldAsciiCase"/> (UTF-8 never uses ASCII bytes inside a multi-byte sequence, so folding the bytes
    /// folds exactly the ASCII letters).</summary>
    private static byte[] Mac(SecretKey key, string asciiLabel, ReadOnlySpan<char> value, string valueParameter, bool foldAsciiCase = false)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (key.Length < MinKeyLength)
        {
            throw new ArgumentException("A fingerprint key must be at least 32 bytes.", nameof(key));
        }

        if (value.IsEmpty)
        {
            throw new ArgumentException("The value must not be empty.", valueParameter);
        }

        var length = checked(asciiLabel.Length + 1 + Encoding.UTF8.GetByteCount(value));
        byte[]? rented = null;
        var message = length <= StackLimit
            ? stackalloc byte[StackLimit]
            : (rented = ArrayPool<byte>.Shared.Rent(length));
        message = message[..length];
        try
        {
            var written = Encoding.ASCII.GetBytes(asciiLabel, message);
            message[written++] = 0x00;
            StrictUtf8.Encode(value, message[written..], valueParameter);
            if (foldAsciiCase)
            {
                foreach (ref var b in message[written..])
                {
                    if (b is >= (byte)'A' and <= (byte)'Z')
                    {
                        b += 'a' - 'A';
                    }
                }
            }

            var fingerprint = new byte[Length];
            HMACSHA256.HashData(key.Span, message, fingerprint);
            return fingerprint;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(message);
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }
}

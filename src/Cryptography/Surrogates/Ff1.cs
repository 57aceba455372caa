using System.Security.Cryptography;
using Org.BouncyCastle.Crypto.Fpe;
using Org.BouncyCastle.Crypto.Parameters;

namespace PrivateInference.Cryptography.Surrogates;

/// <summary>FF1 format-preserving encryption (NIST SP 800-38G) of decimal digit strings under an AES-256 key.</summary>
/// <remarks>
/// <para>The Feistel rounds are BouncyCastle's <see cref="FpeFf1Engine"/>; the AES block function under them is
/// .NET's (<see cref="PlatformAesBlock"/>), so the key never enters BouncyCastle. NIST's samples 7 and 8 (AES-256,
/// radix 10) and sample 9 (radix 36, through the internal entry point) pin the result (<c>Ff1Tests</c>).</para>
/// <para>Security invariants:</para>
/// <list type="bullet">
/// <item>Domain: at least <see cref="MinLength"/> digits, because SP 800-38G requires radix^length ≥ 1,000,000;
/// shorter values are refused, and the caller falls back to a bracketed token. At most <see cref="MaxLength"/>
/// digits (no identifier is longer; the cost of the big-number arithmetic grows with the square of the length).</item>
/// <item>Deterministic and unauthenticated: the same key, tweak and digits always give the same output, and
/// decrypting with a wrong key or tweak gives other digits, not an error. Whoever needs to know must check.</item>
/// <item>Key hygiene: the key is read from the <see cref="SecretKey"/> into .NET's <see cref="Aes"/> (pinned key
/// box and OpenSSL key schedule, both wiped on dispose, which happens before every call returns). BouncyCastle sees
/// a placeholder <see cref="KeyParameter"/> of zero bytes: its <c>KeyParameter</c> copies key bytes into a managed
/// array it never wipes, and its <c>AesEngine</c> keeps round keys the same way (the reason <c>ValueCipher</c>
/// uses <c>AesGcm</c>). Our copies of the digits are pinned and wiped; BouncyCastle's internal numeral arrays
/// (<c>SP80038G</c> works on <c>ushort[]</c> and <c>BigInteger</c>) are garbage it does not wipe.</item>
/// </list>
/// <para>BouncyCastle quirks, checked against its source (bc-csharp <c>crypto/src/crypto/fpe/SP80038G.cs</c>,
/// <c>FpeFf1Engine.cs</c>, 2.x):</para>
/// <list type="bullet">
/// <item>Input and output are numeral values (0–9 for radix 10), one per byte, not ASCII characters: passing
/// <c>'0'</c> (48) throws "input data outside of radix".</item>
/// <item>It checks the NIST minimum itself (<c>len &lt; 2 || Math.Pow(radix, len) &lt; 1000000</c> throws
/// "input too short"), but sets no maximum length for FF1 and no maximum tweak length (the tweak length goes into
/// a 32-bit field of the first PRF block). Both limits here are ours.</item>
/// <item>Radix above 256 switches to a 16-bit numeral encoding; radix 10 stays in the byte path.</item>
/// <item><c>FpeParameters.UseInverseFunction</c> only chooses the direction the block cipher is initialized in;
/// FF1 needs the forward function for both encryption and decryption, which is what <c>false</c> gives.</item>
/// </list>
/// </remarks>
public static class Ff1
{
    /// <summary>AES-256: the only key length accepted.</summary>
    public const int KeyLength = 32;

    /// <summary>Fewest digits: 10^6 is the smallest domain SP 800-38G allows.</summary>
    public const int MinLength = 6;

    /// <summary>Most digits accepted.</summary>
    public const int MaxLength = 64;

    /// <summary>Longest tweak accepted, in bytes.</summary>
    public const int MaxTweakLength = 256;

    private const int Radix = 10;

    /// <summary>Whether a digit string of this length can be encrypted (<see cref="MinLength"/> to <see cref="MaxLength"/>).</summary>
    public static bool IsSupportedLength(int length) => length is >= MinLength and <= MaxLength;

    /// <summary>FF1-encrypts ASCII digits; the result has the same length and is all ASCII digits.</summary>
    /// <exception cref="ArgumentException">The key is not 32 bytes, the tweak is longer than <see cref="MaxTweakLength"/>,
    /// or the digits are not <see cref="MinLength"/> to <see cref="MaxLength"/> ASCII digits.</exception>
    public static string Encrypt(SecretKey key, ReadOnlySpan<byte> tweak, ReadOnlySpan<char> digits) =>
        Transform(key, tweak, digits, encrypt: true);

    /// <summary>Inverts <see cref="Encrypt"/> under the same key and tweak.</summary>
    /// <exception cref="ArgumentException">As for <see cref="Encrypt"/>.</exception>
    public static string Decrypt(SecretKey key, ReadOnlySpan<byte> tweak, ReadOnlySpan<char> digits) =>
        Transform(key, tweak, digits, encrypt: false);

    private static string Transform(SecretKey key, ReadOnlySpan<byte> tweak, ReadOnlySpan<char> digits, bool encrypt)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (key.Length != KeyLength)
        {
            throw new ArgumentException("An FF1 key must be 32 bytes (AES-256).", nameof(key));
        }

        if (!IsSupportedLength(digits.Length) || digits.ContainsAnyExceptInRange('0', '9'))
        {
            throw new ArgumentException("The value must be 6 to 64 ASCII digits.", nameof(digits));
        }

        var numerals = GC.AllocateArray<byte>(digits.Length, pinned: true);
        try
        {
            for (var i = 0; i < digits.Length; i++)
            {
                numerals[i] = (byte)(digits[i] - '0');
            }

            Transform(key.Span, Radix, tweak, numerals, encrypt);
            return string.Create(numerals.Length, numerals, static (chars, n) =>
            {
                for (var i = 0; i < chars.Length; i++)
                {
                    chars[i] = (char)('0' + n[i]);
                }
            });
        }
        finally
        {
            CryptographicOperations.ZeroMemory(numerals);
        }
    }

    /// <summary>FF1 over numeral values (each below <paramref name="radix"/>) in place. Validates the key, radix and
    /// tweak lengths; the caller validates the numerals and wipes its own buffers.</summary>
    internal static void Transform(ReadOnlySpan<byte> aesKey, int radix, ReadOnlySpan<byte> tweak, Span<byte> numerals, bool encrypt)
    {
        if (aesKey.Length != KeyLength)
        {
            throw new ArgumentException("An FF1 key must be 32 bytes (AES-256).", nameof(aesKey));
        }

        if (tweak.Length > MaxTweakLength)
        {
            throw new ArgumentException("The tweak must be at most 256 bytes.", nameof(tweak));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(radix, 2);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(radix, 256);
        if (numerals.Length is < MinLength or > MaxLength)
        {
            throw new ArgumentException("The value must be 6 to 64 numerals.", nameof(numerals));
        }

        var input = GC.AllocateArray<byte>(numerals.Length, pinned: true);
        var output = GC.AllocateArray<byte>(numerals.Length, pinned: true);
        try
        {
            numerals.CopyTo(input);
            using var block = new PlatformAesBlock(aesKey);
            var engine = new FpeFf1Engine(block);
            engine.Init(encrypt, new FpeParameters(PlatformAesBlock.Placeholder, radix, tweak.ToArray(), useInverse: false));
            engine.ProcessBlock(input, 0, input.Length, output, 0);
            output.CopyTo(numerals);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(input);
            CryptographicOperations.ZeroMemory(output);
        }
    }
}

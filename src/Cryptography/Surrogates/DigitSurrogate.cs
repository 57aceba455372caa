using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;

namespace PrivateInference.Cryptography.Surrogates;

/// <summary>Format-preserving surrogates for digit strings written with separators ("123-45-6789",
/// "(555) 010-0199", "MRN 00123456"): the ASCII digits are FF1-encrypted as one string, and every other character
/// keeps its place.</summary>
/// <remarks>
/// <code>
/// digits    = the ASCII digits of the value, in order (6 to 64 of them)
/// surrogate = the value with digits replaced, in order, by FF1(K, "pi.digits.v1" ‖ tweak, digits)
/// K         = HKDF-Expand-SHA256(key, "pi.surrogate.ff1.v1", 32)       (see SurrogateKeys)
/// </code>
/// <para>Properties: deterministic in (key, tweak, digits); the layout does not enter the encryption, so
/// "123-45-6789" and "123 45 6789" get the same digits, matching a token keyed on the normalized value;
/// <see cref="Decrypt"/> inverts <see cref="Encrypt"/> exactly. The tweak is the caller's domain (the vault passes
/// tenant ‖ entity type), so the same digits of two tenants or two entity types get unrelated surrogates.</para>
/// <para>Limits, by design: a surrogate is a realistic value and may be someone's real number (FF1 is a permutation
/// of all digit strings of that length; use <see cref="PanSurrogate"/> for card numbers, which never pass Luhn). With
/// probability 10^-n it equals the input. Nothing authenticates a surrogate: decrypting a string that was never a
/// surrogate yields digits, not an error, so the Rehydrator confirms through the vault. Non-digit characters pass
/// through unchanged: pass only the part that is the identifier if its letters are sensitive. A value holding other
/// numeric characters (full-width digits, superscripts, …) is refused rather than half encrypted.</para>
/// </remarks>
public static class DigitSurrogate
{
    /// <summary>Shortest surrogate key accepted, in bytes.</summary>
    public const int MinKeyLength = SurrogateKeys.MinKeyLength;

    /// <summary>Fewest digits (the FF1 minimum domain of 10^6).</summary>
    public const int MinDigits = Ff1.MinLength;

    /// <summary>Most digits.</summary>
    public const int MaxDigits = Ff1.MaxLength;

    /// <summary>Longest caller tweak, in bytes.</summary>
    public const int MaxTweakLength = SurrogateKeys.MaxCallerTweakLength;

    private static ReadOnlySpan<byte> Label => "pi.digits.v1"u8;

    /// <summary>Whether <see cref="Encrypt"/> accepts the value: 6 to 64 ASCII digits and no other numeric character.</summary>
    public static bool CanEncrypt(ReadOnlySpan<char> value) =>
        DigitLayout.CountDigits(value) is >= MinDigits and <= MaxDigits;

    /// <summary>The surrogate of <paramref name="value"/>, or false when its shape is not supported (the caller falls
    /// back to a bracketed token).</summary>
    /// <exception cref="ArgumentException">The key is shorter than <see cref="MinKeyLength"/> or the tweak longer than
    /// <see cref="MaxTweakLength"/>.</exception>
    public static bool TryEncrypt(SecretKey key, ReadOnlySpan<byte> tweak, ReadOnlySpan<char> value, [NotNullWhen(true)] out string? surrogate)
    {
        SurrogateKeys.Require(key, tweak);
        surrogate = CanEncrypt(value) ? Transform(key, tweak, value, encrypt: true) : null;
        return surrogate is not null;
    }

    /// <summary>The surrogate of <paramref name="value"/>: the same characters with its digits encrypted.</summary>
    /// <exception cref="ArgumentException">The key or tweak is refused (see <see cref="TryEncrypt"/>), or the value does
    /// not have 6 to 64 ASCII digits or holds another numeric character.</exception>
    public static string Encrypt(SecretKey key, ReadOnlySpan<byte> tweak, ReadOnlySpan<char> value) =>
        TryEncrypt(key, tweak, value, out var surrogate) ? surrogate : throw Unsupported(nameof(value));

    /// <summary>The value a surrogate was made from, under the same key and tweak.</summary>
    /// <exception cref="ArgumentException">As for <see cref="Encrypt"/>, for the surrogate.</exception>
    public static string Decrypt(SecretKey key, ReadOnlySpan<byte> tweak, ReadOnlySpan<char> surrogate)
    {
        SurrogateKeys.Require(key, tweak);
        return CanEncrypt(surrogate) ? Transform(key, tweak, surrogate, encrypt: false) : throw Unsupported(nameof(surrogate));
    }

    private static string Transform(SecretKey key, ReadOnlySpan<byte> tweak, ReadOnlySpan<char> text, bool encrypt)
    {
        var numerals = GC.AllocateArray<byte>(DigitLayout.CountDigits(text), pinned: true);
        try
        {
            DigitLayout.Extract(text, numerals);
            SurrogateKeys.Ff1(key, [.. Label, .. tweak], numerals, encrypt);
            return DigitLayout.Apply(text, numerals);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(numerals);
        }
    }

    private static ArgumentException Unsupported(string parameterName) =>
        new("The value must hold 6 to 64 ASCII digits and no other numeric character.", parameterName);
}

using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;

namespace PrivateInference.Cryptography.Surrogates;

/// <summary>Format-preserving surrogates for payment card numbers: same length, same layout, same last four digits,
/// and a Luhn check that always fails, so a surrogate can never pass for a real card.</summary>
/// <remarks>
/// <para>Construction, for a Luhn-valid PAN of n = 12 to 19 digits d[0] … d[n-1] (layout characters aside):</para>
/// <code>
/// head      = d[0 … n-6]                                  n-5 digits: 7 to 14, above FF1's minimum of 6
/// free      = d[n-5]                                      the digit just before the last four
/// last4     = d[n-4 … n-1]                                kept
/// T         = "pi.pan.v1" ‖ byte(n) ‖ last4 (numeral values) ‖ tweak
/// surrogate = FF1(K, T, head) ‖ f ‖ last4,  f chosen so that LuhnSum(surrogate) mod 10 = SurrogateResidue (5)
/// decrypt   = FF1⁻¹(K, T, head') ‖ f' ‖ last4,  f' chosen so that LuhnSum mod 10 = 0
/// K         = HKDF-Expand-SHA256(key, "pi.surrogate.ff1.v1", 32)       (see SurrogateKeys)
/// </code>
/// <para>Why it works: Luhn doubles the digits at odd distances from the right end and adds the others as they are.
/// The free digit stands 4 places from the right, an even distance, at every length, so it adds itself: exactly one
/// value 0–9 gives each residue, and f and f' always exist and are unique. (At a doubled position the contribution
/// 0,2,4,6,8,1,3,5,7,9 is a permutation too; the construction does not need it.)</para>
/// <list type="bullet">
/// <item>Fails Luhn, always: its residue is 5, never 0. So it also always differs from its input.</item>
/// <item>Reversible: a valid PAN is determined by its head and last four (Luhn fixes the free digit), and a
/// surrogate by its encrypted head and last four (the residue fixes f). FF1 is a permutation of heads for each
/// (n, last4), because both are in the tweak; so this is a bijection from the valid PANs of one length and last four
/// onto the surrogates of that length and last four, and <see cref="Decrypt"/> is its inverse.</item>
/// <item>Leaks nothing beyond length, layout and last four: f is computed from the encrypted head and the last four
/// only. The first six digits (issuer) are encrypted too, so the card brand is not kept.</item>
/// <item>Recognizable: <see cref="IsSurrogate"/> tells a surrogate from a real PAN by the residue alone, without the
/// key. Nothing authenticates a surrogate, though: a string with residue 5 decrypts to some valid PAN under any key,
/// so the Rehydrator confirms through the vault.</item>
/// </list>
/// <para>Layout: the separators <c>' '</c>, <c>'-'</c> and <c>'.'</c> may stand anywhere and are kept in place; any
/// other character makes the value unsupported.</para>
/// </remarks>
public static class PanSurrogate
{
    /// <summary>Shortest surrogate key accepted, in bytes.</summary>
    public const int MinKeyLength = SurrogateKeys.MinKeyLength;

    /// <summary>Fewest digits of a PAN (ISO/IEC 7812).</summary>
    public const int MinDigits = 12;

    /// <summary>Most digits of a PAN (ISO/IEC 7812).</summary>
    public const int MaxDigits = 19;

    /// <summary>Longest caller tweak, in bytes.</summary>
    public const int MaxTweakLength = SurrogateKeys.MaxCallerTweakLength;

    /// <summary>The Luhn sum of every surrogate, modulo 10. Any value but 0 fails Luhn; a fixed one makes surrogates
    /// recognizable and the free digit a function of the encrypted digits only.</summary>
    public const int SurrogateResidue = 5;

    private const int Kept = 4;

    private static ReadOnlySpan<char> Separators => " -.";

    private static ReadOnlySpan<byte> Label => "pi.pan.v1"u8;

    /// <summary>Whether <see cref="Encrypt"/> accepts the value: 12 to 19 ASCII digits, only <c>' '</c>, <c>'-'</c>
    /// and <c>'.'</c> between them, and a valid Luhn check digit.</summary>
    public static bool CanEncrypt(ReadOnlySpan<char> pan) => HasResidue(pan, 0);

    /// <summary>Whether the text has the shape of a PAN surrogate: a PAN's digits and separators with Luhn residue
    /// <see cref="SurrogateResidue"/>. No real card number has it.</summary>
    public static bool IsSurrogate(ReadOnlySpan<char> text) => HasResidue(text, SurrogateResidue);

    /// <summary>The surrogate of a card number, or false when it is not a supported PAN (the caller falls back to a
    /// bracketed token).</summary>
    /// <exception cref="ArgumentException">The key is shorter than <see cref="MinKeyLength"/> or the tweak longer than
    /// <see cref="MaxTweakLength"/>.</exception>
    public static bool TryEncrypt(SecretKey key, ReadOnlySpan<byte> tweak, ReadOnlySpan<char> pan, [NotNullWhen(true)] out string? surrogate)
    {
        SurrogateKeys.Require(key, tweak);
        surrogate = CanEncrypt(pan) ? Transform(key, tweak, pan, encrypt: true) : null;
        return surrogate is not null;
    }

    /// <summary>The surrogate of a card number: same length, layout and last four digits; fails Luhn.</summary>
    /// <exception cref="ArgumentException">The key or tweak is refused (see <see cref="TryEncrypt"/>), or the value is
    /// not a supported, Luhn-valid PAN.</exception>
    public static string Encrypt(SecretKey key, ReadOnlySpan<byte> tweak, ReadOnlySpan<char> pan) =>
        TryEncrypt(key, tweak, pan, out var surrogate)
            ? surrogate
            : throw new ArgumentException("The value is not a Luhn-valid PAN of 12 to 19 digits with ' ', '-' or '.' between them.", nameof(pan));

    /// <summary>The card number a surrogate was made from, under the same key and tweak, in the surrogate's layout.</summary>
    /// <exception cref="ArgumentException">The key or tweak is refused, or the value is not a PAN surrogate
    /// (<see cref="IsSurrogate"/>).</exception>
    public static string Decrypt(SecretKey key, ReadOnlySpan<byte> tweak, ReadOnlySpan<char> surrogate)
    {
        SurrogateKeys.Require(key, tweak);
        return IsSurrogate(surrogate)
            ? Transform(key, tweak, surrogate, encrypt: false)
            : throw new ArgumentException("The value is not a PAN surrogate (12 to 19 digits, Luhn residue 5).", nameof(surrogate));
    }

    /// <summary>The Luhn sum modulo 10: digits at odd distances from the right end are doubled (minus 9 above 9).</summary>
    internal static int LuhnResidue(ReadOnlySpan<byte> numerals)
    {
        var sum = 0;
        for (var i = numerals.Length - 1; i >= 0; i--)
        {
            var d = numerals[i];
            sum += (numerals.Length - 1 - i) % 2 == 0 ? d : (2 * d) - (d >= 5 ? 9 : 0);
        }

        return sum % 10;
    }

    private static bool HasResidue(ReadOnlySpan<char> text, int residue)
    {
        var n = DigitLayout.CountDigits(text, Separators);
        if (n is < MinDigits or > MaxDigits)
        {
            return false;
        }

        Span<byte> numerals = stackalloc byte[MaxDigits];
        try
        {
            DigitLayout.Extract(text, numerals);
            return LuhnResidue(numerals[..n]) == residue;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(numerals);
        }
    }

    /// <summary>Encrypts or decrypts the head, then sets the free digit: to residue 5 when encrypting, to a valid check
    /// when decrypting.</summary>
    private static string Transform(SecretKey key, ReadOnlySpan<byte> tweak, ReadOnlySpan<char> text, bool encrypt)
    {
        var numerals = GC.AllocateArray<byte>(DigitLayout.CountDigits(text, Separators), pinned: true);
        try
        {
            DigitLayout.Extract(text, numerals);
            var n = numerals.Length;
            var free = n - Kept - 1;
            SurrogateKeys.Ff1(key, [.. Label, (byte)n, .. numerals.AsSpan(n - Kept), .. tweak], numerals.AsSpan(0, free), encrypt);
            numerals[free] = 0;
            var target = encrypt ? SurrogateResidue : 0;
            numerals[free] = (byte)((target - LuhnResidue(numerals) + 10) % 10);
            return DigitLayout.Apply(text, numerals);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(numerals);
        }
    }
}

using System.Buffers;
using System.Runtime.CompilerServices;

namespace PrivateInference.Redactor.Detection.Text;

/// <summary>Character classes the numeric recognizers share.</summary>
internal static class Chars
{
    private const char FullWidthZero = '\uFF10';
    private const char FullWidthNine = '\uFF19';

    /// <summary>Characters that may start a numeric cluster: ASCII and full-width digits.</summary>
    public static readonly SearchValues<char> AnyDigit = SearchValues.Create("0123456789\uFF10\uFF11\uFF12\uFF13\uFF14\uFF15\uFF16\uFF17\uFF18\uFF19");

    /// <summary>Returns the digit's value (0–9) or -1. Accepts ASCII and full-width digits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int DigitValue(char c)
    {
        var ascii = (uint)(c - '0');
        if (ascii <= 9)
        {
            return (int)ascii;
        }

        var wide = (uint)(c - FullWidthZero);
        return wide <= 9 ? (int)wide : -1;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool IsDigit(char c) => (uint)(c - '0') <= 9 || (uint)(c - FullWidthZero) <= FullWidthNine - FullWidthZero;

    /// <summary>Invisible format characters that can hide inside a number: zero-width space, joiners,
    /// word joiner, BOM, soft hyphen and bidi marks. They are skipped, never treated as separators.</summary>
    public static bool IsInvisible(char c) => c switch
    {
        '\u00AD' or '\u200B' or '\u200C' or '\u200D' or '\u200E' or '\u200F' or '\u2060' or '\uFEFF' => true,
        >= '\u202A' and <= '\u202E' => true,
        >= '\u2066' and <= '\u2069' => true,
        _ => false,
    };

    /// <summary>Space-like characters that may group digits (space, tab, no-break and narrow spaces).</summary>
    public static bool IsGroupingSpace(char c) => c is ' ' or '\t' or '\u00A0' or '\u2007' or '\u2009' or '\u200A' or '\u202F' or '\u3000';

    /// <summary>Dash-like characters that may group digits.</summary>
    public static bool IsGroupingDash(char c) => c is '-' or '\u2010' or '\u2011' or '\u2012' or '\u2013' or '\u2212' or '\uFF0D';

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool IsAsciiLetter(char c) => (uint)((c | 0x20) - 'a') <= 'z' - 'a';

    /// <summary>Letter or digit in any script (used for word boundaries).</summary>
    public static bool IsWordChar(char c) => char.IsLetterOrDigit(c) || IsDigit(c);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static char ToLowerAscii(char c) => (uint)(c - 'A') <= 'Z' - 'A' ? (char)(c | 0x20) : c;
}

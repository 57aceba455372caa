using System.Security.Cryptography;

namespace PrivateInference.Cryptography.Surrogates;

/// <summary>Takes the ASCII digits out of a written value and puts other digits back in their places, leaving
/// every other character where it was.</summary>
internal static class DigitLayout
{
    /// <summary>The number of ASCII digits, or -1 when the text holds a character that must not pass through
    /// unchanged: any other numeric character (full-width or Arabic-Indic digits, superscripts, …), which would
    /// otherwise stay in clear beside the encrypted ones, or with <paramref name="separators"/> given, any character
    /// outside the digits and those separators.</summary>
    public static int CountDigits(ReadOnlySpan<char> text, ReadOnlySpan<char> separators = default)
    {
        var digits = 0;
        foreach (var c in text)
        {
            if (char.IsAsciiDigit(c))
            {
                digits++;
            }
            else if (char.IsNumber(c) || (!separators.IsEmpty && !separators.Contains(c)))
            {
                return -1;
            }
        }

        return digits;
    }

    public static void Extract(ReadOnlySpan<char> text, Span<byte> numerals)
    {
        var n = 0;
        foreach (var c in text)
        {
            if (char.IsAsciiDigit(c))
            {
                numerals[n++] = (byte)(c - '0');
            }
        }
    }

    /// <summary><paramref name="layout"/> with its digits replaced, in order, by <paramref name="numerals"/>. The
    /// working buffer is pinned and wiped: on decryption it holds the original value.</summary>
    public static string Apply(ReadOnlySpan<char> layout, ReadOnlySpan<byte> numerals)
    {
        var chars = GC.AllocateArray<char>(layout.Length, pinned: true);
        try
        {
            var n = 0;
            for (var i = 0; i < layout.Length; i++)
            {
                chars[i] = char.IsAsciiDigit(layout[i]) ? (char)('0' + numerals[n++]) : layout[i];
            }

            return new string(chars);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(System.Runtime.InteropServices.MemoryMarshal.AsBytes(chars.AsSpan()));
        }
    }
}

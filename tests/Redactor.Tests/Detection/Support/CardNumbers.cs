using System.Text;

namespace PrivateInference.Redactor.Tests.Detection.Support;

/// <summary>Luhn arithmetic and generated test card numbers, independent of the engine's own.</summary>
public static class CardNumbers
{
    public static bool IsLuhnValid(string digits)
    {
        var sum = 0;
        for (var i = 0; i < digits.Length; i++)
        {
            var d = digits[digits.Length - 1 - i] - '0';
            if (i % 2 == 1)
            {
                d *= 2;
                if (d > 9)
                {
                    d -= 9;
                }
            }

            sum += d;
        }

        return sum % 10 == 0;
    }

    /// <summary>Appends the digit that makes <paramref name="partial"/> Luhn-valid.</summary>
    public static string WithCheckDigit(string partial)
    {
        for (var c = '0'; c <= '9'; c++)
        {
            var candidate = partial + c;
            if (IsLuhnValid(candidate))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException("Unreachable: one of ten check digits is always valid.");
    }

    /// <summary>A Luhn-valid number of <paramref name="length"/> digits starting with <paramref name="prefix"/>.</summary>
    public static string Generate(TestRandom random, string prefix, int length)
    {
        var partial = new StringBuilder(prefix, length);
        while (partial.Length < length - 1)
        {
            partial.Append((char)('0' + random.Next(10)));
        }

        return WithCheckDigit(partial.ToString());
    }

    /// <summary>Same number with the check digit changed: always Luhn-invalid.</summary>
    public static string BreakCheckDigit(string number)
    {
        var last = number[^1] - '0';
        return number[..^1] + (char)('0' + ((last + 1) % 10));
    }

    /// <summary>Splits <paramref name="digits"/> into groups of the given sizes joined by <paramref name="separator"/>.</summary>
    public static string Group(string digits, string separator, params int[] sizes)
    {
        if (sizes.Sum() != digits.Length)
        {
            throw new ArgumentException("Group sizes must add up to the number's length.", nameof(sizes));
        }

        var groups = new List<string>(sizes.Length);
        var at = 0;
        foreach (var size in sizes)
        {
            groups.Add(digits.Substring(at, size));
            at += size;
        }

        return string.Join(separator, groups);
    }

    /// <summary>The usual printed grouping for a length, or null when it is usually printed ungrouped.</summary>
    public static int[]? UsualGrouping(int length) => length switch
    {
        14 => [4, 6, 4],
        15 => [4, 6, 5],
        16 => [4, 4, 4, 4],
        19 => [4, 4, 4, 4, 3],
        _ => null,
    };

    /// <summary>ASCII digits to full-width digits (U+FF10–U+FF19).</summary>
    public static string ToFullWidth(string text)
    {
        var chars = text.ToCharArray();
        for (var i = 0; i < chars.Length; i++)
        {
            if (chars[i] is >= '0' and <= '9')
            {
                chars[i] = (char)(chars[i] - '0' + '\uFF10');
            }
        }

        return new string(chars);
    }
}

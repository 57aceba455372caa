using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using NUnit.Framework;
using PrivateInference.Redactor.Tests.Detection.Support;

namespace PrivateInference.TokenVault.IntegrationTests.Service;

/// <summary>Leak canaries: obviously fake values unique to this run, and the spellings of each a leak would show.</summary>
/// <remarks>Every issued value is remembered with its other spellings (a card number with and without separators, a
/// name in the case the vault folds it to), so a check looks for all of them in text, and in bytes as UTF-8, UTF-16
/// (both byte orders) and lower-case hex of those (PostgreSQL dumps bytea as hex).</remarks>
internal sealed class Canaries
{
    private readonly Lock _gate = new();
    private readonly List<string> _needles = [];

    /// <summary>Asserts that <paramref name="actual"/> holds exactly <paramref name="expected"/>, in order, without
    /// printing either: a failure says how many values differ and where, never what they are.</summary>
    public static void AssertSameValues(IEnumerable<string?> actual, IEnumerable<string?> expected, string because = "the values read back")
    {
        var (got, want) = (actual.ToList(), expected.ToList());
        var differing = Enumerable.Range(0, Math.Min(got.Count, want.Count)).Where(i => !string.Equals(got[i], want[i], StringComparison.Ordinal)).ToList();
        Assert.That(got.Count == want.Count && differing.Count == 0, Is.True,
            $"{because}: {got.Count} values, {want.Count} expected; positions that differ: [{string.Join(", ", differing)}]");
    }

    /// <summary>Asserts that <paramref name="actual"/> is <paramref name="expected"/> without printing either.</summary>
    public static void AssertSameValue(string? actual, string? expected, string because = "the value read back") =>
        AssertSameValues([actual], [expected], because);

    /// <summary>Every spelling of every value issued so far.</summary>
    public IReadOnlyList<string> Needles
    {
        get
        {
            lock (_gate)
            {
                return [.. _needles];
            }
        }
    }

    /// <summary>A Luhn-valid 16-digit card number in groups of four ("4000 1234 5678 9010").</summary>
    public string Pan()
    {
        var digits = CardNumbers.WithCheckDigit("40" + Digits(13));
        return Issue(CardNumbers.Group(digits, " ", 4, 4, 4, 4), digits);
    }

    /// <summary>A person's name no real person has.</summary>
    public string Person()
    {
        var name = $"Canary Qzx{Hex(4)} Vexworth";
        return Issue(name, name.ToUpperInvariant(), name.ToLowerInvariant());
    }

    public string Email()
    {
        var email = $"canary.{Hex(5)}@example.invalid";
        return Issue(email);
    }

    /// <summary>An SSN in the 9xx area, which is never issued.</summary>
    public string Ssn()
    {
        var digits = "9" + Digits(8);
        return Issue($"{digits[..3]}-{digits[3..5]}-{digits[5..]}", digits);
    }

    public string Mrn()
    {
        var mrn = $"MRN-CNRY{Hex(4).ToUpperInvariant()}";
        return Issue(mrn, mrn.Replace("-", string.Empty, StringComparison.Ordinal));
    }

    /// <summary>A data subject reference (e.g. a patient ID) that must never be stored as given.</summary>
    public string Subject() => Issue($"subject-canary-{Hex(6)}");

    /// <summary>A canary for an arbitrary field: "canary-&lt;label&gt;-&lt;random&gt;".</summary>
    public string Text(string label) => Issue($"canary-{label}-{Hex(6)}");

    /// <summary>The needles found in <paramref name="text"/>.</summary>
    public IReadOnlyList<string> FoundIn(string text) =>
        Needles.Where(n => text.Contains(n, StringComparison.OrdinalIgnoreCase)).ToList();

    /// <summary>The needles found in <paramref name="bytes"/>, each with the encoding it was found in.</summary>
    public IReadOnlyList<string> FoundIn(ReadOnlySpan<byte> bytes)
    {
        var found = new List<string>();
        foreach (var needle in Needles)
        {
            foreach (var (encoding, pattern) in Encodings(needle))
            {
                if (bytes.IndexOf(pattern) >= 0)
                {
                    found.Add($"{needle} ({encoding})");
                }
            }
        }

        return found;
    }

    private static IEnumerable<(string Encoding, byte[] Pattern)> Encodings(string needle)
    {
        var utf8 = Encoding.UTF8.GetBytes(needle);
        var utf16 = Encoding.Unicode.GetBytes(needle);
        var utf16be = Encoding.BigEndianUnicode.GetBytes(needle);
        yield return ("UTF-8", utf8);
        yield return ("UTF-16LE", utf16);
        yield return ("UTF-16BE", utf16be);
        yield return ("hex of UTF-8", Encoding.ASCII.GetBytes(Convert.ToHexStringLower(utf8)));
        yield return ("HEX of UTF-8", Encoding.ASCII.GetBytes(Convert.ToHexString(utf8)));
        yield return ("hex of UTF-16LE", Encoding.ASCII.GetBytes(Convert.ToHexStringLower(utf16)));
    }

    private string Issue(string value, params string[] otherSpellings)
    {
        lock (_gate)
        {
            _needles.Add(value);
            _needles.AddRange(otherSpellings);
        }

        return value;
    }

    private static string Hex(int bytes) => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(bytes));

    private static string Digits(int count) =>
        string.Concat(Enumerable.Range(0, count).Select(_ => RandomNumberGenerator.GetInt32(10).ToString(CultureInfo.InvariantCulture)));
}

using System.Security.Cryptography;
using System.Text;

namespace PrivateInference.Cryptography.Tests.Support;

/// <summary>Reproducible pseudo-random test data: SHA-256 of (label, index, counter), so a failing property test
/// fails the same way on every run and names the case that broke.</summary>
internal static class Seeded
{
    public static byte[] Bytes(string label, int index, int length)
    {
        var output = new byte[length];
        for (var block = 0; block * 32 < length; block++)
        {
            var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{label}/{index}/{block}"));
            hash.AsSpan(0, Math.Min(32, length - (block * 32))).CopyTo(output.AsSpan(block * 32));
        }

        return output;
    }

    /// <summary>Numeral values 0–9 (a byte modulo 10; the slight bias does not matter for test data).</summary>
    public static byte[] Numerals(string label, int index, int length) =>
        [.. Bytes(label, index, length).Select(b => (byte)(b % 10))];

    public static string Digits(string label, int index, int length) =>
        string.Concat(Numerals(label, index, length).Select(d => (char)('0' + d)));

    public static SecretKey Key(string label, int length = 32) => SecretKey.Copy(Bytes(label, 0, length));
}

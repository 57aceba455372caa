namespace PrivateInference.Cryptography.Tests.Support;

/// <summary>Hex literals in tests, with spaces allowed for readability.</summary>
internal static class Hex
{
    public static byte[] Bytes(string hex) => Convert.FromHexString(hex.Replace(" ", "", StringComparison.Ordinal));

    public static string Of(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(bytes);
}

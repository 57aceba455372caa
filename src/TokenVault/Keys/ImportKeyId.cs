using System.Security.Cryptography;
using System.Text.RegularExpressions;

namespace PrivateInference.TokenVault.Keys;

/// <summary>Names one import key pair (<see cref="ImportPublicKey"/>): 32 lower-case hex digits, random.</summary>
public readonly partial record struct ImportKeyId
{
    private const int ByteLength = 16;

    /// <exception cref="ArgumentException">Not 32 lower-case hex digits.</exception>
    public ImportKeyId(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (!Pattern().IsMatch(value))
        {
            throw new ArgumentException("An import key id is 32 lower-case hex digits.", nameof(value));
        }

        Value = value;
    }

    public string Value { get; }

    public override string ToString() => Value;

    internal static ImportKeyId New() => new(Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(ByteLength)));

    internal byte[] ToBytes() => Convert.FromHexString(Value);

    [GeneratedRegex(@"^[0-9a-f]{32}\z", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}

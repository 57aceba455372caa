using System.Buffers;
using System.Security.Cryptography;

namespace PrivateInference.Cryptography;

/// <summary>Random token IDs: 10 characters of Crockford base32 (<c>0123456789ABCDEFGHJKMNPQRSTVWXYZ</c>), 50 bits.</summary>
/// <remarks>
/// <para>Why this alphabet: no I, L, O or U, so a model or a person that copies an ID cannot confuse 1/I/L or 0/O
/// (the lenient parser maps those look-alikes back), and no vowel-heavy words form by accident.</para>
/// <para>Security invariants: every character takes the low 5 bits of its own byte from
/// <see cref="RandomNumberGenerator"/>; 256 is a multiple of 32, so there is no modulo bias. 50 bits make IDs
/// unguessable for probing, but not collision-free: the vault guarantees uniqueness per tenant (a unique key
/// and a retry), this type does not.</para>
/// </remarks>
public static class TokenId
{
    /// <summary>Crockford's base32 alphabet, upper case.</summary>
    public const string Alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

    /// <summary>Characters in an ID.</summary>
    public const int Length = 10;

    private static readonly SearchValues<char> AlphabetChars = SearchValues.Create(Alphabet);

    /// <summary>A new random ID.</summary>
    public static string New() => string.Create(Length, 0, static (chars, _) =>
    {
        Span<byte> random = stackalloc byte[Length];
        RandomNumberGenerator.Fill(random);
        for (var i = 0; i < chars.Length; i++)
        {
            chars[i] = Alphabet[random[i] & 0x1F];
        }
    });

    /// <summary>Whether <paramref name="id"/> is exactly 10 characters of the upper-case alphabet.</summary>
    public static bool IsValid(ReadOnlySpan<char> id) => id.Length == Length && !id.ContainsAnyExcept(AlphabetChars);

    /// <summary>Characters in a spelling mark (see <see cref="Token.Spelling"/>).</summary>
    public const int SpellingLength = 2;

    /// <summary>Characters in the storage key of a spelling variant: ID, '-', spelling mark.</summary>
    public const int VariantKeyLength = Length + 1 + SpellingLength;

    /// <summary>A new random spelling mark: 2 characters of the same alphabet (10 bits).</summary>
    public static string NewSpelling() => string.Create(SpellingLength, 0, static (chars, _) =>
    {
        Span<byte> random = stackalloc byte[SpellingLength];
        RandomNumberGenerator.Fill(random);
        for (var i = 0; i < chars.Length; i++)
        {
            chars[i] = Alphabet[random[i] & 0x1F];
        }
    });

    /// <summary>Whether <paramref name="spelling"/> is exactly 2 characters of the upper-case alphabet.</summary>
    public static bool IsValidSpelling(ReadOnlySpan<char> spelling) => spelling.Length == SpellingLength && !spelling.ContainsAnyExcept(AlphabetChars);

    /// <summary>Whether <paramref name="key"/> is a vault row key: an ID (<c>7QH2K9MX3A</c>) or an ID with a spelling
    /// mark (<c>7QH2K9MX3A-Q7</c>).</summary>
    public static bool IsValidKey(ReadOnlySpan<char> key) =>
        IsValid(key) || (key.Length == VariantKeyLength && key[Length] == '-' && IsValid(key[..Length]) && IsValidSpelling(key[(Length + 1)..]));

    /// <summary>Throws, naming the parameter and never its content, unless <paramref name="key"/> is a valid row key.</summary>
    internal static void RequireKey(string key, string parameterName)
    {
        if (!IsValidKey(key))
        {
            throw new ArgumentException("The token key is not an ID of 10 characters of Crockford base32, optionally followed by '-' and a 2-character spelling mark.", parameterName);
        }
    }

    /// <summary>Throws, naming the parameter and never its content, unless <paramref name="id"/> is valid.</summary>
    internal static void Require(string id, string parameterName)
    {
        if (!IsValid(id))
        {
            throw new ArgumentException("The token ID is not 10 characters of Crockford base32.", parameterName);
        }
    }
}

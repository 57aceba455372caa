using System.Text;
using PrivateInference.Cryptography;

namespace PrivateInference.Rehydrator.Tests.Support;

/// <summary>Random texts full of tokens, near-tokens, partial tokens, brackets and look-alikes, and random chunkings.</summary>
internal static class TokenText
{
    private static readonly string[] Words =
    [
        "Patient", "seen", "today", "the", "card", "ending", "thanks", "re", "id", "x", "PERSON", "PAN_", "_", "ID_", "person_",
        "José", "naïve", "李", "😀", "𝐉", "ok.", "(", ")", "-", "--", "[", "]", "[[", "]]", "_x_", "a-b", "\n", "\t", " ", "  ",
        "1", "42", "4111-1111", "U+2014—", "'s", ",", ";", ":", "...",
    ];

    /// <summary>A text of <paramref name="pieces"/> random pieces, using <paramref name="tokens"/> as the tokens the
    /// vault knows (canonical form).</summary>
    public static string Random(SeededRandom random, IReadOnlyList<string> tokens, int pieces)
    {
        var text = new StringBuilder();
        for (var p = 0; p < pieces; p++)
        {
            switch (random.Next(12))
            {
                case 0:
                case 1:
                    text.Append(random.Pick(tokens));
                    break;
                case 2:
                    text.Append(Bare(random.Pick(tokens)));
                    break;
                case 3:
                    text.Append(Mangle(random, random.Pick(tokens)));
                    break;
                case 4:
                    // A cut-off token.
                    var token = random.Pick(tokens);
                    text.Append(token, 0, random.Next(1, token.Length));
                    break;
                case 5:
                    text.Append(Unknown(random));
                    break;
                case 6:
                    // A token glued to a word on one side.
                    text.Append(random.Chance(50) ? "x" + Bare(random.Pick(tokens)) : Bare(random.Pick(tokens)) + random.Pick(["x", "_", "é", "-Q7X", "-", "-Q"]));
                    break;
                default:
                    text.Append(random.Pick(Words));
                    break;
            }

            if (random.Chance(60))
            {
                text.Append(random.Pick([" ", " ", ", ", ".", "\n", string.Empty]));
            }
        }

        return text.ToString();
    }

    /// <summary>A new token of a random known type, optionally with a spelling mark.</summary>
    public static string NewToken(SeededRandom random, string type, bool spelled = false) =>
        new Token(type, Id(random), spelled ? Spelling(random) : null).Format();

    public static string Bare(string token) => token[1..^1];

    /// <summary>The token as a model might write it: case changed, brackets dropped, look-alikes.</summary>
    public static string Mangle(SeededRandom random, string token)
    {
        var inner = Bare(token);
        var split = inner.LastIndexOf('_');
        var chars = inner.ToCharArray();
        for (var i = 0; i < chars.Length; i++)
        {
            if (random.Chance(40))
            {
                chars[i] = char.ToLowerInvariant(chars[i]);
            }

            if (i > split && random.Chance(30))
            {
                chars[i] = chars[i] switch
                {
                    '0' => random.Chance(50) ? 'O' : 'o',
                    '1' => random.Pick(['I', 'i', 'L', 'l']),
                    _ => chars[i],
                };
            }
        }

        var mangled = new string(chars);
        return random.Chance(50) ? "[" + mangled + "]" : mangled;
    }

    /// <summary>Token-shaped but not in the vault: a fresh ID, or a type the vault does not store.</summary>
    public static string Unknown(SeededRandom random) => random.Next(3) switch
    {
        0 => new Token("PERSON", Id(random)).Format(),
        1 => new Token("FOO_BAR", Id(random)).Format(),
        _ => "[PERSON_" + Id(random)[..9] + "U]",
    };

    /// <summary>Cuts <paramref name="text"/> into chunks: single characters, small random sizes, or a few big pieces.</summary>
    public static List<string> Chunk(SeededRandom random, string text)
    {
        var chunks = new List<string>();
        var mode = random.Next(3);
        for (var i = 0; i < text.Length;)
        {
            var size = mode switch
            {
                0 => 1,
                1 => random.Next(1, 12),
                _ => random.Next(1, Math.Max(2, text.Length / 3)),
            };
            size = Math.Min(size, text.Length - i);
            chunks.Add(text.Substring(i, size));
            i += size;
        }

        return chunks;
    }

    private static string Id(SeededRandom random) => string.Concat(Enumerable.Range(0, TokenId.Length).Select(_ => TokenId.Alphabet[random.Next(32)]));

    private static string Spelling(SeededRandom random) => string.Concat(Enumerable.Range(0, TokenId.SpellingLength).Select(_ => TokenId.Alphabet[random.Next(32)]));
}

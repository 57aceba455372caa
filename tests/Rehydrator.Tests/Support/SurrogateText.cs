using System.Text;

namespace PrivateInference.Rehydrator.Tests.Support;

/// <summary>Random texts with tokens, surrogates (known and unknown to the vault), cut-off surrogates, and numbers and
/// names that only look like them.</summary>
internal static class SurrogateText
{
    private static readonly string[] Lookalikes =
    [
        "Emily", "Garcia", "Garcia,", "R.", "4821", "Maple", "Ave", "Salem,", "VA", "(", ")", "+", "-", ".", "/", "555", "0100",
        "837-26-1234", "(555) 010-0199", "+1 555 010 0199", "2024", "03/14/2024", "4111 1111 1111 1111", "500 mg", "José", "😀",
        "\n", "x", "Dr.", "12345678901234567890123456789012345678901234567890123456789012345",
    ];

    /// <summary>A text of <paramref name="pieces"/> pieces drawn from tokens, the surrogates the vault knows, and look-alikes.</summary>
    public static string Random(SeededRandom random, IReadOnlyList<string> tokens, IReadOnlyList<string> surrogates, int pieces)
    {
        var text = new StringBuilder();
        for (var p = 0; p < pieces; p++)
        {
            switch (random.Next(10))
            {
                case 0 when tokens.Count > 0:
                    text.Append(random.Pick(tokens));
                    break;
                case 1 or 2 when surrogates.Count > 0:
                    text.Append(random.Pick(surrogates));
                    break;
                case 3 when surrogates.Count > 0:
                    var cut = random.Pick(surrogates);
                    text.Append(cut, 0, random.Next(1, cut.Length));
                    break;
                case 4:
                    text.Append(TokenText.Random(random, tokens, 1));
                    break;
                default:
                    text.Append(random.Pick(Lookalikes));
                    break;
            }

            text.Append(random.Pick([" ", " ", ", ", ". ", "\n", string.Empty, "-", ")"]));
        }

        return text.ToString();
    }
}

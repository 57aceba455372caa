namespace PrivateInference.Cryptography.Tests;

public sealed class TokenIdTests
{
    private const string Crockford = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

    [Test]
    public void The_alphabet_is_Crockford_base32()
    {
        Assert.That(TokenId.Alphabet, Is.EqualTo(Crockford));
        Assert.That(TokenId.Alphabet.Distinct().Count(), Is.EqualTo(32));
    }

    [Test]
    public void A_hundred_thousand_new_ids_are_ten_alphabet_characters_and_all_distinct()
    {
        var ids = Enumerable.Range(0, 100_000).Select(_ => TokenId.New()).ToArray();

        Assert.That(ids, Has.All.Length.EqualTo(10));
        Assert.That(ids.Where(id => id.Any(c => !Crockford.Contains(c, StringComparison.Ordinal))), Is.Empty);
        Assert.That(ids, Is.Unique);
        Assert.That(ids.Where(id => !TokenId.IsValid(id)), Is.Empty);
    }

    [Test]
    public void Every_character_is_about_equally_likely_in_every_position()
    {
        // 100k IDs: 3,125 expected per character and position (sd ~55). A biased draw (modulo 31, a skipped
        // character, a stuck bit) moves some count by far more than the ±15% allowed here.
        const int Count = 100_000;
        var counts = new int[10, 32];
        for (var n = 0; n < Count; n++)
        {
            var id = TokenId.New();
            for (var i = 0; i < id.Length; i++)
            {
                counts[i, Crockford.IndexOf(id[i], StringComparison.Ordinal)]++;
            }
        }

        var expected = Count / 32.0;
        Assert.That(counts.Cast<int>(), Has.All.InRange((int)(expected * 0.85), (int)(expected * 1.15)));
    }

    public static IEnumerable<TestCaseData> Validity()
    {
        yield return new TestCaseData("7QH2K9MX3A", true).SetName("Ten_upper_case_alphabet_characters_are_valid");
        yield return new TestCaseData("0000000000", true).SetName("All_zeros_are_valid");
        yield return new TestCaseData("ZZZZZZZZZZ", true).SetName("All_Z_are_valid");
        yield return new TestCaseData("7qh2k9mx3a", false).SetName("Lower_case_is_not_valid");
        yield return new TestCaseData("7QH2K9MX3", false).SetName("Nine_characters_are_not_valid");
        yield return new TestCaseData("7QH2K9MX3AB", false).SetName("Eleven_characters_are_not_valid");
        yield return new TestCaseData("", false).SetName("Empty_is_not_valid");
        yield return new TestCaseData("7QH2K9MX3I", false).SetName("I_is_not_in_the_alphabet");
        yield return new TestCaseData("7QH2K9MX3L", false).SetName("L_is_not_in_the_alphabet");
        yield return new TestCaseData("7QH2K9MX3O", false).SetName("O_is_not_in_the_alphabet");
        yield return new TestCaseData("7QH2K9MX3U", false).SetName("U_is_not_in_the_alphabet");
        yield return new TestCaseData("7QH2K9MX3-", false).SetName("A_hyphen_is_not_valid");
        yield return new TestCaseData("7QH2K9MX3\uff21", false).SetName("A_full_width_letter_is_not_valid");
    }

    [TestCaseSource(nameof(Validity))]
    public void IsValid(string id, bool valid) => Assert.That(TokenId.IsValid(id), Is.EqualTo(valid));
}

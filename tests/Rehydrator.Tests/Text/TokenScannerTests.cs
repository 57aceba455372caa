using PrivateInference.Rehydrator.Tests.Support;
using PrivateInference.Rehydrator.Text;

namespace PrivateInference.Rehydrator.Tests.Text;

/// <summary>Which spans are token-shaped, and that streaming decides exactly as the whole text does.</summary>
public sealed class TokenScannerTests
{
    public static IEnumerable<TestCaseData> Found()
    {
        (string Text, string[] Expected)[] cases =
        [
            ("Patient [PERSON_7QH2K9MX3A] seen", ["[PERSON_7QH2K9MX3A]=[PERSON_7QH2K9MX3A]"]),
            ("card [PAN_7QH2K9MX3A-Q7].", ["[PAN_7QH2K9MX3A-Q7]=[PAN_7QH2K9MX3A-Q7]"]),
            ("PERSON_7QH2K9MX3A called", ["PERSON_7QH2K9MX3A=[PERSON_7QH2K9MX3A]"]),
            ("called person_7qh2k9mx3a.", ["person_7qh2k9mx3a=[PERSON_7QH2K9MX3A]"]),
            ("[Person_7Qh2k9Mx3A]", ["[Person_7Qh2k9Mx3A]=[PERSON_7QH2K9MX3A]"]),
            ("[PERSON_7QH2K9MX3O]", ["[PERSON_7QH2K9MX3O]=[PERSON_7QH2K9MX30]"]),
            ("[PERSON_IQH2K9MXlA]", ["[PERSON_IQH2K9MXlA]=[PERSON_1QH2K9MX1A]"]),
            ("pan_7qh2k9mx3a-q7, ok", ["pan_7qh2k9mx3a-q7=[PAN_7QH2K9MX3A-Q7]"]),
            ("[ACCOUNT_NUMBER_0123456789]", ["[ACCOUNT_NUMBER_0123456789]=[ACCOUNT_NUMBER_0123456789]"]),
            ("[PERSON_7QH2K9MX3A][MRN_0123456789]", ["[PERSON_7QH2K9MX3A]=[PERSON_7QH2K9MX3A]", "[MRN_0123456789]=[MRN_0123456789]"]),
            ("[[PERSON_7QH2K9MX3A]]", ["[PERSON_7QH2K9MX3A]=[PERSON_7QH2K9MX3A]"]),
            ("[PERSON_7QH2K9MX3A said", ["PERSON_7QH2K9MX3A=[PERSON_7QH2K9MX3A]"]),
            ("PERSON_7QH2K9MX3A] said", ["PERSON_7QH2K9MX3A=[PERSON_7QH2K9MX3A]"]),
            ("[PAN_7QH2K9MX3A-Q7 said", ["PAN_7QH2K9MX3A-Q7=[PAN_7QH2K9MX3A-Q7]"]),
            ("(PERSON_7QH2K9MX3A-)", ["PERSON_7QH2K9MX3A=[PERSON_7QH2K9MX3A]"]),
            ("PERSON_7QH2K9MX3A- x", ["PERSON_7QH2K9MX3A=[PERSON_7QH2K9MX3A]"]),
            ("PERSON_7QH2K9MX3A's chart", ["PERSON_7QH2K9MX3A=[PERSON_7QH2K9MX3A]"]),
            ("[PERSON_7QH2K9MX3A]'s chart", ["[PERSON_7QH2K9MX3A]=[PERSON_7QH2K9MX3A]"]),
            ("x[PERSON_7QH2K9MX3A]y", ["[PERSON_7QH2K9MX3A]=[PERSON_7QH2K9MX3A]"]),
            ("PERSON_7QH2K9MX3A", ["PERSON_7QH2K9MX3A=[PERSON_7QH2K9MX3A]"]),
            ("[FOO_7QH2K9MX3A]", ["[FOO_7QH2K9MX3A]=[FOO_7QH2K9MX3A]"]),
            ("xPERSON_7QH2K9MX3A", ["xPERSON_7QH2K9MX3A=[XPERSON_7QH2K9MX3A]"]),
            ("PERSON_7QH2K9MX3A-Q7X", []),
            ("PERSON_7QH2K9MX3A-based", []),
            ("[PAN_7QH2K9MX3A-Q7X]", []),
            ("1PERSON_7QH2K9MX3A", []),
            ("PERSON_7QH2K9MX3Ax", []),
            ("PERSON_7QH2K9MX3A_", []),
            ("éPERSON_7QH2K9MX3A", []),
            ("PERSON_7QH2K9MX3Aé", []),
            ("[PERSON_7QH2K9MX3U]", []),
            ("[PERSON_7QH2K9MX3]", []),
            ("[PERSON_7QH2K9MX3AB]", []),
            ("[PERSON 7QH2K9MX3A]", []),
            ("[PERSON-7QH2K9MX3A]", []),
            ("[CVV_REDACTED]", []),
            ("[PAN_7QH2K9MX3A-Q]", []),
            ("[PAN_7QH2K9MX3A-QU]", []),
            ("[ıd_7QH2K9MX3A]", []),
            (new string('A', 40) + "_7QH2K9MX3A", []),
            ("plain text, nothing here.", []),
        ];
        foreach (var (text, expected) in cases)
        {
            yield return new TestCaseData(text, expected).SetName("Finds " + (expected.Length == 0 ? "nothing" : string.Join(" and ", expected)) + " in " + text.Replace("\n", "\\n", StringComparison.Ordinal));
        }
    }

    [TestCaseSource(nameof(Found))]
    public void Finds_token_shaped_spans(string text, string[] expected)
    {
        var scanned = TokenScanner.Find(text);

        Assert.That(scanned.Tokens.Select(m => string.Concat(text.AsSpan(m.Start, m.Length), "=", m.Token.Format())), Is.EqualTo(expected));
        Assert.That(scanned.Truncated, Is.Zero);
        Assert.That(scanned.Text, Is.SameAs(text));
    }

    [TestCase("see [PERSON_7QH2", 1)]
    [TestCase("see PERSON_7QH2", 1)]
    [TestCase("see person_7q", 1)]
    [TestCase("see [PERSON_7QH2K9MX3A", 1)]
    [TestCase("see [PAN_7QH2K9MX3A-Q7", 1)]
    [TestCase("see PAN_7QH2K9MX3A-Q", 1)]
    [TestCase("see PAN_7QH2K9MX3A-", 1)]
    [TestCase("see [PERSON_", 0)]
    [TestCase("see [", 0)]
    [TestCase("thanks", 0)]
    [TestCase("well-", 0)]
    public void A_token_cut_off_by_the_end_of_the_text_is_not_resolved_and_is_counted(string text, int truncated)
    {
        var scanned = TokenScanner.Find(text);

        Assert.That(scanned.Tokens, Is.Empty);
        Assert.That(scanned.Truncated, Is.EqualTo(truncated));
    }

    [Test]
    public void A_whole_token_at_the_end_of_the_text_is_found()
    {
        Assert.That(TokenScanner.Find("see PAN_7QH2K9MX3A-Q7").Tokens.Single().Token.Format(), Is.EqualTo("[PAN_7QH2K9MX3A-Q7]"));
        Assert.That(TokenScanner.Find("see PERSON_7QH2K9MX3A").Tokens.Single().Token.Format(), Is.EqualTo("[PERSON_7QH2K9MX3A]"));
    }

    [Test]
    public void Text_that_cannot_become_a_token_is_forwarded_at_once()
    {
        var scanner = new TokenScanner();

        Assert.That(scanner.Push("Seen today, ").Text, Is.EqualTo("Seen today, "));
        Assert.That(scanner.Push("1").Text, Is.EqualTo("1"));
        Assert.That(scanner.Push(new string('a', 60)).Text, Has.Length.EqualTo(60));
        Assert.That(scanner.HeldBack, Is.Zero);
    }

    [Test]
    public void A_possible_token_is_held_back_until_it_is_complete_or_cannot_be_one()
    {
        var scanner = new TokenScanner();

        Assert.That(scanner.Push("Dear [PERSON_7QH").Text, Is.EqualTo("Dear "));
        Assert.That(scanner.Push("2K9MX3A").Text, Is.Empty);
        var closed = scanner.Push("] and");

        Assert.That(closed.Text, Is.EqualTo("[PERSON_7QH2K9MX3A] "));
        Assert.That(closed.Tokens.Single(), Is.EqualTo(new TokenMatch(0, 19, closed.Tokens.Single().Token)));
        Assert.That(scanner.Push(" [PERSON").Text, Is.EqualTo("and "));
        Assert.That(scanner.Push(" x").Text, Is.EqualTo("[PERSON "));
        Assert.That(scanner.Complete().Text, Is.EqualTo("x"));
    }

    [Test]
    public void A_chunk_never_ends_in_half_a_surrogate_pair()
    {
        var scanner = new TokenScanner();

        Assert.That(scanner.Push("ok \uD83D").Text, Is.EqualTo("ok "));
        Assert.That(scanner.Push("\uDE00 fine").Text, Is.EqualTo("\uD83D\uDE00 "));
        Assert.That(scanner.Complete().Text, Is.EqualTo("fine"));
    }

    [Test]
    public void Streaming_decides_exactly_as_the_whole_text_for_random_texts_and_chunkings()
    {
        var random = SeededRandom.FromEntropy();
        string[] tokens =
        [
            TokenText.NewToken(random, "PERSON"), TokenText.NewToken(random, "PAN", spelled: true), TokenText.NewToken(random, "ACCOUNT_NUMBER"),
            TokenText.NewToken(random, "SSN"), TokenText.NewToken(random, "DATE", spelled: true),
        ];
        for (var run = 0; run < 3000; run++)
        {
            var text = TokenText.Random(random, tokens, random.Next(1, 25));
            var whole = TokenScanner.Find(text);
            var scanner = new TokenScanner();
            var streamed = new List<string>();
            var offset = 0;
            var matches = new List<TokenMatch>();
            var truncated = 0;
            var chunks = TokenText.Chunk(random, text);
            for (var c = 0; c <= chunks.Count; c++)
            {
                var chunk = c < chunks.Count ? scanner.Push(chunks[c]) : scanner.Complete();
                Assert.That(scanner.HeldBack, Is.LessThanOrEqualTo(TokenScanner.MaxHeldBack), $"seed {random.Seed}");
                streamed.Add(chunk.Text);
                matches.AddRange(chunk.Tokens.Select(m => m with { Start = m.Start + offset }));
                offset += chunk.Text.Length;
                truncated += chunk.Truncated;
            }

            Assert.That(string.Concat(streamed), Is.EqualTo(text), $"seed {random.Seed}, run {run}");
            Assert.That(matches, Is.EqualTo(whole.Tokens), $"seed {random.Seed}, run {run}");
            Assert.That(truncated, Is.EqualTo(whole.Truncated), $"seed {random.Seed}, run {run}");
            Assert.That(streamed.Where(c => c.Length > 0), Has.None.Matches<string>(c => char.IsHighSurrogate(c[^1]) || char.IsLowSurrogate(c[0])), $"seed {random.Seed}");
        }
    }

    [Test]
    public void Random_texts_find_every_known_token_written_canonically()
    {
        var random = SeededRandom.FromEntropy();
        var token = TokenText.NewToken(random, "PERSON");
        for (var run = 0; run < 500; run++)
        {
            var text = TokenText.Random(random, [token], random.Next(1, 10)) + " " + token + " ";
            var found = TokenScanner.Find(text).Tokens;

            Assert.That(found.Select(m => m.Token.Format()), Does.Contain(token), $"seed {random.Seed}");
        }
    }
}

using PrivateInference.Cryptography.Surrogates;
using PrivateInference.Rehydrator.Tests.Support;
using PrivateInference.Rehydrator.Text;

namespace PrivateInference.Rehydrator.Tests.Text;

/// <summary>Tokens and surrogate candidates together: a token always wins, and streaming decides as the whole text does.</summary>
public sealed class TextScannerTests
{
    [TestCase("[ACCOUNT_NUMBER_0123456789]")]
    [TestCase("PAN_0123456789 and [MRN_0123456789].")]
    [TestCase("[PERSON_7QH2K9MX3A]123456")]
    [TestCase("1234[MRN_0123456789]5678")]
    public void A_token_wins_over_a_candidate_inside_it_or_across_its_edge(string text)
    {
        var scanned = TextScanner.Find(text);

        Assert.That(scanned.Tokens, Is.Not.Empty);
        Assert.That(scanned.Surrogates.Where(c => scanned.Tokens.Any(t => c.Start < t.Start + t.Length && t.Start < c.Start + c.Length)), Is.Empty);
    }

    [Test]
    public void Candidates_around_tokens_are_still_found()
    {
        var scanned = TextScanner.Find("[PERSON_7QH2K9MX3A] 837-26-1234, Emily Garcia.");

        Assert.That(scanned.Tokens, Has.Count.EqualTo(1));
        Assert.That(scanned.Surrogates.Select(c => c.Kind), Is.EqualTo(new[] { SurrogateKind.Digits, SurrogateKind.Name }));
    }

    [Test]
    public void With_surrogates_off_no_candidate_is_found_and_nothing_more_is_held()
    {
        var scanner = new TextScanner(surrogates: false);

        var pushed = scanner.Push("call 837-26-12");

        Assert.That(pushed.Text, Is.EqualTo("call 837-26-12"));
        Assert.That(pushed.Surrogates, Is.Empty);
        Assert.That(TextScanner.Find("837-26-1234", surrogates: false).Surrogates, Is.Empty);
    }

    [Test]
    public void A_candidate_is_held_back_until_what_follows_decides_it()
    {
        var scanner = new TextScanner();

        var first = scanner.Push("SSN 837-26-");
        var second = scanner.Push("1234");
        var third = scanner.Push(". Next");
        var end = scanner.Complete();

        Assert.That(first.Text, Is.EqualTo("SSN "));
        Assert.That(second.Text, Is.Empty);
        Assert.That(third.Text, Is.EqualTo("837-26-1234. "));
        Assert.That(third.Surrogates, Is.EqualTo(new[] { new SurrogateCandidate(0, 11, SurrogateKind.Digits) }));
        Assert.That(end.Text, Is.EqualTo("Next"));
    }

    [Test]
    public void Random_chunkings_give_the_tokens_and_candidates_of_the_whole_text()
    {
        var random = SeededRandom.FromEntropy();
        string[] tokens = [TokenText.NewToken(random, "PERSON"), TokenText.NewToken(random, "PAN", spelled: true), "[MRN_0123456789]"];
        for (var run = 0; run < 1500; run++)
        {
            var text = SurrogateText.Random(random, tokens, [], random.Next(1, 30));
            var whole = TextScanner.Find(text);
            var scanner = new TextScanner();
            var pieces = new ScannedText(string.Empty, [], 0);
            foreach (var chunk in TokenText.Chunk(random, text))
            {
                pieces = TextScanner.Concat(pieces, scanner.Push(chunk));
                Assert.That(scanner.HeldBack, Is.LessThanOrEqualTo(TextScanner.MaxHeldBack), $"seed {random.Seed}, run {run}");
            }

            pieces = TextScanner.Concat(pieces, scanner.Complete());
            Assert.That(pieces.Text, Is.EqualTo(text), $"seed {random.Seed}, run {run}");
            Assert.That(pieces.Tokens, Is.EqualTo(whole.Tokens), $"seed {random.Seed}, run {run}");
            Assert.That(pieces.Surrogates, Is.EqualTo(whole.Surrogates), $"seed {random.Seed}, run {run}");
            Assert.That(pieces.Truncated, Is.EqualTo(whole.Truncated), $"seed {random.Seed}, run {run}");
        }
    }

    [Test]
    public void Ending_with_the_last_chunk_in_one_step_decides_as_pushing_it_then_completing()
    {
        var random = SeededRandom.FromEntropy();
        string[] tokens = [TokenText.NewToken(random, "PERSON"), TokenText.NewToken(random, "PAN", spelled: true), "[MRN_0123456789]"];
        for (var run = 0; run < 1000; run++)
        {
            var text = SurrogateText.Random(random, tokens, [], random.Next(1, 30));
            var chunks = TokenText.Chunk(random, text).ToList();
            var stepwise = new TextScanner();
            var oneStep = new TextScanner();
            var expected = new ScannedText(string.Empty, [], 0);
            var actual = new ScannedText(string.Empty, [], 0);
            for (var k = 0; k < chunks.Count - 1; k++)
            {
                expected = TextScanner.Concat(expected, stepwise.Push(chunks[k]));
                actual = TextScanner.Concat(actual, oneStep.Push(chunks[k]));
            }

            var last = chunks.Count > 0 ? chunks[^1] : string.Empty;
            expected = TextScanner.Concat(TextScanner.Concat(expected, stepwise.Push(last)), stepwise.Complete());
            actual = TextScanner.Concat(actual, oneStep.Complete(last));
            Assert.That(actual.Text, Is.EqualTo(expected.Text), $"seed {random.Seed}, run {run}");
            Assert.That(actual.Tokens, Is.EqualTo(expected.Tokens), $"seed {random.Seed}, run {run}");
            Assert.That(actual.Surrogates, Is.EqualTo(expected.Surrogates), $"seed {random.Seed}, run {run}");
            Assert.That(actual.Truncated, Is.EqualTo(expected.Truncated), $"seed {random.Seed}, run {run}");
            Assert.That(oneStep.HeldBack, Is.Zero, $"seed {random.Seed}, run {run}");
        }
    }
}

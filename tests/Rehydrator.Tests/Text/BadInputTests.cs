using System.Diagnostics;
using System.Text;
using PrivateInference.Rehydrator.Tests.Support;
using PrivateInference.Rehydrator.Text;

namespace PrivateInference.Rehydrator.Tests.Text;

/// <summary>Adversarial 1 MiB inputs are scanned in linear time, whole or in one-character chunks.</summary>
public sealed class BadInputTests
{
    private const int Size = 1024 * 1024;

    public static IEnumerable<TestCaseData> Inputs()
    {
        string[] units = ["[", "[a", "a_", "a-", "a-b", "A_0123456789-", "[PERSON_0123456789-Q", "PERSON_0123456789 ", "[PERSON_0123456789]", "_", "é[", "\uD83D\uDE00["];
        foreach (var unit in units)
        {
            yield return new TestCaseData(unit).SetName($"1 MiB of '{unit.Replace("\uD83D\uDE00", "emoji", StringComparison.Ordinal)}' is scanned in linear time");
        }
    }

    [TestCaseSource(nameof(Inputs))]
    public void A_large_adversarial_text_is_scanned_quickly_whole_and_streamed(string unit)
    {
        var text = Repeat(unit, Size);

        var started = Stopwatch.GetTimestamp();
        var whole = TokenScanner.Find(text);
        var scanner = new TokenScanner();
        var streamedLength = 0;
        for (var i = 0; i < text.Length; i += 1)
        {
            streamedLength += scanner.Push(text.Substring(i, 1)).Text.Length;
        }

        streamedLength += scanner.Complete().Text.Length;
        var elapsed = Stopwatch.GetElapsedTime(started);

        Assert.That(streamedLength, Is.EqualTo(text.Length));
        Assert.That(whole.Text, Has.Length.EqualTo(text.Length));
        Assert.That(elapsed, Is.LessThan(TimeSpan.FromSeconds(10)), "whole and streamed in 1-character chunks");
    }

    public static IEnumerable<TestCaseData> SurrogateInputs()
    {
        string[] units = ["1", "1-", "(1) ", "+1 ", "(555", "Emily Garcia ", "Garcia, ", "4821 Maple Ave, ", "Emily R", "[PERSON_0123456789]1", new string('7', 63) + ", "];
        foreach (var unit in units)
        {
            yield return new TestCaseData(unit).SetName($"1 MiB of '{unit}' is scanned for tokens and surrogates in linear time");
        }
    }

    [TestCaseSource(nameof(SurrogateInputs))]
    public void A_large_surrogate_shaped_text_is_scanned_quickly_whole_and_streamed(string unit)
    {
        var text = Repeat(unit, Size);

        var started = Stopwatch.GetTimestamp();
        var whole = TextScanner.Find(text);
        var scanner = new TextScanner();
        var streamedLength = 0;
        var streamedCandidates = 0;
        for (var i = 0; i < text.Length; i += 1)
        {
            var decided = scanner.Push(text.Substring(i, 1));
            streamedLength += decided.Text.Length;
            streamedCandidates += decided.Surrogates.Count;
        }

        var end = scanner.Complete();
        streamedLength += end.Text.Length;
        streamedCandidates += end.Surrogates.Count;
        var elapsed = Stopwatch.GetElapsedTime(started);

        Assert.That(streamedLength, Is.EqualTo(text.Length));
        Assert.That(streamedCandidates, Is.EqualTo(whole.Surrogates.Count));
        Assert.That(elapsed, Is.LessThan(TimeSpan.FromSeconds(10)), "whole and streamed in 1-character chunks");
    }

    [Test]
    public async Task A_megabyte_of_number_shaped_text_costs_the_vault_one_capped_look_up_per_window()
    {
        var h = new EngineHarness(revealsPerMinute: 1_000_000, maxTextLength: Size);
        var text = string.Concat(Enumerable.Range(0, (Size / 9) + 1).Select(i => $"{1_000_000 + i}; "))[..Size];

        var result = await h.Engine.RehydrateAsync(EngineHarness.Agent("clinician"), null, "treatment", text);

        Assert.That(h.Vault.Detokenized.Select(r => r.Surrogates.Count), Is.EqualTo(new[] { new PrivateInference.Rehydrator.Rehydration.RehydrationOptions().MaxSurrogateCandidates }));
        Assert.That(result.Text, Is.EqualTo(text));
    }

    [Test]
    public async Task The_engine_rehydrates_a_megabyte_of_tokens_within_the_limits()
    {
        var h = new EngineHarness(revealsPerMinute: 1_000_000, maxTextLength: Size);
        var tokens = Enumerable.Range(0, 1500).Select(i => h.Vault.Add("acme", "PERSON", "Person " + i)).ToArray();
        var text = new StringBuilder(Size);
        for (var i = 0; text.Length + 30 < Size; i++)
        {
            text.Append(tokens[i % tokens.Length]).Append(' ');
        }

        var result = await h.Engine.RehydrateAsync(EngineHarness.Agent("clinician"), null, "treatment", text.ToString());

        Assert.That(h.Vault.Detokenized.Select(r => r.Tokens.Count), Is.EqualTo(new[] { 1000, 500 }));
        Assert.That(result.Summary.Unresolved, Is.Zero);
        Assert.That(result.Text, Does.StartWith("Person 0 Person 1 "));
    }

    private static string Repeat(string unit, int length)
    {
        var text = new StringBuilder(length + unit.Length);
        while (text.Length < length)
        {
            text.Append(unit);
        }

        return text.ToString();
    }
}

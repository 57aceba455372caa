using PrivateInference.Rehydrator.Policy;
using PrivateInference.Rehydrator.Text;
using PrivateInference.Rehydrator.Tests.Support;

namespace PrivateInference.Rehydrator.Tests.Rehydration;

/// <summary>Streamed rehydration: the same result as unary for any chunking, one Detokenize per window, expiry per window.</summary>
public sealed class RehydrationSessionTests
{
    [Test]
    public async Task Streaming_output_equals_unary_output_for_random_texts_and_chunkings()
    {
        var random = SeededRandom.FromEntropy();
        var h = new EngineHarness(revealsPerMinute: 1_000_000);
        string[] tokens =
        [
            h.Vault.Add("acme", "PERSON", "Jane Roe"),
            h.Vault.Add("acme", "PERSON", "José Álvarez"),
            h.Vault.Add("acme", "PAN", "4111 1111 1111 1111"),
            h.Vault.Add("acme", "PAN", "4111-1111-1111-1111", spelling: "Q7"),
            h.Vault.Add("acme", "SSN", "123-45-6789"),
            h.Vault.Add("acme", "DATE", "March 14th, 2024"),
            h.Vault.Add("acme", "ACCOUNT_NUMBER", "0012345678"),
            h.Vault.Add("globex", "PERSON", "John Doe"),
        ];
        var agent = EngineHarness.Agent("payments-agent");
        for (var run = 0; run < 1500; run++)
        {
            await AssertStreamEqualsUnary(h, agent, random, TokenText.Random(random, tokens, random.Next(1, 30)), run);
        }
    }

    [Test]
    public async Task Streaming_output_equals_unary_output_for_random_texts_with_surrogates()
    {
        var random = SeededRandom.FromEntropy();
        var h = new EngineHarness(revealsPerMinute: 1_000_000);
        using var key = PrivateInference.Cryptography.SecretKey.Generate(32);
        var pan = PrivateInference.Cryptography.Surrogates.PanSurrogate.Encrypt(key, "t"u8, "4111 1111 1111 1111");
        var phone = PrivateInference.Cryptography.Surrogates.DigitSurrogate.Encrypt(key, "t"u8, "(555) 010-0199");
        var ssn = PrivateInference.Cryptography.Surrogates.DigitSurrogate.Encrypt(key, "t"u8, "123-45-6789");
        var name = PrivateInference.Cryptography.Surrogates.ListSurrogate.Person(key, "t"u8, "7QH2K9MX3A", 0, "John Q. Public");
        var address = PrivateInference.Cryptography.Surrogates.ListSurrogate.Address(key, "t"u8, "7QH2K9MX3A", 0, "12 Elm St, Troy, NY");
        string[] surrogates = [pan, phone, ssn, name, address, "Emily Garcia"];
        h.Vault.AddSurrogate("acme", "PAN", "4111 1111 1111 1111", pan);
        h.Vault.AddSurrogate("acme", "PHONE", "(555) 010-0199", phone);
        h.Vault.AddSurrogate("acme", "SSN", "123-45-6789", ssn);
        h.Vault.AddSurrogate("acme", "PERSON", "Jane Roe", name);
        h.Vault.AddSurrogate("acme", "ADDRESS", "12 Elm St, Troy, NY", address);
        string[] tokens = [h.Vault.Add("acme", "PERSON", "José Álvarez"), h.Vault.Add("acme", "MRN", "MRN-00259874")];
        var agent = EngineHarness.Agent("payments-agent");
        var fromSurrogates = 0;
        for (var run = 0; run < 1500; run++)
        {
            var unary = await AssertStreamEqualsUnary(h, agent, random, SurrogateText.Random(random, tokens, surrogates, random.Next(1, 30)), run);
            fromSurrogates += unary.Summary.Count("PAN", RehydrationAction.Mask) + unary.Summary.Count("ADDRESS", RehydrationAction.Reveal);
        }

        Assert.That(fromSurrogates, Is.Positive, "surrogates were resolved at all");
    }

    [Test]
    public async Task A_token_split_across_chunks_is_held_back_and_then_resolved()
    {
        var h = new EngineHarness();
        var person = h.Vault.Add("acme", "PERSON", "Jane Roe");
        var stream = await h.Engine.OpenStreamAsync(EngineHarness.Agent("clinician"), "acme", "treatment");

        Assert.That(await stream.WriteAsync("Dear " + person[..5]), Is.EqualTo("Dear "));
        Assert.That(await stream.WriteAsync(person[5..12]), Is.Empty);
        Assert.That(await stream.WriteAsync(person[12..] + ", thanks."), Is.EqualTo("Jane Roe, thanks."));
        var end = await stream.CompleteAsync();

        Assert.That(end.Text, Is.Empty);
        Assert.That(end.Summary.Count("PERSON", RehydrationAction.Reveal), Is.EqualTo(1));
    }

    [Test]
    public async Task A_stream_that_ends_mid_token_flushes_the_partial_text_as_it_is_and_counts_it()
    {
        var h = new EngineHarness();
        var person = h.Vault.Add("acme", "PERSON", "Jane Roe");
        var stream = await h.Engine.OpenStreamAsync(EngineHarness.Agent("clinician"), null, "treatment");

        var first = await stream.WriteAsync($"{person} and " + person[..9]);
        var end = await stream.CompleteAsync();

        Assert.That(first + end.Text, Is.EqualTo("Jane Roe and " + person[..9]));
        Assert.That(end.Summary.Unresolved, Is.EqualTo(1));
        Assert.That(end.Summary.Count("PERSON", RehydrationAction.Reveal), Is.EqualTo(1));
    }

    [Test]
    public async Task Each_window_with_tokens_to_reveal_makes_one_detokenize()
    {
        var h = new EngineHarness();
        var a = h.Vault.Add("acme", "PERSON", "Jane Roe");
        var b = h.Vault.Add("acme", "MRN", "MRN-1");
        var stream = await h.Engine.OpenStreamAsync(EngineHarness.Agent("clinician"), null, "treatment");

        await stream.WriteAsync($"{a} {b} {a}. ");
        await stream.WriteAsync("nothing here. ");
        await stream.WriteAsync($"{b}. ");
        await stream.CompleteAsync();

        Assert.That(h.Vault.Detokenized.Select(r => r.Tokens.Count), Is.EqualTo(new[] { 2, 1 }));
        Assert.That(h.Vault.Recorded, Is.Empty);
    }

    [Test]
    public async Task Withheld_counts_of_a_stream_are_recorded_once_when_no_detokenize_carried_them()
    {
        var h = new EngineHarness();
        var pan = h.Vault.Add("acme", "PAN", "4111 1111 1111 1111");
        var person = h.Vault.Add("acme", "PERSON", "Jane Roe");
        var stream = await h.Engine.OpenStreamAsync(EngineHarness.Agent("clinician"), null, "treatment");

        await stream.WriteAsync($"{pan}. ");
        await stream.WriteAsync($"{person}. ");
        await stream.WriteAsync($"{pan} again. ");
        await stream.CompleteAsync();

        var detokenize = h.Vault.Detokenized.Single();
        Assert.That(detokenize.Context.Actions.Select(c => $"{c.EntityType}:{c.Action}:{c.Count}"), Is.EquivalentTo(new[] { "PAN:withhold:1", "PERSON:reveal:1" }));
        var record = h.Vault.Recorded.Single();
        Assert.That(record.RefusalReason, Is.Empty);
        Assert.That(record.Context.Actions.Select(c => $"{c.EntityType}:{c.Action}:{c.Count}"), Is.EqualTo(new[] { "PAN:withhold:1" }));
    }

    [Test]
    public async Task A_stream_is_not_served_past_the_agents_token()
    {
        var h = new EngineHarness();
        var person = h.Vault.Add("acme", "PERSON", "Jane Roe");
        var stream = await h.Engine.OpenStreamAsync(EngineHarness.Agent("clinician", lifetime: TimeSpan.FromMinutes(1)), null, "treatment");
        await stream.WriteAsync(person + " ");

        h.Clock.Advance(TimeSpan.FromMinutes(2));

        var refusal = Assert.ThrowsAsync<RehydrationException>(() => stream.WriteAsync(person + " "));
        Assert.That(refusal!.Reason, Is.EqualTo("token_expired"));
        Assert.That(h.Vault.Recorded.Single().RefusalReason, Is.EqualTo("token_expired"));
        Assert.That(() => stream.WriteAsync("more"), Throws.InvalidOperationException);
    }

    [Test]
    public async Task A_stream_is_not_served_past_its_break_glass_grant()
    {
        var h = new EngineHarness();
        var pan = h.Vault.Add("acme", "PAN", "4111 1111 1111 1111");
        var stream = await h.Engine.OpenStreamAsync(EngineHarness.Agent("payments-supervisor", "sup-bob", grant: EngineHarness.Grant(lifetime: TimeSpan.FromMinutes(1))), null, "payment");

        Assert.That(await stream.WriteAsync(pan + " "), Is.EqualTo("4111 1111 1111 1111 "));

        h.Clock.Advance(TimeSpan.FromMinutes(1));

        var refusal = Assert.ThrowsAsync<RehydrationException>(() => stream.WriteAsync(pan + " "));
        Assert.That(refusal!.Reason, Is.EqualTo("break_glass_expired"));
        Assert.That(h.Vault.Recorded.Single().Context.BreakGlassGrant, Is.EqualTo("bg-2026-0042"));
    }

    [Test]
    public async Task A_surrogate_pair_may_be_split_across_chunks_but_a_stream_may_not_end_in_half_of_one()
    {
        var h = new EngineHarness();
        var whole = await h.Engine.OpenStreamAsync(EngineHarness.Agent("clinician"), null, "treatment");
        var output = await whole.WriteAsync("ok \uD83D") + await whole.WriteAsync("\uDE00 fine") + (await whole.CompleteAsync()).Text;
        var cut = await h.Engine.OpenStreamAsync(EngineHarness.Agent("clinician"), null, "treatment");
        await cut.WriteAsync("ends \uD83D");

        Assert.That(output, Is.EqualTo("ok \uD83D\uDE00 fine"));
        Assert.That(() => cut.CompleteAsync(), Throws.TypeOf<RehydrationException>().With.Property(nameof(RehydrationException.Reason)).EqualTo("malformed_utf16"));
    }

    [Test]
    public async Task Each_chunk_is_held_to_the_text_limit()
    {
        var h = new EngineHarness(maxTextLength: 10);
        var stream = await h.Engine.OpenStreamAsync(EngineHarness.Agent("clinician"), null, "treatment");

        Assert.That(await stream.WriteAsync("12345 ok.!"), Is.EqualTo("12345 ok.!"));
        Assert.That(() => stream.WriteAsync("0123456789x"), Throws.TypeOf<RehydrationException>().With.Property(nameof(RehydrationException.Reason)).EqualTo("text_too_long"));
    }

    /// <summary>Rehydrates <paramref name="text"/> whole and as a stream in random chunks; asserts the same text (compared
    /// as a boolean: it holds values) and summary, and a bounded hold-back. Returns the unary result.</summary>
    private static async Task<Rehydrator.Rehydration.RehydrationResult> AssertStreamEqualsUnary(EngineHarness h, Rehydrator.Authorization.AuthenticatedAgent agent, SeededRandom random, string text, int run)
    {
        var unary = await h.Engine.RehydrateAsync(agent, null, "payment", text);
        var stream = await h.Engine.OpenStreamAsync(agent, null, "payment");
        var output = new System.Text.StringBuilder();
        foreach (var chunk in TokenText.Chunk(random, text))
        {
            output.Append(await stream.WriteAsync(chunk));
            Assert.That(stream.HeldBack, Is.LessThanOrEqualTo(TextScanner.MaxHeldBack));
        }

        var end = await stream.CompleteAsync();
        output.Append(end.Text);

        Assert.That(output.ToString() == unary.Text, Is.True, $"seed {random.Seed}, run {run}");
        Assert.That(end.Summary.Counts, Is.EqualTo(unary.Summary.Counts), $"seed {random.Seed}, run {run}");
        Assert.That(end.Summary.Unresolved, Is.EqualTo(unary.Summary.Unresolved), $"seed {random.Seed}, run {run}");
        return unary;
    }
}

using System.Security.Cryptography;
using PrivateInference.Contracts.Vault.V1;
using PrivateInference.Cryptography;
using PrivateInference.Cryptography.Surrogates;
using PrivateInference.Rehydrator.Policy;
using PrivateInference.Rehydrator.Rehydration;
using PrivateInference.Rehydrator.Tests.Support;

namespace PrivateInference.Rehydrator.Tests.Rehydration;

/// <summary>Surrogates in model output resolve like tokens: sent in the window's Detokenize, the found ones revealed,
/// masked or withheld by their type, unknown ones left alone and uncounted. Values are per-run canaries, compared with
/// booleans so a failure never prints one.</summary>
public sealed class SurrogateRehydrationTests
{
    private static readonly SecretKey SurrogateKey = SecretKey.Generate(32);

    private EngineHarness _h = null!;
    private string _cardValue = null!;
    private string _nameValue = null!;
    private string _panSurrogate = null!;
    private string _nameSurrogate = null!;
    private string _phoneSurrogate = null!;
    private string _personToken = null!;

    [OneTimeTearDown]
    public static void DisposeKey() => SurrogateKey.Dispose();

    [SetUp]
    public void Record()
    {
        _h = new EngineHarness();
        _cardValue = Canary.Pan();
        _nameValue = Canary.Name();
        _panSurrogate = PanSurrogate.Encrypt(SurrogateKey, "acme\0PAN"u8, _cardValue);
        _nameSurrogate = ListSurrogate.Person(SurrogateKey, "acme\0PERSON"u8, TokenId.New(), 0, "John Smith");
        _phoneSurrogate = DigitSurrogate.Encrypt(SurrogateKey, "acme\0PHONE"u8, "(555) 010-0199");
        _h.Vault.AddSurrogate("acme", "PAN", _cardValue, _panSurrogate);
        _personToken = _h.Vault.AddSurrogate("acme", "PERSON", _nameValue, _nameSurrogate);
        _h.Vault.AddSurrogate("acme", "PHONE", "(555) 010-0199", _phoneSurrogate);
    }

    [Test]
    public async Task Found_surrogates_get_their_types_action_and_unknown_candidates_stay_as_they_are_and_uncounted()
    {
        var text = $"Card {_panSurrogate} of {_nameSurrogate}, call {_phoneSurrogate}; ref 837-26-1234 and Emily Garcia.";

        var result = await _h.Engine.RehydrateAsync(EngineHarness.Agent("payments-agent"), null, "payment", text);

        var masked = new string('*', 12) + _cardValue[^4..];
        Assert.That(result.Text == $"Card {masked} of {_nameValue}, call (555) 010-0199; ref 837-26-1234 and Emily Garcia.", Is.True);
        Assert.That(result.Summary.Count("PAN", RehydrationAction.Mask), Is.EqualTo(1));
        Assert.That(result.Summary.Count("PERSON", RehydrationAction.Reveal), Is.EqualTo(1));
        Assert.That(result.Summary.Count("PHONE", RehydrationAction.Reveal), Is.EqualTo(1));
        Assert.That(result.Summary.Unresolved, Is.Zero);
        var request = _h.Vault.Detokenized.Single();
        Assert.That(request.Tokens, Is.Empty);
        Assert.That(request.Surrogates.SequenceEqual([_panSurrogate, _nameSurrogate, _phoneSurrogate, "837-26-1234", "Emily Garcia"]), Is.True);
    }

    [Test]
    public async Task A_withheld_surrogate_stays_as_written_and_is_counted_withheld()
    {
        var text = $"{_nameSurrogate} paid with {_panSurrogate} and again {_panSurrogate}.";

        var result = await _h.Engine.RehydrateAsync(EngineHarness.Agent("clinician"), null, "treatment", text);

        Assert.That(result.Text == $"{_nameValue} paid with {_panSurrogate} and again {_panSurrogate}.", Is.True);
        Assert.That(result.Summary.Count("PAN", RehydrationAction.Withhold), Is.EqualTo(2));
        Assert.That(result.Summary.Count("PERSON", RehydrationAction.Reveal), Is.EqualTo(1));
    }

    [Test]
    public async Task A_unary_rehydration_with_surrogates_is_one_detokenize_that_carries_the_surrogate_actions_and_no_closing_record()
    {
        var text = $"{_nameSurrogate}, {_nameSurrogate} and {_personToken}; card {_panSurrogate}.";

        var result = await _h.Engine.RehydrateAsync(EngineHarness.Agent("clinician"), null, "treatment", text);

        var detokenize = _h.Vault.Detokenized.Single();
        Assert.That(Counts(detokenize.Context), Is.EqualTo(new[] { "PERSON:reveal:1" }), "the tokens' counts; the vault adds the surrogates it resolves");
        Assert.That(detokenize.Context.SurrogateActions.OrderBy(a => a.Key, StringComparer.Ordinal).Select(a => $"{a.Key}:{a.Value}"), Is.EqualTo(new[]
        {
            "ADDRESS:reveal", "AGE:reveal", "DATE:reveal", "DEVICE_ID:reveal", "EMAIL:reveal", "HEALTH_PLAN_ID:reveal", "LICENSE_NUMBER:reveal",
            "MRN:reveal", "PERSON:reveal", "PHONE:reveal", "ZIP:reveal",
        }), "the clinician's policy, withheld types left out (the vault withholds what is not listed)");
        Assert.That(_h.Vault.Recorded, Is.Empty, "no closing record: the Detokenize's record is the rehydration's one record");
        Assert.That(result.Text == $"{_nameValue}, {_nameValue} and {_nameValue}; card {_panSurrogate}.", Is.True, "the withheld card came back without a value and stays as written");
        Assert.That(result.Summary.Count("PAN", RehydrationAction.Withhold), Is.EqualTo(1));
    }

    [Test]
    public async Task In_a_stream_each_window_with_surrogates_is_one_detokenize_and_no_counts_are_carried_over()
    {
        var stream = await _h.Engine.OpenStreamAsync(EngineHarness.Agent("payments-agent"), null, "payment");

        await stream.WriteAsync($"card {_panSurrogate}. ");
        await stream.WriteAsync($"name {_nameSurrogate}. ");
        var end = await stream.CompleteAsync();

        var calls = _h.Vault.Detokenized.ToArray();
        Assert.That(calls, Has.Length.EqualTo(2));
        Assert.That(calls.Select(c => Counts(c.Context).Length), Is.EqualTo(new[] { 0, 0 }), "no tokens; the vault counts each window's surrogates in that window's record");
        Assert.That(calls.Select(c => c.Context.SurrogateActions["PAN"]), Is.EqualTo(new[] { "mask", "mask" }));
        Assert.That(_h.Vault.Recorded, Is.Empty);
        Assert.That(end.Summary.Count("PAN", RehydrationAction.Mask) + end.Summary.Count("PERSON", RehydrationAction.Reveal), Is.EqualTo(2));
    }

    [Test]
    public async Task Without_candidates_no_surrogate_actions_are_sent()
    {
        await _h.Engine.RehydrateAsync(EngineHarness.Agent("clinician"), null, "treatment", $"{_personToken} was seen.");

        Assert.That(_h.Vault.Detokenized.Single().Context.SurrogateActions, Is.Empty);
    }

    [Test]
    public async Task Kinds_that_could_only_be_withheld_are_not_sent()
    {
        var h = WithPolicy("""{"version":1,"purposes":["payment"],"roles":{"billing":{"payment":{"PAN":"mask"}},"none":{"payment":{}}}}""");
        h.Vault.AddSurrogate("acme", "PAN", _cardValue, _panSurrogate);
        var text = $"{_nameSurrogate} at 4821 Maple Ave paid with {_panSurrogate}.";

        var billing = await h.Engine.RehydrateAsync(EngineHarness.Agent("billing"), null, "payment", text);
        var none = await h.Engine.RehydrateAsync(EngineHarness.Agent("none"), null, "payment", text);

        Assert.That(h.Vault.Detokenized.Single().Surrogates.SequenceEqual([_panSurrogate]), Is.True);
        Assert.That(billing.Summary.Count("PAN", RehydrationAction.Mask), Is.EqualTo(1));
        Assert.That(none.Text == text, Is.True);
        Assert.That(h.Vault.Recorded.Select(r => r.RefusalReason), Is.EqualTo(new[] { string.Empty }), "none's record; billing's is its Detokenize's");
    }

    [Test]
    public async Task The_policy_can_switch_surrogate_look_ups_off()
    {
        var h = WithPolicy("""{"version":1,"purposes":["operations"],"surrogates":false,"roles":{"privacy-officer":{"operations":{"*":"reveal"}}}}""");
        h.Vault.AddSurrogate("acme", "PAN", _cardValue, _panSurrogate);
        var text = $"card {_panSurrogate}.";

        var result = await h.Engine.RehydrateAsync(EngineHarness.Agent("privacy-officer"), null, "operations", text);

        Assert.That(result.Text == text, Is.True);
        Assert.That(h.Vault.Detokenized, Is.Empty);
        Assert.That(EngineHarness.ShippedPolicy.Surrogates, Is.True);
    }

    [Test]
    public async Task Surrogate_reveals_count_against_the_rate_limit_and_over_it_nothing_is_revealed()
    {
        var h = new EngineHarness(revealsPerMinute: 2);
        var names = Enumerable.Range(0, 3).Select(i => ListSurrogate.Person(SurrogateKey, "acme\0PERSON"u8, TokenId.New(), 0, "John Smith")).Distinct().ToArray();
        foreach (var name in names)
        {
            h.Vault.AddSurrogate("acme", "PERSON", Canary.Name(), name);
        }

        var agent = EngineHarness.Agent("clinician");
        var refusal = Assert.ThrowsAsync<RehydrationException>(() => h.Engine.RehydrateAsync(agent, null, "treatment", string.Join(" and ", names)));

        Assert.That(names, Has.Length.EqualTo(3));
        Assert.That(refusal!.Reason, Is.EqualTo("rate_limited"));
        Assert.That(h.Vault.Recorded.Single().RefusalReason, Is.EqualTo("rate_limited"));
        Assert.That((await h.Engine.RehydrateAsync(agent, null, "treatment", names[0] + " and " + names[1])).Summary.Count("PERSON", RehydrationAction.Reveal), Is.EqualTo(2));
    }

    [Test]
    public async Task A_surrogate_and_its_token_are_one_value_and_unknown_candidates_take_no_allowance()
    {
        var h = new EngineHarness(revealsPerMinute: 1);
        var token = h.Vault.AddSurrogate("acme", "PERSON", _nameValue, _nameSurrogate);
        var unknown = string.Join(", ", Enumerable.Range(0, 5).Select(i => $"{1234567 + i}"));

        var result = await h.Engine.RehydrateAsync(EngineHarness.Agent("clinician"), null, "treatment", $"{token} is {_nameSurrogate}; {unknown}");

        Assert.That(result.Summary.Count("PERSON", RehydrationAction.Reveal), Is.EqualTo(2));
        Assert.That(h.Vault.Detokenized.Single().Surrogates, Has.Count.EqualTo(6));
    }

    [Test]
    public async Task A_vault_that_answers_no_surrogate_results_leaves_them_as_written()
    {
        _h.Vault.AnswersSurrogates = false;
        var text = $"{_nameSurrogate} and {_personToken}.";

        var result = await _h.Engine.RehydrateAsync(EngineHarness.Agent("clinician"), null, "treatment", text);

        Assert.That(result.Text == $"{_nameSurrogate} and {_nameValue}.", Is.True);
        Assert.That(_h.Logs.Lines.Count(l => l.Contains("|9|", StringComparison.Ordinal)), Is.EqualTo(1));
    }

    [TestCase("count")]
    [TestCase("token")]
    [TestCase("type")]
    [TestCase("value")]
    public void A_surrogate_answer_that_does_not_match_the_question_fails_closed(string wrong)
    {
        _h.Vault.Answer = request =>
        {
            var found = new DetokenizeResult { Found = true, Token = _personToken, EntityType = "PERSON", Value = _nameValue };
            var response = new DetokenizeResponse();
            response.SurrogateResults.Add(wrong switch
            {
                "token" => found.Clone().Also(r => r.Token = "[PERSON_X]"),
                "type" => found.Clone().Also(r => r.EntityType = "MRN"),
                "value" => found.Clone().Also(r => r.Value = string.Empty),
                _ => found,
            });
            if (wrong == "count")
            {
                response.SurrogateResults.Add(found);
            }

            return response;
        };

        var refusal = Assert.ThrowsAsync<RehydrationException>(() => _h.Engine.RehydrateAsync(EngineHarness.Agent("clinician"), null, "treatment", $"{_nameSurrogate}."));

        Assert.That(refusal!.Kind, Is.EqualTo(RehydrationErrorKind.Unavailable));
    }

    [Test]
    public async Task Candidates_beyond_the_limit_are_not_looked_up_and_stay_as_written()
    {
        var h = new EngineHarness();
        var engine = new RehydrationEngine(EngineHarness.ShippedPolicy, h.Vault, new RehydrationOptions { MaxSurrogateCandidates = 2 }, h.Logs.For<RehydrationEngine>(), h.Clock);
        h.Vault.AddSurrogate("acme", "PERSON", _nameValue, _nameSurrogate);
        var text = $"1234567, 1234567, 2345678 and {_nameSurrogate}.";

        var result = await engine.RehydrateAsync(EngineHarness.Agent("clinician"), null, "treatment", text);

        Assert.That(result.Text == text, Is.True);
        Assert.That(h.Vault.Detokenized.Single().Surrogates, Is.EqualTo(new[] { "1234567", "2345678" }));
        Assert.That(h.Logs.Lines.Count(l => l.Contains("|8|", StringComparison.Ordinal)), Is.EqualTo(1));
    }

    [Test]
    public async Task Tokens_and_candidates_share_the_vaults_batch_limit()
    {
        var h = new EngineHarness(revealsPerMinute: 10_000);
        var tokens = Enumerable.Range(0, 900).Select(i => h.Vault.Add("acme", "PERSON", "Person " + i));
        var candidates = Enumerable.Range(0, 300).Select(i => $"{1000000 + i}");

        await h.Engine.RehydrateAsync(EngineHarness.Agent("clinician"), null, "treatment", string.Join(' ', tokens) + " " + string.Join("; ", candidates));

        Assert.That(h.Vault.Detokenized.Select(r => (r.Tokens.Count, r.Surrogates.Count)), Is.EqualTo(new[] { (900, 100), (0, 200) }));
    }

    [Test]
    public async Task No_surrogate_or_value_reaches_logs_or_audit_records()
    {
        var stream = await _h.Engine.OpenStreamAsync(EngineHarness.Agent("privacy-officer"), null, "operations");
        await stream.WriteAsync($"{_nameSurrogate} paid with {_panSurrogate[..7]}");
        await stream.WriteAsync($"{_panSurrogate[7..]}, call {_phoneSurrogate}.");
        await stream.CompleteAsync();
        _h.Vault.Failure = new InvalidOperationException($"adapter said {_nameValue} {_cardValue} {_panSurrogate}");
        Assert.ThrowsAsync<RehydrationException>(() => _h.Engine.RehydrateAsync(EngineHarness.Agent("privacy-officer"), null, "operations", _panSurrogate + "."));

        string[] canaries = [_nameValue, _cardValue, _cardValue[..8], _nameSurrogate, _panSurrogate, _phoneSurrogate];
        var audit = string.Join('\n', _h.Vault.Detokenized.Select(r => r.Context.ToString()).Concat(_h.Vault.Recorded.Select(r => r.ToString())));
        Assert.That(canaries.Count(c => _h.Logs.All.Contains(c, StringComparison.OrdinalIgnoreCase)), Is.Zero, "log records");
        Assert.That(canaries.Count(c => audit.Contains(c, StringComparison.OrdinalIgnoreCase)), Is.Zero, "audit records");
        Assert.That(_h.Logs.Lines, Is.Not.Empty);
    }

    private static string[] Counts(Contracts.Vault.V1.RehydrationContext context) =>
        [.. context.Actions.Select(a => $"{a.EntityType}:{a.Action}:{a.Count}")];

    private static EngineHarness WithPolicy(string json) => new(RehydrationPolicy.Parse(json));

    /// <summary>Fresh fake values per run: a Luhn-valid 16-digit card number and a name no list holds.</summary>
    private static class Canary
    {
        public static string Pan()
        {
            var digits = new int[16];
            digits[0] = 4;
            for (var i = 1; i < 15; i++)
            {
                digits[i] = RandomNumberGenerator.GetInt32(10);
            }

            var sum = 0;
            for (var k = 1; k < 16; k++)
            {
                var d = digits[15 - k];
                sum += k % 2 == 1 ? (2 * d) - (2 * d > 9 ? 9 : 0) : d;
            }

            digits[15] = (10 - (sum % 10)) % 10;
            return string.Concat(digits);
        }

        public static string Name() => "Zq" + string.Concat(Enumerable.Range(0, 8).Select(_ => (char)('a' + RandomNumberGenerator.GetInt32(26)))) + " Roe";
    }
}

/// <summary>Small fluent helper for building protobuf variants in tests.</summary>
internal static class ProtoExtensions
{
    public static T Also<T>(this T value, Action<T> change)
    {
        change(value);
        return value;
    }
}

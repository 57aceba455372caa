using Grpc.Core;
using Microsoft.Extensions.Logging;
using PrivateInference.Contracts.Vault.V1;
using PrivateInference.Redactor.Redaction;
using PrivateInference.Redactor.Tests.Grpc;

namespace PrivateInference.Redactor.Tests.Redaction;

public sealed class RedactionEngineTests
{
    private static readonly string Tenant = "tenant-a";

    private FakeRedactionVault _vault = null!;
    private LogCapture _logs = null!;
    private ILoggerFactory _loggerFactory = null!;
    private RedactionEngine _engine = null!;
    private Canaries _canaries = null!;

    [SetUp]
    public void SetUp()
    {
        _vault = new FakeRedactionVault();
        _logs = new LogCapture();
        _loggerFactory = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(_logs));
        _engine = new RedactionEngine(DetectionEngine.Default, _vault, 10_000, _loggerFactory.CreateLogger<RedactionEngine>());
        _canaries = Canaries.Create();
    }

    [TearDown]
    public void TearDown()
    {
        _loggerFactory.Dispose();
        _logs.Dispose();
    }

    private Task<RedactionResult> RedactAsync(string text, RedactionRules? rules = null, ScanOptions? scan = null) =>
        _engine.RedactAsync(new RedactionRequest(Tenant, text, scan ?? ScanOptions.Default, rules ?? RedactionRules.TokenizeAll));

    [Test]
    public async Task Every_entity_is_replaced_by_its_token_and_the_offsets_point_into_the_sanitized_text()
    {
        var text = _canaries.PaymentsNote;

        var result = await RedactAsync(text);

        Assert.That(result.Replacements.Select(r => r.Type), Is.SupersetOf(new[] { EntityType.Person, EntityType.Pan, EntityType.Cvv, EntityType.Ssn }));
        foreach (var r in result.Replacements)
        {
            Assert.That(result.Text[r.Start..r.End], Is.EqualTo(r.Text));
        }

        Assert.That(_canaries.FoundIn(result.Text), Is.Empty);
        Assert.That(result.Text.Contains(FakeRedactionVault.TokenOf("PAN", _canaries.PanDashed), StringComparison.Ordinal), Is.True, "the card's token is in the sanitized text");
        Assert.That(result.Replacements.Select(r => r.Start), Is.Ordered);
    }

    [Test]
    public async Task Text_between_the_entities_is_kept_exactly()
    {
        var result = await RedactAsync(_canaries.PaymentsNote);

        var rebuilt = result.Text;
        var original = _canaries.PaymentsNote;
        var entities = DetectionEngine.Default.Scan(original);
        for (var i = result.Replacements.Count - 1; i >= 0; i--)
        {
            var r = result.Replacements[i];
            rebuilt = rebuilt[..r.Start] + original[entities[i].Start..entities[i].End] + rebuilt[r.End..];
        }

        Assert.That(rebuilt == original, Is.True, "putting the values back where the replacements are gives the original note");
    }

    [Test]
    public async Task Cvv_is_masked_and_never_sent_to_the_vault()
    {
        var result = await RedactAsync(_canaries.PaymentsNote);

        Assert.That(result.Text.Contains("[CVV_REDACTED]", StringComparison.Ordinal), Is.True, "the CVV is replaced by [CVV_REDACTED]");
        Assert.That(result.Replacements.Single(r => r.Type == EntityType.Cvv).Decision, Is.EqualTo(RedactionDecision.Mask));
        Assert.That(_vault.Requests.SelectMany(r => r.Items).Select(i => i.EntityType), Has.None.EqualTo("CVV").And.None.EqualTo("TRACK_DATA"));
        Assert.That(_vault.ValuesSent.Any(v => v == _canaries.Cvv), Is.False, "the CVV was not sent to the vault");
    }

    [Test]
    public async Task Track_data_is_masked_even_when_the_policy_would_tokenize_it()
    {
        var text = $"Swiped %B{_canaries.PanPlain}^DOE/JANE^2712101000000000000?";

        var result = await RedactAsync(text);

        Assert.That(result.Text == "Swiped [TRACK_DATA_REDACTED]", Is.True, "the whole track is one [TRACK_DATA_REDACTED]");
        Assert.That(_vault.Requests, Is.Empty, "nothing to tokenize: no vault call");
    }

    [Test]
    public async Task One_tokenize_call_per_request_with_each_distinct_value_once()
    {
        var text = $"{_canaries.PaymentsNote}\nAgain: card {_canaries.PanDashed}, SSN {_canaries.Ssn}.";

        await RedactAsync(text);

        Assert.That(_vault.Requests, Has.Count.EqualTo(1));
        var items = _vault.Requests.Single().Items;
        Assert.That(items.Select(i => (i.EntityType, i.Value)), Is.Unique);
        Assert.That(items.Single(i => i.EntityType == "SSN").Value == _canaries.Ssn, Is.True, "the SSN went to the vault as written");
        Assert.That(_vault.Requests.Single().TenantId, Is.EqualTo(Tenant));
    }

    [Test]
    public async Task More_values_than_the_vault_batch_limit_go_in_batches_of_the_limit()
    {
        var engine = new RedactionEngine(DetectionEngine.Default, _vault, 1_000_000, _loggerFactory.CreateLogger<RedactionEngine>());
        var text = string.Join("\n", Enumerable.Range(0, 1203).Select(i => $"Contact: user{i}@example.org"));

        var result = await engine.RedactAsync(new RedactionRequest(Tenant, text, ScanOptions.Default, RedactionRules.TokenizeAll));

        Assert.That(_vault.Requests.Select(r => r.Items.Count), Is.EqualTo(new[] { 1000, 203 }));
        Assert.That(result.Replacements, Has.Count.EqualTo(1203));
        Assert.That(result.Text, Does.Not.Contain("@example.org"));
    }

    [Test]
    public async Task Policy_masks_leaves_and_tokenizes_per_type()
    {
        var rules = new RedactionRules(new HashSet<EntityType> { EntityType.Ssn }, new HashSet<EntityType> { EntityType.Person });

        var result = await RedactAsync(_canaries.PaymentsNote, rules);

        Assert.That(result.Text.Contains("[SSN_REDACTED]", StringComparison.Ordinal), Is.True, "the SSN is masked");
        Assert.That(result.Text.Contains(_canaries.Surname, StringComparison.Ordinal), Is.True, "PERSON is left as written");
        Assert.That(result.Text.Contains(FakeRedactionVault.TokenOf("PAN", _canaries.PanDashed), StringComparison.Ordinal), Is.True, "the card is tokenized");
        Assert.That(result.Replacements.Select(r => r.Type), Has.None.EqualTo(EntityType.Person));
        Assert.That(result.Replacements.Single(r => r.Type == EntityType.Ssn).Decision, Is.EqualTo(RedactionDecision.Mask));
        Assert.That(_vault.ValuesSent.Any(v => v == _canaries.Ssn || v.Contains(_canaries.Surname, StringComparison.Ordinal)), Is.False, "neither the masked SSN nor the left name went to the vault");
    }

    [Test]
    public async Task Sensitive_authentication_data_is_masked_even_when_a_rule_says_leave()
    {
        var rules = new RedactionRules(new HashSet<EntityType>(), new HashSet<EntityType> { EntityType.Cvv });

        var result = await RedactAsync(_canaries.PaymentsNote, rules);

        Assert.That(result.Text.Contains("[CVV_REDACTED]", StringComparison.Ordinal), Is.True, "the CVV is masked despite the rule");
    }

    [Test]
    public async Task Text_without_entities_comes_back_unchanged_without_a_vault_call()
    {
        var result = await RedactAsync("Order shipped on time; nothing to see.");

        Assert.That(result.Text, Is.EqualTo("Order shipped on time; nothing to see."));
        Assert.That(_vault.Requests, Is.Empty);
    }

    public static IEnumerable<TestCaseData> VaultFailures()
    {
        yield return new TestCaseData(FakeRedactionVault.Status(StatusCode.Unavailable), RedactionFailure.VaultUnavailable).SetName("Vault_unavailable_fails_closed");
        yield return new TestCaseData(FakeRedactionVault.Status(StatusCode.DeadlineExceeded), RedactionFailure.VaultUnavailable).SetName("Vault_timeout_fails_closed");
        yield return new TestCaseData(FakeRedactionVault.Status(StatusCode.PermissionDenied), RedactionFailure.VaultUnavailable).SetName("Vault_refusing_the_service_token_fails_closed");
        yield return new TestCaseData(FakeRedactionVault.Status(StatusCode.FailedPrecondition), RedactionFailure.KeyUnavailable).SetName("Vault_key_disabled_fails_closed");
        yield return new TestCaseData(FakeRedactionVault.Status(StatusCode.NotFound), RedactionFailure.TenantNotFound).SetName("Vault_unknown_tenant_fails_closed");
        yield return new TestCaseData(new InvalidOperationException("adapter bug"), RedactionFailure.VaultUnavailable).SetName("Vault_adapter_exception_fails_closed");
    }

    [TestCaseSource(nameof(VaultFailures))]
    public void A_vault_failure_returns_nothing_of_the_text(Exception failure, RedactionFailure expected)
    {
        _vault.Failure = failure;

        var ex = Assert.ThrowsAsync<RedactionException>(() => RedactAsync(_canaries.PaymentsNote));

        Assert.That(ex!.Kind, Is.EqualTo(expected));
        Assert.That(ex.InnerException, Is.Null);
        Assert.That(_canaries.FoundIn(ex.ToString()), Is.Empty);
        Assert.That(_canaries.FoundIn(string.Join("\n", _logs.Records)), Is.Empty);
    }

    [Test]
    public void A_vault_answer_with_too_few_tokens_fails_closed()
    {
        _vault.Answer = _ => new TokenizeResponse { Tokens = { "[PAN_0123456789]" } };

        var ex = Assert.ThrowsAsync<RedactionException>(() => RedactAsync(_canaries.PaymentsNote));

        Assert.That(ex!.Kind, Is.EqualTo(RedactionFailure.VaultUnavailable));
    }

    [Test]
    public void A_vault_answer_that_is_not_a_token_of_the_type_fails_closed()
    {
        _vault.Answer = request =>
        {
            var response = new TokenizeResponse();
            response.Tokens.AddRange(request.Items.Select(i => i.Value));
            return response;
        };

        var ex = Assert.ThrowsAsync<RedactionException>(() => RedactAsync(_canaries.PaymentsNote));

        Assert.That(ex!.Kind, Is.EqualTo(RedactionFailure.VaultUnavailable));
        Assert.That(_canaries.FoundIn(ex.ToString() + string.Join("\n", _logs.Records)), Is.Empty);
    }

    [Test]
    public void Text_over_the_limit_is_invalid_and_reaches_no_vault()
    {
        var ex = Assert.ThrowsAsync<RedactionException>(() => RedactAsync(new string('a', 10_001)));

        Assert.That(ex!.Kind, Is.EqualTo(RedactionFailure.InvalidArgument));
        Assert.That(ex.Message, Does.Contain("10000"));
        Assert.That(_vault.Requests, Is.Empty);
    }

    // Built in code: attribute arguments are stored as UTF-8, which would turn a lone surrogate into U+FFFD.
    private static readonly string[] LoneSurrogateTexts = ["Card \uD800 here", "ends high \uD83D", "\uDC00 starts low", "reversed \uDE00\uD83D pair"];

    [TestCase(0)]
    [TestCase(1)]
    [TestCase(2)]
    [TestCase(3)]
    public void Lone_surrogates_are_invalid(int which)
    {
        var text = LoneSurrogateTexts[which];

        var ex = Assert.ThrowsAsync<RedactionException>(() => RedactAsync(_canaries.PaymentsNote + text));

        Assert.That(ex!.Kind, Is.EqualTo(RedactionFailure.InvalidArgument));
        Assert.That(_vault.Requests, Is.Empty);
    }

    [Test]
    public async Task A_surrogate_pair_is_fine()
    {
        var result = await RedactAsync("Smile \uD83D\uDE00 " + _canaries.PaymentsNote);

        Assert.That(result.Text, Does.StartWith("Smile \uD83D\uDE00 "));
    }

    [Test]
    public void A_missing_tenant_is_invalid()
    {
        var ex = Assert.ThrowsAsync<RedactionException>(() => _engine.RedactAsync(new RedactionRequest(string.Empty, "x", ScanOptions.Default, RedactionRules.TokenizeAll)));

        Assert.That(ex!.Kind, Is.EqualTo(RedactionFailure.InvalidArgument));
    }

    [Test]
    public async Task Subject_and_ttl_travel_with_every_item()
    {
        await _engine.RedactAsync(new RedactionRequest(Tenant, _canaries.PaymentsNote, ScanOptions.Default, RedactionRules.TokenizeAll, "patient-42", TimeSpan.FromHours(2)));

        var items = _vault.Requests.Single().Items;
        Assert.That(items.Select(i => i.SubjectRef), Is.All.EqualTo("patient-42"));
        Assert.That(items.Select(i => i.Ttl.ToTimeSpan()), Is.All.EqualTo(TimeSpan.FromHours(2)));
    }

    [Test]
    public async Task Logs_carry_counts_and_lengths_never_values()
    {
        await RedactAsync(_canaries.PaymentsNote);

        Assert.That(_logs.Records, Is.Not.Empty);
        Assert.That(_canaries.FoundIn(string.Join("\n", _logs.Records)), Is.Empty);
    }

    [Test]
    public void The_request_record_does_not_print_its_text()
    {
        var request = new RedactionRequest(Tenant, _canaries.PaymentsNote, ScanOptions.Default, RedactionRules.TokenizeAll, "subject");

        Assert.That(_canaries.FoundIn(request.ToString()), Is.Empty);
    }
}

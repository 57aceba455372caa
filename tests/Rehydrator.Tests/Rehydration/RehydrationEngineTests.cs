using Grpc.Core;
using PrivateInference.Contracts.Vault.V1;
using PrivateInference.Rehydrator.Policy;
using PrivateInference.Rehydrator.Tests.Support;

namespace PrivateInference.Rehydrator.Tests.Rehydration;

/// <summary>The engine against a fake vault: policy actions, what goes to the vault, audit records, failures.</summary>
public sealed class RehydrationEngineTests
{
    private EngineHarness _h = null!;
    private string _person = null!;
    private string _pan = null!;
    private string _ssn = null!;
    private string _mrn = null!;

    [SetUp]
    public void CreateEngine()
    {
        _h = new EngineHarness();
        _person = _h.Vault.Add("acme", "PERSON", "Jane Roe");
        _pan = _h.Vault.Add("acme", "PAN", "4111 1111 1111 1111");
        _ssn = _h.Vault.Add("acme", "SSN", "123-45-6789");
        _mrn = _h.Vault.Add("acme", "MRN", "MRN-00259874");
    }

    [Test]
    public async Task A_clinician_sees_names_and_record_numbers_and_card_data_stays_withheld()
    {
        var text = $"{_person} (MRN {_mrn}) paid with {_pan}; SSN {_ssn}.";

        var result = await _h.Engine.RehydrateAsync(EngineHarness.Agent("clinician"), null, "treatment", text);

        Assert.That(result.Text, Is.EqualTo($"Jane Roe (MRN MRN-00259874) paid with {_pan}; SSN {_ssn}."));
        Assert.That(result.Summary.Count("PERSON", RehydrationAction.Reveal), Is.EqualTo(1));
        Assert.That(result.Summary.Count("PAN", RehydrationAction.Withhold), Is.EqualTo(1));
        Assert.That(result.Summary.Count("SSN", RehydrationAction.Withhold), Is.EqualTo(1));
        Assert.That(result.Summary.Unresolved, Is.Zero);
        Assert.That(result.Summary.BreakGlassGrant, Is.Null);
    }

    [Test]
    public async Task Withheld_tokens_are_never_sent_to_the_vault()
    {
        await _h.Engine.RehydrateAsync(EngineHarness.Agent("clinician"), null, "treatment", $"{_person} {_pan} {_ssn}");

        var request = _h.Vault.Detokenized.Single();
        Assert.That(request.Tokens, Is.EqualTo(new[] { _person }));
        Assert.That(request.TenantId, Is.EqualTo("acme"));
        Assert.That(_h.Vault.Recorded, Is.Empty);
    }

    [Test]
    public async Task The_detokenize_carries_the_agent_roles_purpose_and_distinct_counts_per_type_and_action()
    {
        await _h.Engine.RehydrateAsync(EngineHarness.Agent("clinician"), null, "treatment", $"{_person} {_person} {_mrn} {_pan} {_pan} {_ssn}");

        var context = _h.Vault.Detokenized.Single().Context;
        Assert.That(context.Agent, Is.EqualTo("agent-alice"));
        Assert.That(context.Roles, Is.EqualTo(new[] { "clinician" }));
        Assert.That(context.Purpose, Is.EqualTo("treatment"));
        Assert.That(context.BreakGlassGrant, Is.Empty);
        Assert.That(context.Actions.Select(a => $"{a.EntityType}:{a.Action}:{a.Count}"), Is.EquivalentTo(new[] { "MRN:reveal:1", "PAN:withhold:1", "PERSON:reveal:1", "SSN:withhold:1" }));
    }

    [Test]
    public async Task A_payments_agent_sees_the_card_masked_and_no_SSN()
    {
        var result = await _h.Engine.RehydrateAsync(EngineHarness.Agent("payments-agent"), "acme", "payment", $"Card {_pan} of {_person}, SSN {_ssn}, MRN {_mrn}");

        Assert.That(result.Text, Is.EqualTo($"Card **** **** **** 1111 of Jane Roe, SSN {_ssn}, MRN {_mrn}"));
        Assert.That(result.Summary.Count("PAN", RehydrationAction.Mask), Is.EqualTo(1));
        Assert.That(_h.Vault.Detokenized.Single().Tokens, Is.EquivalentTo(new[] { _pan, _person }));
    }

    [Test]
    public async Task A_supervisor_sees_the_card_masked_without_break_glass_and_in_full_with_it()
    {
        var masked = await _h.Engine.RehydrateAsync(EngineHarness.Agent("payments-supervisor", "sup-bob"), null, "payment", _pan);
        var revealed = await _h.Engine.RehydrateAsync(EngineHarness.Agent("payments-supervisor", "sup-bob", grant: EngineHarness.Grant()), null, "payment", _pan);

        Assert.That(masked.Text, Is.EqualTo("**** **** **** 1111"));
        Assert.That(revealed.Text, Is.EqualTo("4111 1111 1111 1111"));
        Assert.That(revealed.Summary.BreakGlassGrant, Is.EqualTo("bg-2026-0042"));
        Assert.That(_h.Vault.Detokenized.Last().Context.BreakGlassGrant, Is.EqualTo("bg-2026-0042"));
        Assert.That(_h.Vault.Detokenized.First().Context.BreakGlassGrant, Is.Empty);
    }

    [Test]
    public async Task A_grant_that_widens_nothing_is_not_named()
    {
        var result = await _h.Engine.RehydrateAsync(EngineHarness.Agent("payments-agent", "agent-bob", grant: EngineHarness.Grant()), null, "payment", _pan);

        Assert.That(result.Text, Is.EqualTo("**** **** **** 1111"));
        Assert.That(result.Summary.BreakGlassGrant, Is.Null);
    }

    [TestCase("expired", "break_glass_expired")]
    [TestCase("self-approved", "break_glass_self_approved")]
    [TestCase("malformed", "break_glass_invalid")]
    public async Task An_invalid_break_glass_grant_is_refused_reveals_nothing_and_is_audited(string kind, string reason)
    {
        var grant = kind switch
        {
            "expired" => EngineHarness.Grant(lifetime: TimeSpan.FromSeconds(-1)),
            "self-approved" => EngineHarness.Grant(approver: "sup-bob"),
            _ => EngineHarness.Grant() with { Reason = null },
        };

        await AssertRefused(EngineHarness.Agent("payments-supervisor", "sup-bob", grant: grant), null, "payment", _pan, RehydrationErrorKind.PermissionDenied, reason);

        Assert.That(_h.Vault.Detokenized, Is.Empty);
    }

    [Test]
    public async Task Unknown_tokens_other_tenants_tokens_and_unknown_types_are_left_as_written_and_counted()
    {
        var foreign = _h.Vault.Add("globex", "PERSON", "John Doe");
        var unknown = new PrivateInference.Cryptography.Token("PERSON", PrivateInference.Cryptography.TokenId.New()).Format();
        var wrongType = "[MRN_" + _person[8..^1] + "]";
        var text = $"{foreign} {unknown} [FOO_0123456789] {wrongType} {_person}";

        var result = await _h.Engine.RehydrateAsync(EngineHarness.Agent("privacy-officer"), null, "operations", text);

        Assert.That(result.Text, Is.EqualTo($"{foreign} {unknown} [FOO_0123456789] {wrongType} Jane Roe"));
        Assert.That(result.Summary.Unresolved, Is.EqualTo(4));
        Assert.That(result.Summary.Total(RehydrationAction.Reveal), Is.EqualTo(1));
        Assert.That(_h.Vault.Detokenized.Single().Tokens, Has.None.Contains("FOO"));
    }

    [Test]
    public async Task Tokens_as_a_model_rewrites_them_resolve()
    {
        var bare = _person[1..^1].ToLowerInvariant();

        var result = await _h.Engine.RehydrateAsync(EngineHarness.Agent("clinician"), null, "treatment", $"Dear {bare}, and {_person}.");

        Assert.That(result.Text, Is.EqualTo("Dear Jane Roe, and Jane Roe."));
        Assert.That(_h.Vault.Detokenized.Single().Tokens, Is.EqualTo(new[] { _person }));
        Assert.That(result.Summary.Count("PERSON", RehydrationAction.Reveal), Is.EqualTo(2));
    }

    [Test]
    public async Task Each_spelling_comes_back_as_it_was_written()
    {
        var dashed = _h.Vault.Add("acme", "PAN", "4111-1111-1111-1111", spelling: "Q7");

        var result = await _h.Engine.RehydrateAsync(EngineHarness.Agent("privacy-officer"), null, "operations", $"{_pan} / {dashed}");

        Assert.That(result.Text, Is.EqualTo("4111 1111 1111 1111 / 4111-1111-1111-1111"));
    }

    [Test]
    public async Task A_text_with_nothing_to_reveal_is_recorded_without_a_detokenize()
    {
        await _h.Engine.RehydrateAsync(EngineHarness.Agent("clinician"), null, "treatment", $"card {_pan} {_pan} ssn {_ssn}");
        await _h.Engine.RehydrateAsync(EngineHarness.Agent("clinician"), null, "treatment", "no tokens at all");

        Assert.That(_h.Vault.Detokenized, Is.Empty);
        var records = _h.Vault.Recorded.ToArray();
        Assert.That(records, Has.Length.EqualTo(2));
        Assert.That(records[0].RefusalReason, Is.Empty);
        Assert.That(records[0].TenantId, Is.EqualTo("acme"));
        Assert.That(records[0].Context.Actions.Select(a => $"{a.EntityType}:{a.Action}:{a.Count}"), Is.EqualTo(new[] { "PAN:withhold:1", "SSN:withhold:1" }));
        Assert.That(records[1].Context.Actions, Is.Empty);
    }

    [Test]
    public async Task More_tokens_than_a_batch_are_split_into_batches_of_at_most_a_thousand()
    {
        var h = new EngineHarness(revealsPerMinute: 10_000);
        var tokens = Enumerable.Range(0, 2500).Select(i => h.Vault.Add("acme", "PERSON", "Person " + i)).ToArray();

        var result = await h.Engine.RehydrateAsync(EngineHarness.Agent("clinician"), null, "treatment", string.Join(' ', tokens));

        Assert.That(h.Vault.Detokenized.Select(r => r.Tokens.Count), Is.EqualTo(new[] { 1000, 1000, 500 }));
        Assert.That(h.Vault.Detokenized.Sum(r => r.Context.Actions.Sum(a => a.Count)), Is.EqualTo(2500));
        Assert.That(result.Text, Does.StartWith("Person 0 Person 1 ").And.EndWith(" Person 2499"));
    }

    [Test]
    public async Task A_vault_failure_fails_closed_with_nothing_revealed()
    {
        _h.Vault.Failure = FakeVault.Status(StatusCode.Unavailable);

        var refusal = await AssertFails(EngineHarness.Agent("clinician"), _person, RehydrationErrorKind.Unavailable);

        Assert.That(refusal.Message, Does.Not.Contain("Jane"));
    }

    [Test]
    public void A_later_batch_failing_returns_nothing_of_the_earlier_ones()
    {
        var h = new EngineHarness(revealsPerMinute: 10_000);
        var tokens = Enumerable.Range(0, 1500).Select(i => h.Vault.Add("acme", "PERSON", "Person " + i)).ToArray();
        var calls = 0;
        h.Vault.Answer = request => ++calls == 2 ? throw FakeVault.Status(StatusCode.Internal) : Resolve(h, request);

        var refusal = Assert.ThrowsAsync<RehydrationException>(() => h.Engine.RehydrateAsync(EngineHarness.Agent("clinician"), null, "treatment", string.Join(' ', tokens)));

        Assert.That(refusal!.Kind, Is.EqualTo(RehydrationErrorKind.Unavailable));
        Assert.That(calls, Is.EqualTo(2));
    }

    [Test]
    public async Task A_disabled_key_is_reported_as_a_failed_precondition()
    {
        _h.Vault.Failure = FakeVault.Status(StatusCode.FailedPrecondition);

        await AssertFails(EngineHarness.Agent("clinician"), _person, RehydrationErrorKind.FailedPrecondition);
    }

    [Test]
    public async Task An_unexpected_exception_from_the_vault_adapter_is_unavailable()
    {
        _h.Vault.Failure = new InvalidOperationException("adapter bug Jane Roe");

        var refusal = await AssertFails(EngineHarness.Agent("clinician"), _person, RehydrationErrorKind.Unavailable);

        Assert.That(refusal.ToString(), Does.Not.Contain("Jane Roe"));
    }

    [TestCase("count")]
    [TestCase("token")]
    [TestCase("type")]
    public async Task An_answer_that_does_not_match_the_question_fails_closed(string wrong)
    {
        _h.Vault.Answer = request =>
        {
            var response = new DetokenizeResponse();
            if (wrong != "count")
            {
                response.Results.Add(new DetokenizeResult
                {
                    Token = wrong == "token" ? _mrn : request.Tokens[0],
                    Found = true,
                    EntityType = wrong == "type" ? "MRN" : "PERSON",
                    Value = "Jane Roe",
                });
            }

            return response;
        };

        await AssertFails(EngineHarness.Agent("clinician"), _person, RehydrationErrorKind.Unavailable);
    }

    [Test]
    public async Task A_rehydration_whose_audit_record_cannot_be_written_fails()
    {
        _h.Vault.RecordFailure = FakeVault.Status(StatusCode.Unavailable);

        await AssertFails(EngineHarness.Agent("clinician"), "withheld " + _pan, RehydrationErrorKind.Unavailable);
    }

    [Test]
    public async Task Over_the_rate_limit_nothing_is_revealed_and_the_refusal_is_audited()
    {
        var h = new EngineHarness(revealsPerMinute: 3);
        var tokens = Enumerable.Range(0, 4).Select(i => h.Vault.Add("acme", "PERSON", "Person " + i)).ToArray();
        var agent = EngineHarness.Agent("clinician");

        Assert.That(async () => await h.Engine.RehydrateAsync(agent, null, "treatment", string.Join(' ', tokens)),
            Throws.TypeOf<RehydrationException>().With.Property(nameof(RehydrationException.Kind)).EqualTo(RehydrationErrorKind.ResourceExhausted));

        Assert.That(h.Vault.Detokenized, Is.Empty);
        var record = h.Vault.Recorded.Single();
        Assert.That(record.RefusalReason, Is.EqualTo("rate_limited"));
        Assert.That(record.Context.Actions.Single().Count, Is.EqualTo(4));
        Assert.That((await h.Engine.RehydrateAsync(agent, null, "treatment", string.Join(' ', tokens[..3]))).Text, Is.EqualTo("Person 0 Person 1 Person 2"));
        Assert.That(async () => await h.Engine.RehydrateAsync(agent, null, "treatment", tokens[3]), Throws.TypeOf<RehydrationException>());
        Assert.That((await h.Engine.RehydrateAsync(EngineHarness.Agent("clinician", "agent-bob"), null, "treatment", tokens[3])).Text, Is.EqualTo("Person 3"));
    }

    [Test]
    public async Task Tokens_the_vault_does_not_know_do_not_use_up_the_rate_limit()
    {
        var h = new EngineHarness(revealsPerMinute: 2);
        var agent = EngineHarness.Agent("clinician");
        var unknown = Enumerable.Range(0, 2).Select(_ => new PrivateInference.Cryptography.Token("PERSON", PrivateInference.Cryptography.TokenId.New()).Format());
        var known = h.Vault.Add("acme", "PERSON", "Jane Roe");

        await h.Engine.RehydrateAsync(agent, null, "treatment", string.Join(' ', unknown));

        Assert.That((await h.Engine.RehydrateAsync(agent, null, "treatment", known + " " + known)).Text, Is.EqualTo("Jane Roe Jane Roe"));
    }

    [Test]
    public async Task Another_tenant_is_refused_and_audited_in_the_agents_tenant()
    {
        await AssertRefused(EngineHarness.Agent("privacy-officer"), "globex", "operations", _person, RehydrationErrorKind.PermissionDenied, "tenant_mismatch");

        Assert.That(_h.Vault.Recorded.Single().TenantId, Is.EqualTo("acme"));
    }

    [TestCase("", "missing_purpose")]
    [TestCase("research", "unknown_purpose")]
    [TestCase("Treatment", "unknown_purpose")]
    public async Task A_missing_or_unknown_purpose_is_invalid_and_audited_as_unknown(string purpose, string reason)
    {
        await AssertRefused(EngineHarness.Agent("clinician"), null, purpose, _person, RehydrationErrorKind.InvalidArgument, reason);

        Assert.That(_h.Vault.Recorded.Single().Context.Purpose, Is.EqualTo("unknown"));
    }

    [Test]
    public async Task A_role_without_a_grant_for_the_purpose_is_refused_and_audited()
    {
        await AssertRefused(EngineHarness.Agent("clinician"), null, "payment", _person, RehydrationErrorKind.PermissionDenied, "no_grant_for_purpose");

        var context = _h.Vault.Recorded.Single().Context;
        Assert.That(context.Purpose, Is.EqualTo("payment"));
        Assert.That(context.Roles, Is.EqualTo(new[] { "clinician" }));
        Assert.That(context.Agent, Is.EqualTo("agent-alice"));
    }

    [Test]
    public async Task An_agent_whose_token_expired_is_refused()
    {
        _h.Clock.Advance(TimeSpan.FromMinutes(11));

        await AssertRefused(EngineHarness.Agent("clinician"), null, "treatment", _person, RehydrationErrorKind.Unauthenticated, "token_expired");
    }

    [Test]
    public async Task A_text_over_the_limit_is_refused_and_audited()
    {
        var h = new EngineHarness(maxTextLength: 100);

        Assert.That(async () => await h.Engine.RehydrateAsync(EngineHarness.Agent("clinician"), null, "treatment", new string('a', 101)),
            Throws.TypeOf<RehydrationException>().With.Property(nameof(RehydrationException.Reason)).EqualTo("text_too_long").And.Message.Contains("100"));
        Assert.That(h.Vault.Recorded.Single().RefusalReason, Is.EqualTo("text_too_long"));
        Assert.That((await h.Engine.RehydrateAsync(EngineHarness.Agent("clinician"), null, "treatment", new string('a', 100))).Text, Has.Length.EqualTo(100));
    }

    // Built at run time: attribute arguments are stored as UTF-8, which cannot hold a lone surrogate.
    public static IEnumerable<TestCaseData> MalformedTexts() =>
        new[] { "lone high \uD800 surrogate", "lone low \uDC00 surrogate", "ends high \uD83D", "\uDE00 starts low", "reversed \uDE00\uD83D pair" }
            .Select((text, i) => new TestCaseData(text).SetName($"Malformed UTF-16 is refused and audited ({i})"));

    [TestCaseSource(nameof(MalformedTexts))]
    public async Task Malformed_UTF16_is_refused_and_audited(string text)
    {
        await AssertRefused(EngineHarness.Agent("clinician"), null, "treatment", text, RehydrationErrorKind.InvalidArgument, "malformed_utf16");
    }

    [Test]
    public async Task A_refusal_before_authentication_is_recorded_as_anonymous_under_the_named_tenant()
    {
        var refusal = new RehydrationException(RehydrationErrorKind.Unauthenticated, "The agent token's signature is not valid.", "invalid_signature");

        await _h.Engine.RecordRefusalAsync(refusal, "acme", "treatment");
        await _h.Engine.RecordRefusalAsync(refusal, "Not A Tenant", "research");

        var records = _h.Vault.Recorded.ToArray();
        Assert.That(records.Select(r => r.TenantId), Is.EqualTo(new[] { "acme", string.Empty }));
        Assert.That(records.Select(r => r.Context.Agent), Is.All.EqualTo("anonymous"));
        Assert.That(records.Select(r => r.Context.Purpose), Is.EqualTo(new[] { "treatment", "unknown" }));
        Assert.That(records.Select(r => r.RefusalReason), Is.All.EqualTo("invalid_signature"));
    }

    [Test]
    public async Task A_refusal_that_cannot_be_recorded_still_stands()
    {
        _h.Vault.Failure = FakeVault.Status(StatusCode.Unavailable);

        await AssertRefused(EngineHarness.Agent("clinician"), null, "research", _person, RehydrationErrorKind.InvalidArgument, "unknown_purpose");

        Assert.That(_h.Logs.All, Does.Contain("could not be recorded"));
    }

    private static DetokenizeResponse Resolve(EngineHarness h, DetokenizeRequest request)
    {
        var answer = h.Vault.Answer;
        h.Vault.Answer = null;
        try
        {
            return h.Vault.DetokenizeAsync(request, CancellationToken.None).GetAwaiter().GetResult();
        }
        finally
        {
            h.Vault.Answer = answer;
        }
    }

    private async Task<RehydrationException> AssertFails(Rehydrator.Authorization.AuthenticatedAgent agent, string text, RehydrationErrorKind kind)
    {
        try
        {
            await _h.Engine.RehydrateAsync(agent, null, "treatment", text);
        }
        catch (RehydrationException refusal)
        {
            Assert.That(refusal.Kind, Is.EqualTo(kind));
            return refusal;
        }

        Assert.Fail("The rehydration succeeded.");
        return null!;
    }

    private async Task AssertRefused(Rehydrator.Authorization.AuthenticatedAgent agent, string? tenant, string purpose, string text, RehydrationErrorKind kind, string reason)
    {
        try
        {
            await _h.Engine.RehydrateAsync(agent, tenant, purpose, text);
            Assert.Fail("The rehydration succeeded.");
        }
        catch (RehydrationException refusal)
        {
            Assert.That(refusal.Kind, Is.EqualTo(kind));
            Assert.That(refusal.Reason, Is.EqualTo(reason));
        }

        var record = _h.Vault.Recorded.Last();
        Assert.That(record.RefusalReason, Is.EqualTo(reason));
        Assert.That(record.Context.Agent, Is.EqualTo(agent.Subject));
    }
}

using Grpc.Core;
using Microsoft.Extensions.Logging.Abstractions;
using PrivateInference.Contracts.Vault.V1;
using PrivateInference.Redactor.Redaction;

namespace PrivateInference.Redactor.Tests.Redaction;

/// <summary>Surrogate mode in the redaction engine, with the fake vault: where a surrogate is written, what is reported,
/// who decides the mode, and wrong vault answers failing closed.</summary>
public sealed class SurrogateRedactionTests
{
    private const string Tenant = "tenant-a";

    private FakeRedactionVault _vault = null!;
    private RedactionEngine _engine = null!;
    private Canaries _canaries = null!;

    private string Note => _canaries.PaymentsNote + " Mail jdoe.canary@example.invalid today.";

    [SetUp]
    public void SetUp()
    {
        _vault = new FakeRedactionVault();
        _engine = new RedactionEngine(DetectionEngine.Default, _vault, 10_000, NullLogger<RedactionEngine>.Instance);
        _canaries = Canaries.Create();
    }

    private Task<RedactionResult> RedactAsync(string text, RedactionRules? rules = null, ReplacementStyle? replacement = null) =>
        _engine.RedactAsync(new RedactionRequest(Tenant, text, ScanOptions.Default, rules ?? RedactionRules.TokenizeAll, Replacement: replacement));

    [Test]
    public async Task Surrogates_replace_the_entities_that_have_one_and_tokens_stay_reported()
    {
        var result = await RedactAsync(Note, replacement: ReplacementStyle.Surrogate);

        Assert.That(_vault.Requests.Single().Surrogates, Is.True);
        Assert.That(_canaries.FoundIn(result.Text), Is.Empty);
        Assert.That(result.Text.Contains('[', StringComparison.Ordinal) && result.Text.Contains("[CVV_REDACTED]", StringComparison.Ordinal), Is.True);
        var byType = result.Replacements.ToLookup(r => r.Type);
        foreach (var type in new[] { EntityType.Pan, EntityType.Person, EntityType.Ssn })
        {
            var r = byType[type].Single();
            Assert.That(r.Decision, Is.EqualTo(RedactionDecision.Surrogate), type.ToString());
            Assert.That(r.Text, Does.StartWith("[" + type.WireName() + "_"), "the token is reported");
            Assert.That(result.Text[r.Start..r.End], Does.StartWith("Sur "), "the span is the surrogate's");
        }

        var email = byType[EntityType.Email].Single();
        Assert.That((email.Decision, result.Text[email.Start..email.End] == email.Text), Is.EqualTo((RedactionDecision.Tokenize, true)), "no surrogate: the token");
        Assert.That(byType[EntityType.Cvv].Single().Decision, Is.EqualTo(RedactionDecision.Mask));
        Assert.That(_vault.ValuesSent.Contains(_canaries.Cvv), Is.False, "the CVV never goes to the vault");
        Assert.That(result.Replacements.Select(r => r.Start), Is.Ordered);
    }

    [Test]
    public async Task The_tenant_policy_decides_unless_the_request_says_otherwise()
    {
        var surrogateTenant = new RedactionRules(new HashSet<EntityType>(), new HashSet<EntityType>(), ReplacementStyle.Surrogate);

        var byPolicy = await RedactAsync(Note, surrogateTenant);
        var overridden = await RedactAsync(Note, surrogateTenant, ReplacementStyle.Token);
        var byRequest = await RedactAsync(Note, replacement: ReplacementStyle.Surrogate);
        var byDefault = await RedactAsync(Note);

        Assert.That(_vault.Requests.Select(r => r.Surrogates), Is.EqualTo(new[] { true, false, true, false }));
        Assert.That(byPolicy.Text, Is.EqualTo(byRequest.Text));
        Assert.That(overridden.Text, Is.EqualTo(byDefault.Text));
        Assert.That(byDefault.Replacements.Count(r => r.Decision == RedactionDecision.Surrogate), Is.Zero);
        Assert.That(byDefault.Replacements.All(r => byDefault.Text[r.Start..r.End] == r.Text), Is.True, "token mode writes the tokens");
    }

    [Test]
    public void A_surrogate_that_equals_its_value_fails_the_request_closed()
    {
        _vault.Answer = request =>
        {
            var response = new TokenizeResponse();
            response.Tokens.AddRange(request.Items.Select(i => FakeRedactionVault.TokenOf(i.EntityType, i.Value)));
            response.Surrogates.AddRange(request.Items.Select(i => i.EntityType == "SSN" ? i.Value.ToUpperInvariant() : string.Empty));
            return response;
        };

        var failure = Assert.ThrowsAsync<RedactionException>(() => RedactAsync(Note, replacement: ReplacementStyle.Surrogate));

        Assert.That(failure!.Kind, Is.EqualTo(RedactionFailure.VaultUnavailable));
        Assert.That(_canaries.FoundIn(failure.Message), Is.Empty);
    }

    [Test]
    public void An_answer_without_surrogates_in_surrogate_mode_fails_the_request_closed()
    {
        _vault.Answer = request =>
        {
            var response = new TokenizeResponse();
            response.Tokens.AddRange(request.Items.Select(i => FakeRedactionVault.TokenOf(i.EntityType, i.Value)));
            return response;
        };

        Assert.That(Assert.ThrowsAsync<RedactionException>(() => RedactAsync(Note, replacement: ReplacementStyle.Surrogate))!.Kind, Is.EqualTo(RedactionFailure.VaultUnavailable));
    }

    [Test]
    public void A_refusing_vault_fails_surrogate_mode_as_it_fails_token_mode()
    {
        _vault.Failure = FakeRedactionVault.Status(StatusCode.FailedPrecondition);

        Assert.That(Assert.ThrowsAsync<RedactionException>(() => RedactAsync(Note, replacement: ReplacementStyle.Surrogate))!.Kind, Is.EqualTo(RedactionFailure.KeyUnavailable));
    }
}

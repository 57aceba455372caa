using PrivateInference.Contracts.Redactor.V1;
using PrivateInference.Contracts.Vault.V1;

namespace PrivateInference.Pipeline.FunctionalTests;

public sealed partial class RedactRehydrateTests
{
    [Test]
    public async Task Redact_with_surrogates_leaves_no_value_and_the_vault_resolves_every_surrogate_to_its_token()
    {
        var response = await _pipeline.Redactor.RedactAsync(new RedactRequest { TenantId = Tenant, Text = _canaries.ClinicalNote, Replacement = ReplacementMode.Surrogate });

        Assert.That(_canaries.FoundIn(response.Text), Is.Empty, "the sanitized text");
        var surrogates = response.Entities.Where(e => e.Action == RedactionAction.Surrogate).ToArray();
        Assert.That(surrogates.Select(e => e.Type), Is.SupersetOf(new[] { Contracts.Redactor.V1.EntityType.Person, Contracts.Redactor.V1.EntityType.Pan, Contracts.Redactor.V1.EntityType.Ssn }));
        Assert.That(new[] { "[PERSON_", "[PAN_", "[SSN_" }.Any(response.Text.Contains), Is.False, "surrogates, not bracketed tokens");
        var email = response.Entities.Single(e => e.Type == Contracts.Redactor.V1.EntityType.Email);
        Assert.That((email.Action, response.Text[email.Start..email.End] == email.Token), Is.EqualTo((RedactionAction.Tokenized, true)), "no surrogate for e-mail: its token");

        var request = new DetokenizeRequest { TenantId = Tenant };
        request.Surrogates.AddRange(surrogates.Select(e => response.Text[e.Start..e.End]));
        var resolved = await _pipeline.Vault.DetokenizeAsync(request, _pipeline.DetokenizerToken);

        Assert.That(resolved.Results, Is.Empty);
        Assert.That(resolved.SurrogateResults.Select(r => r.Found), Has.All.True);
        Assert.That(resolved.SurrogateResults.Select(r => r.Token), Is.EqualTo(surrogates.Select(e => e.Token)), "each surrogate stands for the token reported beside it");
        var expected = new Dictionary<Contracts.Redactor.V1.EntityType, string>
        {
            [Contracts.Redactor.V1.EntityType.Person] = _canaries.Patient,
            [Contracts.Redactor.V1.EntityType.Pan] = _canaries.PanSpaced,
            [Contracts.Redactor.V1.EntityType.Ssn] = _canaries.Ssn,
        };
        Assert.That(surrogates.Zip(resolved.SurrogateResults).Count(p => expected.TryGetValue(p.First.Type, out var value) && p.Second.Value != value), Is.Zero, "each resolves to the value as written");
        var redactedAgain = await _pipeline.Redactor.RedactAsync(new RedactRequest { TenantId = Tenant, Text = _canaries.ClinicalNote, Replacement = ReplacementMode.Surrogate });
        Assert.That(redactedAgain.Text == response.Text, Is.True, "the same note, the same surrogates");
        Assert.That(_canaries.FoundIn(string.Join('\n', await _pipeline.AuditRowsAsync(Tenant))), Is.Empty, "audit rows");
    }

    [Test]
    public async Task Surrogates_round_trip_exactly_for_privacy_officer_unary_and_streamed_and_stay_hidden_from_the_clinician()
    {
        var clinical = await _pipeline.Redactor.RedactAsync(new RedactRequest { TenantId = Tenant, Text = _canaries.ClinicalNote, Replacement = ReplacementMode.Surrogate });
        var payments = await _pipeline.Redactor.RedactAsync(new RedactRequest { TenantId = Tenant, Text = _canaries.PaymentsNote, Replacement = ReplacementMode.Surrogate });
        Assert.That(clinical.Entities.Count(e => e.Action == RedactionAction.Surrogate), Is.GreaterThanOrEqualTo(3), "the clinical note is redacted with surrogates");

        var officerClinical = await RehydrateAsync(clinical.Text, "privacy-officer", "operations");
        var officerPayments = await RehydrateAsync(payments.Text, "privacy-officer", "operations");
        var clinician = await RehydrateAsync(clinical.Text, "clinician", "treatment");

        Assert.That(officerClinical.Text == _canaries.ClinicalNote, Is.True, "the clinical note came back exactly as written from its surrogates");
        Assert.That(officerPayments.Text == _canaries.PaymentsNote, Is.True, "the payments note came back exactly as written from its surrogates");
        Assert.That(officerClinical.Summary.Unresolved, Is.Zero);
        Assert.That(ContainsAll(clinician.Text, _canaries.Patient), Is.True, "the clinician sees the patient's name through its surrogate");
        Assert.That(ContainsAny(clinician.Text, _canaries.PanSpaced, _canaries.Ssn), Is.False, "but neither the card nor the SSN");

        var (streamed, chunks) = await RehydrateInRandomChunksAsync(clinical.Text, "privacy-officer", "operations");
        Assert.That(streamed == _canaries.ClinicalNote, Is.True, $"the stream of {chunks} chunks gives the clinical note back exactly");
    }
}

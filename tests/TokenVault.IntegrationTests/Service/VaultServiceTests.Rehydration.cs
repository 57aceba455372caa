using NUnit.Framework;
using PrivateInference.TokenVault.Pseudonymization;

namespace PrivateInference.TokenVault.IntegrationTests.Service;

public abstract partial class VaultServiceTests
{
    [Test]
    public async Task A_detokenize_on_an_agents_behalf_is_audited_as_a_rehydration_with_who_why_and_what_but_no_value()
    {
        var tenantId = await NewTenantAsync();
        var pan = Canary.Pan();
        var name = Canary.Person();
        var tokens = await Vault.Pseudonyms.TokenizeAsync(Tokenizer, tenantId, [new TokenizeInput("PAN", pan), new TokenizeInput("PERSON", name)]);
        var before = (await ChainAsync(tenantId)).Count;
        var context = new RehydrationContext("agent:jo", ["payments-agent"], "payment", null,
            [("PAN", RehydrationAction.Mask, 1), ("PERSON", RehydrationAction.Reveal, 1), ("SSN", RehydrationAction.Withhold, 2)]);

        var values = await Vault.Pseudonyms.DetokenizeAsync(Detokenizer, tenantId, tokens, context);
        await Vault.Pseudonyms.RecordRehydrationAsync(Detokenizer, tenantId, context with { Actions = [("SSN", RehydrationAction.Withhold, 1)] }, "rate_limited");

        Canaries.AssertSameValues(values.Select(v => v.Value), new[] { pan, name });
        var records = await AppendedAsync(tenantId, before);
        Assert.That(records.Select(r => (r.Action, r.Outcome, r.Actor)), Is.EqualTo(new[]
        {
            ("rehydrate", "ok", Detokenizer.Subject),
            ("rehydrate", "refused:rate_limited", Detokenizer.Subject),
        }));
        Assert.That(records[0].DetailJson, Is.EqualTo(
            """{"agent":"agent:jo","found":2,"items":2,"malformed":0,"mask":{"PAN":1},"not_found":0,"purpose":"payment","reveal":{"PERSON":1},"roles":"payments-agent","types":{"PAN":1,"PERSON":1},"withhold":{"SSN":2}}"""));
        Assert.That(Canary.FoundIn(string.Join('\n', records.Select(r => r.DetailJson))), Is.Empty);
    }

    [TestCase("agent:jo\nforged", "payment", "invalid_agent")]
    [TestCase("agent:jo", "Payment Or 4111111111111111", "invalid_purpose")]
    public async Task A_context_that_could_carry_free_text_into_the_audit_is_refused_and_nothing_is_revealed(string agent, string purpose, string reason)
    {
        var tenantId = await NewTenantAsync();
        var tokens = await TokenizeAsync(tenantId, "PAN", Canary.Pan());
        var context = new RehydrationContext(agent, ["payments-agent"], purpose, null, [("PAN", RehydrationAction.Reveal, 1)]);

        var refusal = Refusal(() => Vault.Pseudonyms.DetokenizeAsync(Detokenizer, tenantId, tokens, context));
        var record = Refusal(() => Vault.Pseudonyms.RecordRehydrationAsync(Detokenizer, tenantId, context, null));

        Assert.That((refusal.Kind, refusal.Reason), Is.EqualTo((VaultErrorKind.InvalidArgument, reason)));
        Assert.That((record.Kind, record.Reason), Is.EqualTo((VaultErrorKind.InvalidArgument, reason)));
        Assert.That((await ChainAsync(tenantId)).Last().Outcome, Is.EqualTo("refused:" + reason));
    }

    [Test]
    public async Task Only_the_detokenizer_identity_may_record_a_rehydration()
    {
        var tenantId = await NewTenantAsync();
        var context = new RehydrationContext("agent:jo", ["clinician"], "treatment", null, []);

        var refusal = Refusal(() => Vault.Pseudonyms.RecordRehydrationAsync(Tokenizer, tenantId, context, "invalid_signature"));

        Assert.That(refusal.Kind, Is.EqualTo(VaultErrorKind.PermissionDenied));
    }
}

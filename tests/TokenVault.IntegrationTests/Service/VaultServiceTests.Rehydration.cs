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

    [Test]
    public async Task A_rehydration_that_resolves_surrogates_is_one_record_counting_them_per_type_and_action_and_a_withheld_one_carries_no_value()
    {
        var tenantId = await NewTenantAsync();
        var name = Canary.Person();
        var pan = Canary.Pan();
        var ssn = Canary.Ssn();
        var issued = await Vault.Pseudonyms.TokenizeAsync(Tokenizer, tenantId, [new TokenizeInput("PERSON", name), new TokenizeInput("PAN", pan), new TokenizeInput("SSN", ssn)], surrogates: true);
        var before = (await ChainAsync(tenantId)).Count;
        // The caller sent the name's token itself (counted by it) and looks up the three surrogates; PAN is not listed.
        var context = new RehydrationContext("agent:jo", ["clinician"], "treatment", null, [("PERSON", RehydrationAction.Reveal, 1)],
            new Dictionary<string, RehydrationAction> { ["PERSON"] = RehydrationAction.Reveal, ["SSN"] = RehydrationAction.Mask });

        var resolved = await Vault.Pseudonyms.DetokenizeAsync(Detokenizer, tenantId, [issued.Tokens[0]], [.. issued.Surrogates], context);

        Assert.That(resolved.Surrogates.Select(r => (r.Found, r.EntityType, r.Token)), Is.EqualTo(issued.Tokens.Select((t, i) => (true, new[] { "PERSON", "PAN", "SSN" }[i], t))));
        Assert.That(resolved.Surrogates[1].Value.Length, Is.Zero, "the withheld card's value does not leave the vault");
        Canaries.AssertSameValues([resolved.Tokens[0].Value, resolved.Surrogates[0].Value, resolved.Surrogates[2].Value], new[] { name, name, ssn });
        var records = await AppendedAsync(tenantId, before);
        Assert.That(records.Select(r => (r.Action, r.Outcome)), Is.EqualTo(new[] { ("rehydrate", "ok") }), "one record");
        Assert.That(records[0].DetailJson, Is.EqualTo(
            """{"agent":"agent:jo","found":4,"items":1,"malformed":0,"mask":{"SSN":1},"not_found":0,"purpose":"treatment","reveal":{"PERSON":1},"roles":"clinician","surrogates":3,"types":{"PAN":1,"PERSON":2,"SSN":1},"withhold":{"PAN":1}}"""),
            "the name once (its token and its surrogate are one value), the SSN masked, the unlisted card withheld");
    }

    [Test]
    public async Task Without_a_rehydration_context_a_surrogate_comes_back_with_its_value()
    {
        var tenantId = await NewTenantAsync();
        var pan = Canary.Pan();
        var issued = await Vault.Pseudonyms.TokenizeAsync(Tokenizer, tenantId, [new TokenizeInput("PAN", pan)], surrogates: true);

        var plain = await Vault.Pseudonyms.DetokenizeAsync(Detokenizer, tenantId, [], [.. issued.Surrogates], context: null);
        var unlisted = await Vault.Pseudonyms.DetokenizeAsync(Detokenizer, tenantId, [], [.. issued.Surrogates], new RehydrationContext("agent:jo", ["clinician"], "treatment", null, []));

        Canaries.AssertSameValues(plain.Surrogates.Select(r => r.Value), new[] { pan });
        Assert.That((unlisted.Surrogates[0].Found, unlisted.Surrogates[0].Value.Length), Is.EqualTo((true, 0)), "a context without surrogate actions withholds every type");
    }

    [TestCase("CVV", RehydrationAction.Reveal)]
    [TestCase("pan", RehydrationAction.Reveal)]
    [TestCase("PAN", (RehydrationAction)7)]
    public async Task Surrogate_actions_that_name_no_vaulted_type_or_no_action_are_refused_audited_and_nothing_is_revealed(string type, RehydrationAction action)
    {
        var tenantId = await NewTenantAsync();
        var issued = await Vault.Pseudonyms.TokenizeAsync(Tokenizer, tenantId, [new TokenizeInput("PAN", Canary.Pan())], surrogates: true);
        var context = new RehydrationContext("agent:jo", ["payments-agent"], "payment", null, [], new Dictionary<string, RehydrationAction> { [type] = action });

        var refusal = Refusal(() => Vault.Pseudonyms.DetokenizeAsync(Detokenizer, tenantId, [], [.. issued.Surrogates], context));

        Assert.That((refusal.Kind, refusal.Reason), Is.EqualTo((VaultErrorKind.InvalidArgument, "invalid_surrogate_actions")));
        Assert.That((await ChainAsync(tenantId)).Last().Outcome, Is.EqualTo("refused:invalid_surrogate_actions"));
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

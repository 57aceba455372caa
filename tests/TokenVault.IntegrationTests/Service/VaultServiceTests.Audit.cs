using NUnit.Framework;
using PrivateInference.TokenVault.Audit;
using PrivateInference.TokenVault.Storage;

namespace PrivateInference.TokenVault.IntegrationTests.Service;

public abstract partial class VaultServiceTests
{
    /// <summary>What someone with write access to the audit table does to a chain of eight records.</summary>
    public enum AuditTamper
    {
        DetailEdited,
        ActorEdited,
        MiddleRecordDeleted,
        TwoRecordsSwapped,
        NewestRecordDeleted,
        TwoNewestRecordsDeleted,
    }

    [Test]
    public async Task Every_operation_is_recorded_payload_free_key_changes_before_and_after_and_the_chain_verifies()
    {
        var tenantId = await NewTenantAsync();
        var token = await TokenizeOneAsync(tenantId, "PAN", Canary.Pan());
        await DetokenizeAsync(tenantId, token);
        Refusal(() => Vault.Pseudonyms.TokenizeAsync(Tokenizer, tenantId, [new("CVV", Canary.Text("cvv"))]));
        Refusal(() => Vault.Pseudonyms.DetokenizeAsync(Tokenizer, tenantId, [token]));
        await Vault.Keys.RotateDekAsync(Admin, tenantId);
        await Vault.Keys.RotateKekAsync(Admin, tenantId);
        await Vault.Keys.DisableAsync(Admin, tenantId);
        Refusal(() => Vault.Pseudonyms.DetokenizeAsync(Detokenizer, tenantId, [token]));
        await Vault.Keys.EnableAsync(Admin, tenantId);
        await Vault.Keys.ListAsync(Admin, tenantId);
        await Vault.Pseudonyms.EraseSubjectAsync(Eraser, tenantId, Canary.Subject());
        await Vault.Keys.ApproveDestroyAsync(Admin, tenantId, "request-7");
        await Vault.Audit.ExportAsync(Auditor, tenantId).ToListAsync();

        var verification = await Vault.Audit.VerifyAsync(Auditor, tenantId);

        var chain = await ChainAsync(tenantId);
        Assert.That(chain.Select(r => (r.Action, r.Outcome)), Is.EqualTo(new[]
        {
            ("tenant.create", "started"),
            ("tenant.create", "ok"),
            ("tokenize", "ok"),
            ("detokenize", "ok"),
            ("tokenize", "refused:sensitive_authentication_data"),
            ("detokenize", "refused:permission_denied"),
            ("dek.rotate", "started"),
            ("dek.rotate", "ok"),
            ("kek.rotate", "started"),
            ("kek.rotate", "ok"),
            ("kek.disable", "started"),
            ("kek.disable", "ok"),
            ("detokenize", "refused:key_disabled"),
            ("kek.enable", "started"),
            ("kek.enable", "ok"),
            ("keys.list", "ok"),
            ("subject.erase", "ok"),
            ("kek.destroy.approve", "started"),
            ("kek.destroy.approve", "ok"),
            ("audit.export", "ok"),
            ("audit.verify", "ok"),
        }));
        Assert.That(verification, Is.EqualTo(new AuditVerification(chain.Count - 1, null, null)));
        Assert.That(verification.OutcomeUnknown, Is.Empty);
        Assert.That(chain.Select(r => r.Seq), Is.EqualTo(Enumerable.Range(1, chain.Count).Select(i => (long)i)));
        Assert.That(AuditVerifier.Verify(chain).IsIntact, Is.True, "the stored chain verifies offline too");
        AssertEveryIntentHasItsOutcome(chain);
        Assert.That(chain[2].DetailJson, Is.EqualTo("""{"created":1,"dek_version":1,"items":1,"types":{"PAN":1}}"""));
        Assert.That(chain[0].DetailJson, Is.EqualTo("{}"), "the intent of a creation has no arguments");
        Assert.That(chain[1].DetailJson, Does.Contain("\"provider\":\"" + Vault.Keys.ProviderKind + "\"").And.Contain("\"intent_seq\":1,"));
        Assert.That(chain[17].DetailJson, Is.EqualTo("""{"request_id":"request-7"}"""), "the intent of an approval names its request");
    }

    [TestCase(AuditTamper.DetailEdited, 4, AuditBreak.HashMismatch)]
    [TestCase(AuditTamper.ActorEdited, 5, AuditBreak.HashMismatch)]
    [TestCase(AuditTamper.MiddleRecordDeleted, 4, AuditBreak.SeqGap)]
    [TestCase(AuditTamper.TwoRecordsSwapped, 4, AuditBreak.HashMismatch)]
    [TestCase(AuditTamper.NewestRecordDeleted, 8, AuditBreak.SeqGap, 7L)]
    [TestCase(AuditTamper.TwoNewestRecordsDeleted, 7, AuditBreak.SeqGap)]
    public async Task Verification_pinpoints_a_record_changed_with_sql(AuditTamper tamper, long brokenAt, AuditBreak expected, long? outcomeUnknownAt = null)
    {
        var tenantId = await NewTenantAsync();
        var tokens = await TokenizeAsync(tenantId, "PERSON", Canary.Person(), Canary.Person());
        await DetokenizeAsync(tenantId, [.. tokens]);
        await TokenizeAsync(tenantId, "EMAIL", Canary.Email());
        await DetokenizeAsync(tenantId, tokens[0]);
        await Vault.Keys.RotateDekAsync(Admin, tenantId);
        Assert.That(await ChainAsync(tenantId), Has.Count.EqualTo(8));
        var at = new { TenantId = tenantId };

        await Backend.WithoutAppendOnlyGuardAsync(async () =>
        {
            var changed = tamper switch
            {
                AuditTamper.DetailEdited => await Backend.ExecuteAsync("UPDATE audit_events SET detail = replace(detail, '\"found\":2', '\"found\":0') WHERE tenant_id = @TenantId AND seq = 4", at),
                AuditTamper.ActorEdited => await Backend.ExecuteAsync("UPDATE audit_events SET actor = 'svc:someone-else' WHERE tenant_id = @TenantId AND seq = 5", at),
                AuditTamper.MiddleRecordDeleted => await Backend.ExecuteAsync("DELETE FROM audit_events WHERE tenant_id = @TenantId AND seq = 4", at),
                AuditTamper.TwoRecordsSwapped => await Backend.ExecuteAsync(
                    "UPDATE audit_events SET seq = 1000 WHERE tenant_id = @TenantId AND seq = 4; " +
                    "UPDATE audit_events SET seq = 4 WHERE tenant_id = @TenantId AND seq = 5; " +
                    "UPDATE audit_events SET seq = 5 WHERE tenant_id = @TenantId AND seq = 1000", at),
                AuditTamper.NewestRecordDeleted => await Backend.ExecuteAsync("DELETE FROM audit_events WHERE tenant_id = @TenantId AND seq = 8", at),
                AuditTamper.TwoNewestRecordsDeleted => await Backend.ExecuteAsync("DELETE FROM audit_events WHERE tenant_id = @TenantId AND seq >= 7", at),
                _ => 0,
            };
            Assert.That(changed, Is.GreaterThan(0), "the tampering touched the chain");
        });

        var verification = await Vault.Audit.VerifyAsync(Auditor, tenantId);

        Assert.That((verification.BrokenAtSeq, verification.Break), Is.EqualTo(((long?)brokenAt, (AuditBreak?)expected)));
        Assert.That(verification.Verified, Is.EqualTo(brokenAt - 1));
        Assert.That(verification.OutcomeUnknown, Is.EqualTo(outcomeUnknownAt is { } seq ? new[] { seq } : Array.Empty<long>()), "a deleted outcome leaves its intent without one");
        var record = (await ChainAsync(tenantId)).Last();
        Assert.That((record.Actor, record.Action, record.Outcome), Is.EqualTo((Auditor.Subject, "audit.verify", "broken")));
        var unknown = outcomeUnknownAt is null ? string.Empty : ""","outcome_unknown":1""";
        Assert.That(record.DetailJson, Is.EqualTo($$"""{"break":"{{expected}}","broken_at_seq":{{brokenAt}},"intact":false{{unknown}},"records":{{brokenAt - 1}}}"""));
    }

    [Test]
    public async Task When_the_audit_trail_cannot_be_written_tokenize_and_detokenize_fail_unavailable_and_return_nothing()
    {
        var tenantId = await NewTenantAsync();
        var value = Canary.Pan();
        var token = await TokenizeOneAsync(tenantId, "PAN", value);
        var before = await ChainAsync(tenantId);
        var rows = await Backend.TokenRowsAsync(tenantId);
        VaultException tokenize, detokenize;

        await using (await Backend.BreakAuditWritesAsync())
        {
            tokenize = Refusal(() => Vault.Pseudonyms.TokenizeAsync(Tokenizer, tenantId, Items("PAN", Canary.Pan())));
            detokenize = Refusal(() => Vault.Pseudonyms.DetokenizeAsync(Detokenizer, tenantId, [token]));
        }

        Assert.That(new[] { tokenize, detokenize }.Select(r => (r.Kind, r.Reason)), Has.All.EqualTo((VaultErrorKind.Unavailable, "audit_unavailable")));
        Assert.That(Canary.FoundIn(tokenize.ToString() + detokenize.ToString()), Is.Empty);
        Assert.That((await ChainAsync(tenantId)).Select(r => r.Seq), Is.EqualTo(before.Select(r => r.Seq)), "nothing was half-written");
        Assert.That(await Backend.TokenRowsAsync(tenantId), Is.EqualTo(rows), "the new value's row was not written either");
        Canaries.AssertSameValues(await DetokenizeAsync(tenantId, token), new[] { value }, "served again once the trail is back");
        Assert.That((await Vault.Audit.VerifyAsync(Auditor, tenantId)).IsIntact, Is.True);
    }

    [Test]
    public async Task A_tokenize_whose_record_cannot_be_written_fails_unavailable_and_writes_no_row()
    {
        var tenantId = await NewTenantAsync();
        FaultyStore faults = null!;
        await using var replica = await Backend.OpenReplicaAsync(store: s => Faulty(s, out faults));
        faults.FailWhen((method, args) => method == nameof(IVaultStore.AppendAuditAsync)
            && ((IReadOnlyList<AuditEntry>)args[0]!).Any(e => e.Action == "tokenize"));
        var pan = Canary.Pan();

        var failure = Refusal(() => replica.Pseudonyms.TokenizeAsync(Tokenizer, tenantId, [new("PAN", pan), new("PAN", pan.Replace(' ', '-')), new("PERSON", Canary.Person())]));

        Assert.That((failure.Kind, failure.Reason), Is.EqualTo((VaultErrorKind.Unavailable, "audit_unavailable")));
        Assert.That(faults.Failures, Is.GreaterThanOrEqualTo(1));
        Assert.That(await Backend.TokenRowsAsync(tenantId), Is.Zero, "no mapping exists whose creation is not on the record");
        Assert.That((await ChainAsync(tenantId)).Select(r => r.Action), Has.None.EqualTo("tokenize"));
    }

    [Test]
    public async Task A_tokenize_is_recorded_before_its_rows_and_a_failed_write_after_the_record_is_recorded_as_failed()
    {
        var tenantId = await NewTenantAsync();
        FaultyStore faults = null!;
        await using var replica = await Backend.OpenReplicaAsync(store: s => Faulty(s, out faults));
        var pan = Canary.Pan();
        var order = new List<string>();
        faults.FailWhen((method, args) =>
        {
            if (method is nameof(IVaultStore.InsertOrGetAsync) || (method is nameof(IVaultStore.AppendAuditAsync) && ((IReadOnlyList<AuditEntry>)args[0]!).Any(e => e.Action == "tokenize")))
            {
                lock (order)
                {
                    order.Add(method);
                }
            }

            return false;
        });

        // A new value, a second spelling of it and another new value: three rows at most, announced before the first.
        await replica.Pseudonyms.TokenizeAsync(Tokenizer, tenantId, [new("PAN", pan), new("PAN", pan.Replace(' ', '-')), new("PERSON", Canary.Person())]);
        Assert.That(order, Is.EqualTo(new[] { nameof(IVaultStore.AppendAuditAsync), nameof(IVaultStore.InsertOrGetAsync), nameof(IVaultStore.InsertOrGetAsync) }));
        Assert.That((await ChainAsync(tenantId))[^1].DetailJson, Is.EqualTo("""{"created":3,"dek_version":1,"items":3,"types":{"PAN":2,"PERSON":1}}"""));
        Assert.That(await Backend.TokenRowsAsync(tenantId), Is.EqualTo(3));

        faults.FailOnce(nameof(IVaultStore.InsertOrGetAsync));
        var failure = Refusal(() => replica.Pseudonyms.TokenizeAsync(Tokenizer, tenantId, Items("EMAIL", Canary.Email())));

        Assert.That(failure.Kind, Is.EqualTo(VaultErrorKind.Unavailable));
        Assert.That(await Backend.TokenRowsAsync(tenantId), Is.EqualTo(3));
        var chain = await ChainAsync(tenantId);
        Assert.That(chain[^2..].Select(r => (r.Action, r.Outcome)), Is.EqualTo(new[] { ("tokenize", "ok"), ("tokenize", "failed:" + failure.Reason) }));
        Assert.That(chain[^1].DetailJson, Is.EqualTo($$"""{"items":1,"record_seq":{{chain[^2].Seq}}}"""), "the failure names the record it corrects");
        Assert.That(chain[^2].DetailJson, Does.Contain("\"created\":1,"), "the record announced the row before it failed");
        Assert.That((await Vault.Audit.VerifyAsync(Auditor, tenantId)).IsIntact, Is.True);
    }
}

using System.Security.Cryptography;
using NUnit.Framework;
using PrivateInference.TokenVault.Audit;
using PrivateInference.TokenVault.Keys;
using PrivateInference.TokenVault.Storage;

namespace PrivateInference.TokenVault.IntegrationTests.Service;

public abstract partial class VaultServiceTests
{
    [Test]
    public async Task A_signed_checkpoint_verifies_offline_with_the_public_key_and_the_chain_against_it()
    {
        var tenantId = await NewTenantAsync();
        await TokenizeAsync(tenantId, "PERSON", Canary.Person());
        var head = await Vault.Store.GetAuditHeadAsync(tenantId);

        var checkpoint = await Vault.Audit.CheckpointAsync(Auditor, tenantId);
        var (pem, keyId) = await Vault.Audit.GetPublicKeyPemAsync(Auditor);
        var verification = await Vault.Audit.VerifyAsync(Auditor, tenantId);

        Assert.That((checkpoint.TenantId, checkpoint.Seq, checkpoint.HeadHash, checkpoint.KeyId), Is.EqualTo((tenantId, head.Seq, head.Hash, keyId)));
        Assert.That(checkpoint.Signature, Has.Length.EqualTo(64), "ECDSA P-256, r ‖ s");
        Assert.That(AuditCheckpointSignature.Verify(checkpoint, PublicKey(pem)), Is.True, "an auditor checks it with the PEM alone");
        Assert.That(AuditCheckpointSignature.Verify(checkpoint with { Seq = checkpoint.Seq + 1 }, PublicKey(pem)), Is.False, "the signature covers the seq");
        Assert.That((await Vault.Store.GetAuditCheckpointsAsync(tenantId)).Single().Signature, Is.EqualTo(checkpoint.Signature), "stored");
        Assert.That((verification.IsIntact, verification.CheckpointsVerified, verification.InvalidCheckpoints.Count), Is.EqualTo((true, 1, 0)));
        var chain = await ChainAsync(tenantId);
        Assert.That(chain[^2].Action + " " + chain[^2].DetailJson, Is.EqualTo($$"""audit.checkpoint {"key_id":"{{keyId}}","key_version":{{checkpoint.KeyVersion}},"seq":{{head.Seq}}}"""));
        Assert.That(chain[^1].DetailJson, Does.Contain("\"checkpoints\":1,"));
    }

    [Test]
    public async Task A_tail_rewritten_with_sql_and_recomputed_hashes_passes_the_chain_and_head_but_not_the_signed_checkpoint()
    {
        var tenantId = await NewTenantAsync();
        var tokens = await TokenizeAsync(tenantId, "PERSON", Canary.Person(), Canary.Person());
        await DetokenizeAsync(tenantId, [.. tokens]);
        var checkpoint = await Vault.Audit.CheckpointAsync(Auditor, tenantId);
        await DetokenizeAsync(tenantId, tokens[0]);
        var original = await ChainAsync(tenantId);

        // Someone with database access hides the detokenize: edits its record and recomputes every later hash and the head.
        var target = original.Last(r => r.Action == "detokenize" && r.Seq <= checkpoint.Seq);
        await RewriteTailAsync(tenantId, original, target.Seq, target.DetailJson.Replace("\"found\":2", "\"found\":0", StringComparison.Ordinal));
        var rewritten = await ChainAsync(tenantId);
        Assert.That(rewritten[(int)target.Seq - 1].DetailJson, Does.Contain("\"found\":0"), "the record was rewritten");
        Assert.That(AuditVerifier.Verify(rewritten, head: await Vault.Store.GetAuditHeadAsync(tenantId)).IsIntact, Is.True, "chain and head alone no longer show it");

        var verification = await Vault.Audit.VerifyAsync(Auditor, tenantId);

        Assert.That((verification.BrokenAtSeq, verification.Break), Is.EqualTo(((long?)checkpoint.Seq, (AuditBreak?)AuditBreak.SignedCheckpointMismatch)));
        Assert.That(AuditProblems.Name(verification.Break!.Value), Does.StartWith("rewritten"));
        Assert.That((await ChainAsync(tenantId))[^1].Outcome, Is.EqualTo("broken"));
        Assert.That(Refusal(() => Vault.Audit.CheckpointAsync(Auditor, tenantId)).Reason, Is.EqualTo("audit_chain_broken"), "a rewritten chain is not signed");
    }

    [Test]
    public async Task A_chain_cut_below_a_signed_checkpoint_with_its_head_rolled_back_is_detected()
    {
        var tenantId = await NewTenantAsync();
        await TokenizeAsync(tenantId, "EMAIL", Canary.Email());
        await TokenizeAsync(tenantId, "EMAIL", Canary.Email());
        var checkpoint = await Vault.Audit.CheckpointAsync(Auditor, tenantId);
        var chain = await ChainAsync(tenantId);
        var keep = chain[(int)checkpoint.Seq - 2];
        await Backend.WithoutAppendOnlyGuardAsync(async () =>
        {
            await Backend.ExecuteAsync("DELETE FROM audit_events WHERE tenant_id = @TenantId AND seq > @Seq", new { TenantId = tenantId, keep.Seq });
            await Backend.ExecuteAsync("UPDATE audit_heads SET seq = @Seq, hash = @Hash WHERE tenant_id = @TenantId", new { TenantId = tenantId, keep.Seq, keep.Hash });
        });

        var verification = await Vault.Audit.VerifyAsync(Auditor, tenantId);

        Assert.That((verification.BrokenAtSeq, verification.Break), Is.EqualTo(((long?)keep.Seq + 1, (AuditBreak?)AuditBreak.SignedCheckpointMismatch)));
    }

    [Test]
    public async Task A_forged_or_altered_checkpoint_signature_is_reported_invalid()
    {
        var (tenantId, genuine) = await CheckpointedTenantAsync();
        var head = await Vault.Store.GetAuditHeadAsync(tenantId);

        // A checkpoint of the current head signed with a key of the forger's, under the vault's key ID.
        using var forger = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var forged = new SignedAuditCheckpoint(tenantId, head.Seq, head.Hash, genuine.At.AddSeconds(1), genuine.KeyId, []);
        forged = forged with { Signature = forger.SignData(AuditCheckpointSignature.Message(forged), HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation) };
        Assert.That(await Vault.Store.AddAuditCheckpointAsync(forged), Is.True);
        var altered = (byte[])genuine.Signature.Clone();
        altered[^1] ^= 1;
        await Backend.ExecuteAsync("UPDATE audit_checkpoints SET signature = @Signature WHERE tenant_id = @TenantId AND seq = @Seq", new { TenantId = tenantId, genuine.Seq, Signature = altered });

        var verification = await Vault.Audit.VerifyAsync(Auditor, tenantId);

        Assert.That(verification.InvalidCheckpoints, Is.EqualTo(new[] { genuine.Seq, forged.Seq }));
        Assert.That(verification.UnrecordedCheckpoints, Is.EqualTo(new[] { forged.Seq }), "no checkpoint record names the forged row; the altered one has its record");
        Assert.That((verification.IsIntact, verification.CheckpointsVerified, verification.MissingCheckpoints.Count), Is.EqualTo((true, 0, 0)), "the chain itself is intact; no checkpoint vouches for it");
        await AssertVerifyRecordAsync(tenantId, "broken", """{"intact":true,"invalid_checkpoints":2,"records":""" + verification.Verified + ""","unrecorded_checkpoints":1}""");
    }

    [Test]
    public async Task A_checkpoint_row_deleted_with_sql_is_missing_and_breaks_the_chain_at_the_record_that_names_it()
    {
        var (tenantId, _) = await CheckpointedTenantAsync();
        await TokenizeAsync(tenantId, "PAN", Canary.Pan());
        var deleted = await Vault.Audit.CheckpointAsync(Auditor, tenantId);
        var naming = (await ChainAsync(tenantId)).Single(r => r.Action == AuditQueries.CheckpointAction && r.Seq > deleted.Seq);

        // Someone with database access removes the checkpoint that would expose a rewrite up to its seq.
        Assert.That(await Backend.ExecuteAsync("DELETE FROM audit_checkpoints WHERE tenant_id = @TenantId AND seq = @Seq", new { TenantId = tenantId, deleted.Seq }), Is.EqualTo(1));
        var verification = await Vault.Audit.VerifyAsync(Auditor, tenantId);

        Assert.That(verification.MissingCheckpoints, Is.EqualTo(new[] { deleted.Seq }));
        Assert.That((verification.IsIntact, verification.Break, verification.BrokenAtSeq), Is.EqualTo((false, (AuditBreak?)AuditBreak.CheckpointMissing, (long?)naming.Seq)));
        Assert.That((verification.CheckpointsVerified, verification.UnrecordedCheckpoints.Count, verification.InvalidCheckpoints.Count), Is.EqualTo((1, 0, 0)), "the other checkpoint still vouches for the chain");
        await AssertVerifyRecordAsync(tenantId, "broken", $$"""{"break":"CheckpointMissing","broken_at_seq":{{naming.Seq}},"checkpoints":1,"intact":false,"missing_checkpoints":1,"records":{{verification.Verified}}}""");
    }

    [Test]
    public async Task A_stored_checkpoint_without_its_record_is_unrecorded_and_intact_until_a_checkpoint_of_its_seq_records_it_as_existing()
    {
        var tenantId = await NewTenantAsync();
        await TokenizeAsync(tenantId, "PAN", Canary.Pan());
        var head = await Vault.Store.GetAuditHeadAsync(tenantId);

        // A genuine checkpoint of the head stored without its record, as when the record could not be written after the row.
        var key = Backend.Kek.GetAuditSigningKeys()[^1];
        var keyId = AuditCheckpointSignature.KeyId(key.PublicKey);
        var at = DateTimeOffset.FromUnixTimeMilliseconds(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        var stored = new SignedAuditCheckpoint(tenantId, head.Seq, head.Hash, at, keyId, Backend.Kek.SignAuditCheckpoint(key.Version, AuditCheckpointSignature.Message(tenantId, head.Seq, head.Hash, at, keyId))) { KeyVersion = key.Version };
        Assert.That(await Vault.Store.AddAuditCheckpointAsync(stored), Is.True);

        // Another caller's checkpoint of the same head finds it stored and records it as "existing".
        var existing = await Vault.Audit.CheckpointAsync(Auditor, tenantId);
        var recorded = await Vault.Audit.VerifyAsync(Auditor, tenantId);

        Assert.That((existing.Seq, existing.Signature.AsSpan().SequenceEqual(stored.Signature)), Is.EqualTo((head.Seq, true)), "the stored one is returned");
        Assert.That((await ChainAsync(tenantId)).Single(r => r.Action == AuditQueries.CheckpointAction).DetailJson, Does.Contain("\"existing\":true"));
        Assert.That((recorded.IsIntact, recorded.CheckpointsVerified, recorded.MissingCheckpoints.Count, recorded.UnrecordedCheckpoints.Count), Is.EqualTo((true, 1, 0, 0)), "an existing record names the seq: nothing missing");

        // The same, stored on a head that no checkpoint record names.
        await TokenizeAsync(tenantId, "PAN", Canary.Pan());
        var later = await Vault.Store.GetAuditHeadAsync(tenantId);
        var orphan = stored with { Seq = later.Seq, HeadHash = later.Hash };
        orphan = orphan with { Signature = Backend.Kek.SignAuditCheckpoint(key.Version, AuditCheckpointSignature.Message(orphan)) };
        Assert.That(await Vault.Store.AddAuditCheckpointAsync(orphan), Is.True);
        var unrecorded = await Vault.Audit.VerifyAsync(Auditor, tenantId);

        Assert.That(unrecorded.UnrecordedCheckpoints, Is.EqualTo(new[] { later.Seq }));
        Assert.That((unrecorded.IsIntact, unrecorded.CheckpointsVerified, unrecorded.MissingCheckpoints.Count), Is.EqualTo((true, 2, 0)), "not a break; its signature verifies and the chain holds it");
        await AssertVerifyRecordAsync(tenantId, "ok", """{"checkpoints":2,"intact":true,"records":""" + unrecorded.Verified + ""","unrecorded_checkpoints":1}""");
    }

    [Test]
    public async Task A_checkpoint_and_a_verify_refused_because_the_signing_keys_cannot_be_listed_leave_one_refusal_record_each()
    {
        var (tenantId, _) = await CheckpointedTenantAsync();
        var kek = new FaultyKek(Backend.Kek);
        await using var replica = await Backend.OpenReplicaAsync(kek: kek);
        kek.FailWhen((method, _) => method == nameof(IKekProvider.GetAuditSigningKeys));
        var before = (await ChainAsync(tenantId)).Count;

        var checkpoint = Refusal(() => replica.Audit.CheckpointAsync(Auditor, tenantId));
        var verify = Refusal(() => replica.Audit.VerifyAsync(Auditor, tenantId));

        Assert.That((checkpoint.Kind, checkpoint.Reason, verify.Kind, verify.Reason), Is.EqualTo((VaultErrorKind.Unavailable, "provider_unavailable", VaultErrorKind.Unavailable, "provider_unavailable")));
        var appended = await AppendedAsync(tenantId, before);
        Assert.That(appended.Count(r => r.Action == AuditQueries.CheckpointAction), Is.EqualTo(1), "the refused checkpoint is recorded once");
        Assert.That(appended.Select(r => (r.Actor, r.Action, r.Outcome)), Is.EqualTo(new[]
        {
            (Auditor.Subject, AuditQueries.CheckpointAction, "refused:provider_unavailable"),
            (Auditor.Subject, "audit.verify", "refused:provider_unavailable"),
        }));
    }

    /// <summary>Checks the newest record of the chain: the verify's own, with its outcome and detail.</summary>
    private async Task AssertVerifyRecordAsync(string tenantId, string outcome, string detailJson)
    {
        var record = (await ChainAsync(tenantId))[^1];
        Assert.That((record.Action, record.Outcome, record.DetailJson), Is.EqualTo(("audit.verify", outcome, detailJson)));
    }

    /// <summary>A new tenant with one tokenized value and a checkpoint of its chain.</summary>
    private async Task<(string TenantId, SignedAuditCheckpoint Checkpoint)> CheckpointedTenantAsync()
    {
        var tenantId = await NewTenantAsync();
        await TokenizeAsync(tenantId, "PAN", Canary.Pan());
        return (tenantId, await Vault.Audit.CheckpointAsync(Auditor, tenantId));
    }

    private static byte[] PublicKey(string pem)
    {
        using var key = ECDsa.Create();
        key.ImportFromPem(pem);
        return key.ExportSubjectPublicKeyInfo();
    }

    /// <summary>Replaces record <paramref name="fromSeq"/>'s detail and recomputes its hash, every later record's prev_hash
    /// and hash, and the head, as someone with write access to the database and the chain's recipe can.</summary>
    private async Task RewriteTailAsync(string tenantId, List<AuditRecord> chain, long fromSeq, string detailJson)
    {
        await Backend.WithoutAppendOnlyGuardAsync(async () =>
        {
            var prev = chain[(int)fromSeq - 2].Hash;
            foreach (var record in chain.Where(r => r.Seq >= fromSeq))
            {
                var detail = record.Seq == fromSeq ? detailJson : record.DetailJson;
                var hash = AuditChain.Hash(prev, record.TenantId, record.Seq, record.At, record.Actor, record.Action, record.Outcome, detail);
                await Backend.ExecuteAsync(
                    "UPDATE audit_events SET detail = @Detail, prev_hash = @Prev, hash = @Hash WHERE tenant_id = @TenantId AND seq = @Seq",
                    new { Detail = detail, Prev = prev, Hash = hash, TenantId = tenantId, record.Seq });
                prev = hash;
            }

            await Backend.ExecuteAsync("UPDATE audit_heads SET hash = @Hash WHERE tenant_id = @TenantId", new { Hash = prev, TenantId = tenantId });
        });
    }
}

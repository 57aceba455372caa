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
        var tenantId = await NewTenantAsync();
        await TokenizeAsync(tenantId, "PAN", Canary.Pan());
        var genuine = await Vault.Audit.CheckpointAsync(Auditor, tenantId);
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
        Assert.That((verification.IsIntact, verification.CheckpointsVerified), Is.EqualTo((true, 0)), "the chain itself is intact; no checkpoint vouches for it");
        var record = (await ChainAsync(tenantId))[^1];
        Assert.That((record.Outcome, record.DetailJson), Is.EqualTo(("broken", """{"intact":true,"invalid_checkpoints":2,"records":""" + verification.Verified + "}")));
    }

    [Test]
    public async Task A_checkpoint_and_a_verify_refused_because_the_signing_keys_cannot_be_listed_leave_one_refusal_record_each()
    {
        var tenantId = await NewTenantAsync();
        await TokenizeAsync(tenantId, "PAN", Canary.Pan());
        await Vault.Audit.CheckpointAsync(Auditor, tenantId);
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

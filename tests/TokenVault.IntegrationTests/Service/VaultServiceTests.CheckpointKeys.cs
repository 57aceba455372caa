using Microsoft.Extensions.Logging;
using NUnit.Framework;
using PrivateInference.Redactor.Tests.Grpc;
using PrivateInference.TokenVault.Audit;
using PrivateInference.TokenVault.Authorization;
using PrivateInference.TokenVault.Keys;
using PrivateInference.TokenVault.Lifecycle;

namespace PrivateInference.TokenVault.IntegrationTests.Service;

/// <summary>Audit signing key rotation and the checkpoint schedule (issue 4 §6), on both backends and providers.</summary>
public abstract partial class VaultServiceTests
{
    [Test]
    public async Task Rotating_the_signing_key_signs_new_checkpoints_with_the_next_version_and_old_checkpoints_still_verify()
    {
        var tenantId = await NewTenantAsync();
        await TokenizeAsync(tenantId, "PERSON", Canary.Person());
        var before = await Vault.Audit.GetPublicKeysAsync(Auditor, null);
        var old = await Vault.Audit.CheckpointAsync(Auditor, tenantId);

        var rotated = await Vault.Keys.RotateAuditSigningKeyAsync(Admin);
        await TokenizeAsync(tenantId, "PERSON", Canary.Person());
        var fresh = await Vault.Audit.CheckpointAsync(Auditor, tenantId);
        var after = await Vault.Audit.GetPublicKeysAsync(Auditor, null);
        var verification = await Vault.Audit.VerifyAsync(Auditor, tenantId);

        Assert.That(rotated.Version, Is.EqualTo(before[^1].Version + 1));
        Assert.That((old.KeyVersion, old.KeyId), Is.EqualTo((before[^1].Version, before[^1].KeyId)));
        Assert.That((fresh.KeyVersion, fresh.KeyId), Is.EqualTo((rotated.Version, rotated.KeyId)));
        Assert.That(after, Is.EqualTo(before.Append(rotated)), "every version listed, the old ones unchanged");
        Assert.That((verification.IsIntact, verification.CheckpointsVerified, verification.InvalidCheckpoints.Count, verification.UnknownKeyCheckpoints.Count), Is.EqualTo((true, 2, 0, 0)));
        Assert.That((await Vault.Store.GetAuditCheckpointsAsync(tenantId)).Select(c => c.KeyVersion), Is.EqualTo(new[] { old.KeyVersion, fresh.KeyVersion }), "stored with their versions");
        Assert.That(AuditCheckpointSignature.Verify(old, PublicKey(before[^1].Pem)), Is.True, "offline with the old version's PEM");
        Assert.That(AuditCheckpointSignature.Verify(fresh, PublicKey(rotated.Pem)), Is.True);
        Assert.That(AuditCheckpointSignature.Verify(fresh, PublicKey(before[^1].Pem)), Is.False);
        Assert.That(await Vault.Audit.GetPublicKeysAsync(Auditor, old.KeyVersion), Is.EqualTo(new[] { before[^1] }), "--version N");
        var retired = Assert.Throws<KeyUnavailableException>(() => Backend.Kek.SignAuditCheckpoint(old.KeyVersion, AuditCheckpointSignature.Message(old)));
        Assert.That(retired!.Reason, Is.EqualTo(KeyUnavailableReason.NotFound), "the old version's private half is gone: it can no longer sign");

        var system = await ChainAsync(AuditTrail.SystemTenant);
        var rotation = system.Where(r => r.Action == KeyAdministration.RotateAuditSigningKeyAction).TakeLast(2).ToList();
        Assert.That(rotation.Select(r => (r.Actor, r.Outcome)), Is.EqualTo(new[] { (Admin.Subject, AuditOutcome.Started), (Admin.Subject, "ok") }));
        Assert.That(rotation[1].DetailJson, Is.EqualTo($$"""{"intent_seq":{{rotation[0].Seq}},"key_id":"{{rotated.KeyId}}","key_version":{{rotated.Version}}}"""));
    }

    [Test]
    public async Task Only_a_key_admin_rotates_the_signing_key_and_an_unknown_public_key_version_is_refused()
    {
        var before = await Vault.Audit.GetPublicKeysAsync(Auditor, null);

        var refusal = Refusal(() => Vault.Keys.RotateAuditSigningKeyAsync(Auditor));
        var unknown = Refusal(() => Vault.Audit.GetPublicKeysAsync(Auditor, before[^1].Version + 1));

        Assert.That((refusal.Kind, refusal.Reason), Is.EqualTo((VaultErrorKind.PermissionDenied, "permission_denied")));
        Assert.That((unknown.Kind, unknown.Reason), Is.EqualTo((VaultErrorKind.InvalidArgument, "unknown_key_version")));
        Assert.That(await Vault.Audit.GetPublicKeysAsync(Auditor, null), Is.EqualTo(before), "no version was made");
        var system = await ChainAsync(AuditTrail.SystemTenant);
        Assert.That(system.Select(r => (r.Actor, r.Action, r.Outcome)), Does.Contain((Auditor.Subject, KeyAdministration.RotateAuditSigningKeyAction, "refused:permission_denied")));
    }

    [Test]
    public async Task A_checkpoint_naming_a_signing_key_version_the_vault_does_not_know_is_reported()
    {
        var tenantId = await NewTenantAsync();
        await TokenizeAsync(tenantId, "EMAIL", Canary.Email());
        var genuine = await Vault.Audit.CheckpointAsync(Auditor, tenantId);
        await Backend.ExecuteAsync("UPDATE audit_checkpoints SET key_version = 9999 WHERE tenant_id = @TenantId AND seq = @Seq", new { TenantId = tenantId, genuine.Seq });

        var verification = await Vault.Audit.VerifyAsync(Auditor, tenantId);

        Assert.That(verification.UnknownKeyCheckpoints, Is.EqualTo(new[] { genuine.Seq }));
        Assert.That((verification.IsIntact, verification.CheckpointsVerified, verification.InvalidCheckpoints.Count), Is.EqualTo((true, 0, 0)));
        var record = (await ChainAsync(tenantId))[^1];
        Assert.That((record.Outcome, record.DetailJson), Is.EqualTo(("broken", """{"intact":true,"records":""" + verification.Verified + ""","unknown_key_checkpoints":1}""")));
    }

    [Test]
    public async Task The_schedule_writes_one_checkpoint_per_moved_chain_per_tick_none_for_a_quiet_one_and_logs_each_without_values()
    {
        using var logs = new LogCapture();
        using var loggers = LoggerFactory.Create(builder => builder.AddProvider(logs).SetMinimumLevel(LogLevel.Trace));
        var replica = await Backend.OpenReplicaAsync(loggers: loggers);
        string[] tenants = [await NewTenantAsync(), await NewTenantAsync(), await NewTenantAsync()];
        var (moving, quiet, other) = (tenants[0], tenants[1], tenants[2]);
        foreach (var tenant in tenants)
        {
            await TokenizeAsync(tenant, "PAN", Canary.Pan());
        }

        var heads = await HeadsAsync(tenants);
        var first = Of(await replica.Runtime.RunScheduledCheckpointsOnceAsync(), tenants);
        await TokenizeAsync(moving, "PAN", Canary.Pan());
        await Vault.Keys.ListAsync(Admin, other);
        var movedHeads = await HeadsAsync([moving, other]);
        var second = Of(await replica.Runtime.RunScheduledCheckpointsOnceAsync(), tenants);
        var third = Of(await replica.Runtime.RunScheduledCheckpointsOnceAsync(), tenants);

        Assert.That(first.Select(c => (c.TenantId, c.Seq)), Is.EquivalentTo(tenants.Select((t, i) => (t, heads[i]))), "first tick: every chain once, at its head");
        Assert.That(second.Select(c => (c.TenantId, c.Seq)), Is.EquivalentTo(new[] { (moving, movedHeads[0]), (other, movedHeads[1]) }), "second tick: only the chains that moved");
        Assert.That(third, Is.Empty, "a checkpoint's own record does not count as a move");
        Assert.That((await Vault.Store.GetAuditCheckpointsAsync(quiet)).Count, Is.EqualTo(1));
        var verification = await Vault.Audit.VerifyAsync(Auditor, moving);
        Assert.That((verification.IsIntact, verification.CheckpointsVerified), Is.EqualTo((true, 2)));
        var record = (await ChainAsync(quiet)).Single(r => r.Action == "audit.checkpoint");
        Assert.That((record.Actor, record.Outcome, record.DetailJson.Contains("\"scheduled\":true", StringComparison.Ordinal)), Is.EqualTo((Caller.System.Subject, "ok", true)));

        var lines = logs.Records.Where(r => r.Contains("Audit checkpoint tenant", StringComparison.Ordinal)).ToList();
        foreach (var checkpoint in first.Concat(second))
        {
            var copies = lines.Count(l => l.Contains($"TenantId={checkpoint.TenantId};Seq={checkpoint.Seq};", StringComparison.Ordinal)
                && l.Contains(Convert.ToBase64String(checkpoint.Signature), StringComparison.Ordinal)
                && l.Contains(Convert.ToHexStringLower(checkpoint.HeadHash), StringComparison.Ordinal)
                && l.Contains($"KeyVersion={checkpoint.KeyVersion};KeyId={checkpoint.KeyId}", StringComparison.Ordinal));
            Assert.That(copies, Is.EqualTo(1), $"one log copy of the checkpoint of {checkpoint.TenantId} at seq {checkpoint.Seq}");
        }

        Assert.That(Canary.FoundIn(string.Join('\n', logs.Records)), Is.Empty, "no value in any log line");
    }

    [Test]
    public async Task Two_replicas_ticking_at_once_store_each_checkpoint_once_and_record_only_what_they_stored()
    {
        var replicas = new[] { await Backend.OpenReplicaAsync(), await Backend.OpenReplicaAsync() };
        var tenantId = await NewTenantAsync();
        for (var round = 0; round < 3; round++)
        {
            await TokenizeAsync(tenantId, "SSN", Canary.Ssn());
            var ticks = await Task.WhenAll(replicas.Select(r => r.Runtime.RunScheduledCheckpointsOnceAsync()));
            Assert.That(ticks.Sum(t => t.Count(c => c.TenantId == tenantId)), Is.InRange(1, 2), $"round {round}");
        }

        var stored = await Vault.Store.GetAuditCheckpointsAsync(tenantId);
        var recorded = (await ChainAsync(tenantId)).Where(r => r.Action == "audit.checkpoint").ToList();
        var verification = await Vault.Audit.VerifyAsync(Auditor, tenantId);
        Assert.That(stored.Select(c => c.Seq), Is.Unique);
        Assert.That(recorded, Has.Count.EqualTo(stored.Count), "a replica that lost the race records nothing");
        Assert.That((verification.IsIntact, verification.CheckpointsVerified, verification.InvalidCheckpoints.Count), Is.EqualTo((true, stored.Count, 0)));
    }

    [Test]
    public async Task A_destroyed_tenants_checkpoints_stay_and_the_schedule_signs_its_chain_when_it_moves()
    {
        var tenantId = await NewTenantAsync();
        var token = await TokenizeOneAsync(tenantId, "MRN", Canary.Mrn());
        var before = await Vault.Audit.CheckpointAsync(Auditor, tenantId);
        await Vault.Keys.ApproveDestroyAsync(Admin, tenantId, "erase-1");
        await Vault.Keys.ApproveDestroyAsync(OtherAdmin, tenantId, "erase-1");
        await Vault.Keys.DestroyAsync(Admin, tenantId, "erase-1");
        Refusal(() => Vault.Pseudonyms.DetokenizeAsync(Detokenizer, tenantId, [token]));
        var head = await Vault.Store.GetAuditHeadAsync(tenantId);

        var tick = await Vault.Runtime.RunScheduledCheckpointsOnceAsync();

        Assert.That(tick.Where(c => c.TenantId == tenantId).Select(c => c.Seq), Is.EqualTo(new[] { head.Seq }), "the destruction and the refusal after it moved the chain");
        var verification = await Vault.Audit.VerifyAsync(Auditor, tenantId);
        Assert.That((verification.IsIntact, verification.CheckpointsVerified), Is.EqualTo((true, 2)));
        Assert.That((await Vault.Store.GetAuditCheckpointsAsync(tenantId))[0].Signature, Is.EqualTo(before.Signature), "the checkpoint from before the destruction stays");
    }

    private async Task<long[]> HeadsAsync(IEnumerable<string> tenants)
    {
        var heads = new List<long>();
        foreach (var tenant in tenants)
        {
            heads.Add((await Vault.Store.GetAuditHeadAsync(tenant)).Seq);
        }

        return [.. heads];
    }

    /// <summary>The tick's checkpoints of <paramref name="tenants"/> (other tests' chains share the database).</summary>
    private static List<SignedAuditCheckpoint> Of(IEnumerable<SignedAuditCheckpoint> tick, string[] tenants) =>
        tick.Where(c => tenants.Contains(c.TenantId)).ToList();
}

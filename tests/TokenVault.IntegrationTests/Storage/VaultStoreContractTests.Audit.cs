using NUnit.Framework;
using PrivateInference.TokenVault.Audit;
using PrivateInference.TokenVault.Storage;
using static PrivateInference.TokenVault.IntegrationTests.Storage.VaultTestData;

namespace PrivateInference.TokenVault.IntegrationTests.Storage;

public abstract partial class VaultStoreContractTests
{
    private static AuditEntry Entry(string tenantId, int n, string outcome = "ok") =>
        new(tenantId, Now.AddSeconds(n), "svc:vault", "tokenize", outcome, $$"""{"count":{{n}},"types":["PAN","EMAIL"]}""");

    [Test]
    public async Task Appended_entries_chain_per_tenant_across_calls_and_read_back_exactly()
    {
        string a = TenantId();
        string b = TenantId();

        IReadOnlyList<AuditRecord> first = await Store.AppendAuditAsync([Entry(a, 1), Entry(b, 1), Entry(a, 2)]);
        IReadOnlyList<AuditRecord> second = await OpenStore().AppendAuditAsync([Entry(a, 3), Entry(b, 2)]);

        Assert.That(first.Concat(second).Select(r => (r.TenantId, r.Seq)), Is.EqualTo(new[] { (a, 1L), (b, 1L), (a, 2L), (a, 3L), (b, 2L) }));
        Assert.That(first[0].PrevHash, Is.EqualTo(new byte[32]));
        Assert.That(first[2].PrevHash, Is.EqualTo(first[0].Hash));
        Assert.That(second[0].PrevHash, Is.EqualTo(first[2].Hash));
        Assert.That(first[0].At, Is.EqualTo(Now.AddSeconds(1).AddTicks(-7)), "at is stored to the microsecond");

        List<AuditRecord> chainA = await Store.ReadAuditAsync(a).ToListAsync();
        Assert.That(chainA.Select(Describe), Is.EqualTo(new[] { first[0], first[2], second[0] }.Select(Describe)));
        Assert.That(AuditVerifier.Verify(chainA), Is.EqualTo(new AuditVerification(3, null, null)));
        Assert.That(await AuditVerifier.VerifyAsync(Store.ReadAuditAsync(b)), Is.EqualTo(new AuditVerification(2, null, null)));
        Assert.That((await Store.ReadAuditAsync(a, fromSeq: 2).ToListAsync()).Select(r => r.Seq), Is.EqualTo(new[] { 2L, 3L }));
    }

    [Test]
    public async Task The_detail_is_stored_exactly_as_given()
    {
        string tenantId = TenantId();

        // Key order and spacing a JSON type would normalize away; the hash covers these exact characters.
        const string Detail = """{"z":1, "a":{"y":[3,2,1],"b":"é"}}""";
        await Store.AppendAuditAsync([new AuditEntry(tenantId, Now, "svc:vault", "rehydrate", "denied", Detail)]);

        AuditRecord stored = await Store.ReadAuditAsync(tenantId).SingleAsync();
        Assert.That(stored.DetailJson, Is.EqualTo(Detail));
        Assert.That(AuditVerifier.Verify([stored]).IsIntact, Is.True);
    }

    [Test]
    public async Task A_long_chain_reads_back_across_pages()
    {
        string tenantId = TenantId();
        AuditEntry[] entries = Enumerable.Range(1, 2_345).Select(n => Entry(tenantId, n)).ToArray();
        await Store.AppendAuditAsync(entries);

        Assert.That(await AuditVerifier.VerifyAsync(Store.ReadAuditAsync(tenantId)), Is.EqualTo(new AuditVerification(2_345, null, null)));
        Assert.That(await Store.ReadAuditAsync(tenantId, fromSeq: 1_000).CountAsync(), Is.EqualTo(1_346));
    }

    [Test]
    public async Task Concurrent_appenders_on_several_replicas_never_fork_a_chain()
    {
        const int TasksPerReplica = 16;
        const int Batches = 5;
        string a = TenantId();
        string b = TenantId();
        IVaultStore[] replicas = [OpenStore(), OpenStore()];

        await Task.WhenAll(replicas.SelectMany(replica => Enumerable.Range(0, TasksPerReplica).Select(_ => Task.Run(async () =>
        {
            for (var batch = 0; batch < Batches; batch++)
            {
                await replica.AppendAuditAsync([Entry(a, batch), Entry(b, batch), Entry(a, batch)]);
            }
        }))));

        const int Appenders = 2 * TasksPerReplica;
        Assert.That(await AuditVerifier.VerifyAsync(Store.ReadAuditAsync(a)), Is.EqualTo(new AuditVerification(Appenders * Batches * 2, null, null)));
        Assert.That(await AuditVerifier.VerifyAsync(Store.ReadAuditAsync(b)), Is.EqualTo(new AuditVerification(Appenders * Batches, null, null)));
    }

    [Test]
    public async Task A_replica_whose_idea_of_a_head_is_stale_still_chains_onto_the_newest_record()
    {
        string moved = TenantId();
        string kept = TenantId();
        IVaultStore first = OpenStore();
        IVaultStore second = OpenStore();
        await first.AppendAuditAsync([Entry(moved, 1), Entry(kept, 1)]);
        await second.AppendAuditAsync([Entry(moved, 2)]);

        // The first replica last saw moved's head at seq 1; kept's head is where it left it.
        IReadOnlyList<AuditRecord> mixed = await first.AppendAuditAsync([Entry(kept, 3), Entry(moved, 3), Entry(kept, 4)]);
        IReadOnlyList<AuditRecord> next = await first.AppendAuditAsync([Entry(moved, 4), Entry(kept, 5)]);

        Assert.That(mixed.Select(r => (r.TenantId, r.Seq)), Is.EqualTo(new[] { (kept, 2L), (moved, 3L), (kept, 3L) }), "in input order");
        Assert.That(mixed.Select(r => r.At), Is.EqualTo(new[] { 3, 3, 4 }.Select(n => Now.AddSeconds(n).AddTicks(-7))));
        Assert.That(next.Select(r => (r.TenantId, r.Seq)), Is.EqualTo(new[] { (moved, 4L), (kept, 4L) }));
        Assert.That(await AuditVerifier.VerifyAsync(Store.ReadAuditAsync(moved)), Is.EqualTo(new AuditVerification(4, null, null)));
        Assert.That(await AuditVerifier.VerifyAsync(Store.ReadAuditAsync(kept)), Is.EqualTo(new AuditVerification(4, null, null)));
        AuditCheckpoint? head = await Store.GetAuditHeadAsync(moved);
        Assert.That((head?.Seq, head?.Hash), Is.EqualTo((4L, next[0].Hash)), "the head row moved with the records");
    }

    [Test]
    public async Task The_database_refuses_to_update_or_delete_audit_records()
    {
        string tenantId = TenantId();
        await Store.AppendAuditAsync([Entry(tenantId, 1)]);

        Assert.That(() => ExecuteRawAsync("UPDATE audit_events SET outcome = 'denied' WHERE tenant_id = @TenantId", new { TenantId = tenantId }), Throws.Exception);
        Assert.That(() => ExecuteRawAsync("DELETE FROM audit_events WHERE tenant_id = @TenantId", new { TenantId = tenantId }), Throws.Exception);
        Assert.That(await AuditVerifier.VerifyAsync(Store.ReadAuditAsync(tenantId)), Is.EqualTo(new AuditVerification(1, null, null)));
    }

    [Test]
    public async Task Records_edited_or_deleted_behind_the_stores_back_are_caught_at_their_seq()
    {
        string edited = TenantId();
        string deleted = TenantId();
        await Store.AppendAuditAsync([.. Enumerable.Range(1, 6).Select(n => Entry(edited, n)), .. Enumerable.Range(1, 6).Select(n => Entry(deleted, n))]);

        await WithoutAppendOnlyGuardAsync(async () =>
        {
            await ExecuteRawAsync("UPDATE audit_events SET outcome = 'ok-ish' WHERE tenant_id = @TenantId AND seq = 3", new { TenantId = edited });
            await ExecuteRawAsync("DELETE FROM audit_events WHERE tenant_id = @TenantId AND seq = 5", new { TenantId = deleted });
        });

        Assert.That(await AuditVerifier.VerifyAsync(Store.ReadAuditAsync(edited)), Is.EqualTo(new AuditVerification(2, 3, AuditBreak.HashMismatch)));
        Assert.That(await AuditVerifier.VerifyAsync(Store.ReadAuditAsync(deleted)), Is.EqualTo(new AuditVerification(4, 5, AuditBreak.SeqGap)));
    }

    [Test]
    public async Task Every_tenant_with_records_is_listed_including_the_system_chain()
    {
        string tenantId = TenantId();
        await Store.AppendAuditAsync([Entry(tenantId, 1), Entry("_system", 1, outcome: "refused")]);

        IReadOnlyList<string> tenants = await OpenStore().ListAuditTenantsAsync();

        Assert.That(tenants, Does.Contain(tenantId).And.Contain("_system"));
        Assert.That(tenants, Is.Ordered.Using<string>(string.CompareOrdinal).And.Unique);
    }

    [Test]
    public void Entries_are_checked_before_anything_is_written()
    {
        Assert.That(() => Store.AppendAuditAsync([new AuditEntry("Bad Tenant", Now, "a", "b", "c", "{}")]), Throws.ArgumentException);
        Assert.That(() => Store.AppendAuditAsync([new AuditEntry(TenantId(), Now, "a", "b", "", "{}")]), Throws.ArgumentException);
    }
}

using NUnit.Framework;
using PrivateInference.TokenVault.Audit;
using PrivateInference.TokenVault.Keys;
using PrivateInference.TokenVault.Lifecycle;
using PrivateInference.TokenVault.Storage;
using PrivateInference.TokenVault.Tests.Keys;

namespace PrivateInference.TokenVault.IntegrationTests.Service;

/// <summary>Key changes fail closed on the audit trail (intent before, outcome after) and resume what a failed attempt
/// left in the provider; on both backends, so against both KEK providers.</summary>
public abstract partial class VaultServiceTests
{
    /// <summary>The state-changing key-admin operations.</summary>
    public enum KeyChange
    {
        CreateTenant,
        ImportIntoNewTenant,
        ImportNextVersion,
        RotateKek,
        RotateDek,
        Disable,
        Enable,
        ApproveDestroy,
        Destroy,
    }

    /// <summary>Where a KEK rotation fails after generating its version.</summary>
    public enum RotationFault
    {
        /// <summary>The database refuses the transaction that moves the data keys and the tenant to it.</summary>
        StoreUpdate,

        /// <summary>The provider fails to wrap a data key under it.</summary>
        ProviderWrap,
    }

    [Test]
    public async Task When_the_intent_cannot_be_written_a_key_change_fails_unavailable_and_changes_nothing_in_the_store_or_the_provider([Values] KeyChange change)
    {
        var (tenantId, call, token) = await ArrangeAsync(change);
        var before = await KeyStateAsync(tenantId);
        VaultException failure;

        await using (await Backend.BreakAuditWritesAsync())
        {
            failure = Refusal(call);
        }

        Assert.That((failure.Kind, failure.Reason), Is.EqualTo((VaultErrorKind.Unavailable, "audit_unavailable")));
        Assert.That(await KeyStateAsync(tenantId), Is.EqualTo(before), "tenant row, data keys, approvals, rows, KEK versions and audit chain as they were");
        if (token is not null)
        {
            Assert.That(await DetokenizeAsync(tenantId, token), Has.Length.EqualTo(1).And.None.Null, "served as before");
        }

        // Once the trail is back the same call goes through: an import key, for one, was not used up.
        await call();
        var chain = await ChainAsync(tenantId);
        Assert.That(chain.TakeLast(2).Select(r => r.Outcome), Is.EqualTo(new[] { AuditOutcome.Started, "ok" }));
        AssertEveryIntentHasItsOutcome(chain);
        Assert.That((await Vault.Audit.VerifyAsync(Auditor, tenantId)).IsIntact, Is.True);
    }

    [Test]
    public async Task When_the_outcome_cannot_be_written_the_change_stands_the_call_fails_unavailable_and_verification_reports_the_outcome_unknown()
    {
        var tenantId = await NewTenantAsync();
        var value = Canary.Pan();
        var token = await TokenizeOneAsync(tenantId, "PAN", value);
        FaultyStore faults = null!;
        await using var replica = await Backend.OpenReplicaAsync(store: s => Faulty(s, out faults));
        faults.FailWhen((method, args) => method == nameof(IVaultStore.AppendAuditAsync)
            && ((IReadOnlyList<AuditEntry>)args[0]!).Any(e => e.Action == "kek.rotate" && e.Outcome == "ok"));

        var failure = Refusal(() => replica.Keys.RotateKekAsync(Admin, tenantId));

        Assert.That((failure.Kind, failure.Reason), Is.EqualTo((VaultErrorKind.Unavailable, "audit_unavailable")));
        Assert.That(faults.Failures, Is.EqualTo(1));
        var intent = (await ChainAsync(tenantId))[^1];
        Assert.That((intent.Action, intent.Outcome, intent.DetailJson), Is.EqualTo(("kek.rotate", AuditOutcome.Started, "{}")), "the attempt is on the record");
        Assert.That((await Vault.Store.GetTenantAsync(tenantId))!.KekVersion, Is.EqualTo(2), "the rotation itself happened");
        Canaries.AssertSameValues(await DetokenizeAsync(tenantId, token), new[] { value });
        var chain = await ChainAsync(tenantId);

        var verification = await Vault.Audit.VerifyAsync(Auditor, tenantId);

        Assert.That(verification.IsIntact, Is.True, "an unknown outcome is no break of the chain");
        Assert.That(verification.OutcomeUnknown, Is.EqualTo(new[] { intent.Seq }));
        var recorded = (await ChainAsync(tenantId))[^1];
        Assert.That((recorded.Action, recorded.DetailJson), Is.EqualTo(("audit.verify", $$"""{"intact":true,"outcome_unknown":1,"records":{{chain.Count}}}""")));
    }

    [TestCase(RotationFault.StoreUpdate, "database_unavailable")]
    [TestCase(RotationFault.ProviderWrap, "provider_unavailable")]
    public async Task A_kek_rotation_that_failed_after_generating_its_version_is_resumed_with_that_version(RotationFault fault, string reason)
    {
        var tenantId = await NewTenantAsync();
        var values = new[] { Canary.Pan(), Canary.Person() };
        var tokens = await Vault.Pseudonyms.TokenizeAsync(Tokenizer, tenantId, [new("PAN", values[0]), new("PERSON", values[1])]);
        var kek = new FaultyKek(Backend.Kek);
        FaultyStore faults = null!;
        await using var replica = await Backend.OpenReplicaAsync(store: s => Faulty(s, out faults), kek: kek);
        if (fault == RotationFault.StoreUpdate)
        {
            faults.FailOnce(nameof(IVaultStore.RewrapDataKeysAsync));
        }
        else
        {
            kek.FailWhen((method, id) => method == nameof(IKekProvider.Wrap) && id?.Version == 2);
        }

        var failure = Refusal(() => replica.Keys.RotateKekAsync(Admin, tenantId));

        Assert.That((failure.Kind, failure.Reason), Is.EqualTo((VaultErrorKind.Unavailable, reason)));
        Assert.That((await Vault.Store.GetTenantAsync(tenantId))!.KekVersion, Is.EqualTo(1), "the tenant stays at v1");
        Assert.That(KekVersions(tenantId), Is.EqualTo(new[] { (1, KekState.Enabled, KekOrigin.Generated), (2, KekState.Enabled, KekOrigin.Generated) }), "the failed attempt left v2");
        kek.FailWhen(null);
        Assert.That(await UnusedKekVersionsAsync(tenantId), Is.EqualTo(new[] { (2, KekState.Enabled, KekOrigin.Generated) }), "the inventory shows it");

        var rotated = await replica.Keys.RotateKekAsync(Admin, tenantId);

        Assert.That(rotated.KekVersion, Is.EqualTo(2));
        Assert.That(rotated.UnusedKekVersions, Is.Empty, "taken up");
        Assert.That(KekVersions(tenantId), Is.EqualTo(new[] { (1, KekState.Enabled, KekOrigin.Generated), (2, KekState.Enabled, KekOrigin.Generated) }), "v2 taken up, no v3 made");
        Assert.That((await WrappedKeysAsync(tenantId)).Select(k => k.KekVersion), Has.All.EqualTo(2));
        await using (var coldReplica = await Backend.OpenReplicaAsync())
        {
            var read = await coldReplica.Pseudonyms.DetokenizeAsync(Detokenizer, tenantId, tokens);
            Canaries.AssertSameValues(read.Select(r => r.Value), values, "a replica that unwraps under v2 reads every row");
        }

        var rotations = (await ChainAsync(tenantId)).Where(r => r.Action == "kek.rotate").ToList();
        Assert.That(rotations.Select(r => r.Outcome), Is.EqualTo(new[] { AuditOutcome.Started, "failed:" + reason, AuditOutcome.Started, "ok" }));
        Assert.That(rotations[3].DetailJson, Is.EqualTo($$"""{"data_keys_rewrapped":2,"intent_seq":{{rotations[2].Seq}},"kek_reused":true,"kek_version":2,"previous_kek_version":1}"""));
        AssertEveryIntentHasItsOutcome(await ChainAsync(tenantId));
    }

    [Test]
    public async Task A_tenant_creation_that_failed_after_generating_its_kek_is_retried_with_that_kek()
    {
        var tenantId = NewTenantId();
        FaultyStore faults = null!;
        await using var replica = await Backend.OpenReplicaAsync(store: s => Faulty(s, out faults));
        faults.FailOnce(nameof(IVaultStore.CreateTenantAsync));

        var failure = Refusal(() => replica.Keys.CreateTenantAsync(Admin, tenantId));

        Assert.That((failure.Kind, failure.Reason), Is.EqualTo((VaultErrorKind.Unavailable, "database_unavailable")));
        Assert.That(await Vault.Store.GetTenantAsync(tenantId), Is.Null);
        Assert.That(KekVersions(tenantId), Is.EqualTo(new[] { (1, KekState.Enabled, KekOrigin.Generated) }));
        var listed = (await Vault.Keys.ListAsync(Admin, tenantId)).Single();
        Assert.That((listed.State, listed.StateName, listed.KekVersion, listed.UnusedKekVersions.Select(v => (v.Id.Version, v.State, v.Origin))),
            Is.EqualTo((TenantState.NotCreated, "not_created", 0, new[] { (1, KekState.Enabled, KekOrigin.Generated) })), "the inventory shows the KEK of the failed creation");
        Assert.That((await Vault.Keys.ListAsync(Admin, null)).Single(t => t.TenantId == tenantId), Is.EqualTo(listed), "and so does the list of all tenants");

        var created = await replica.Keys.CreateTenantAsync(Admin, tenantId);

        Assert.That(created.KekVersion, Is.EqualTo(1));
        Assert.That(KekVersions(tenantId), Has.Length.EqualTo(1));
        var value = Canary.Mrn();
        Canaries.AssertSameValues(await DetokenizeAsync(tenantId, await TokenizeOneAsync(tenantId, "MRN", value)), new[] { value });
        var chain = await ChainAsync(tenantId);
        Assert.That(chain.Select(r => (r.Action, r.Outcome)), Is.EqualTo(new[]
        {
            ("tenant.create", AuditOutcome.Started), ("tenant.create", "failed:database_unavailable"), ("keys.list", "ok"),
            ("tenant.create", AuditOutcome.Started), ("tenant.create", "ok"), ("tokenize", "ok"), ("detokenize", "ok"),
        }));
        Assert.That(chain[4].DetailJson, Does.Contain("\"kek_reused\":true"));
    }

    [Test]
    public async Task Versions_failed_attempts_left_are_taken_up_only_when_generated_later_ones_go_above_and_destroy_takes_them_all()
    {
        var tenantId = await NewTenantAsync();
        var value = Canary.Person();
        var token = await TokenizeOneAsync(tenantId, "PERSON", value);
        var customerKek = Customer.KnownKek();
        FaultyStore faults = null!;
        await using var replica = await Backend.OpenReplicaAsync(store: s => Faulty(s, out faults));

        faults.FailOnce(nameof(IVaultStore.RewrapDataKeysAsync));
        var failedImport = Refusal(async () => await ImportAsync(replica, tenantId, customerKek));
        Assert.That((failedImport.Kind, failedImport.Reason), Is.EqualTo((VaultErrorKind.Unavailable, "database_unavailable")));
        Assert.That(KekVersions(tenantId), Is.EqualTo(new[] { (1, KekState.Enabled, KekOrigin.Generated), (2, KekState.Enabled, KekOrigin.Imported) }), "the failed import left v2");
        Assert.That(await UnusedKekVersionsAsync(tenantId), Is.EqualTo(new[] { (2, KekState.Enabled, KekOrigin.Imported) }), "the inventory shows it");

        // A generated rotation does not take up imported material: it goes above it.
        Assert.That((await replica.Keys.RotateKekAsync(Admin, tenantId)).KekVersion, Is.EqualTo(3));
        Assert.That(KekVersions(tenantId)[2], Is.EqualTo((3, KekState.Enabled, KekOrigin.Generated)));

        // Nor does an import retry (a new import key, the same material): the vault cannot tell what a failed attempt left.
        faults.FailOnce(nameof(IVaultStore.RewrapDataKeysAsync));
        Refusal(async () => await ImportAsync(replica, tenantId, customerKek));
        var imported = await ImportAsync(replica, tenantId, customerKek);
        Assert.That(imported.KekVersion, Is.EqualTo(5), "above the v4 the failed retry left");
        Assert.That(KekVersions(tenantId).Skip(3), Is.EqualTo(new[] { (4, KekState.Enabled, KekOrigin.Imported), (5, KekState.Enabled, KekOrigin.Imported) }));
        await AssertDataKeysOpenWithAsync(tenantId, customerKek, kekVersion: 5);
        Canaries.AssertSameValues(await DetokenizeAsync(tenantId, token), new[] { value });

        await Vault.Keys.ApproveDestroyAsync(Admin, tenantId, "erase-1");
        await Vault.Keys.ApproveDestroyAsync(OtherAdmin, tenantId, "erase-1");
        faults.FailOnce(nameof(IVaultStore.RewrapDataKeysAsync));
        Refusal(() => replica.Keys.RotateKekAsync(Admin, tenantId));
        Assert.That(KekVersions(tenantId).Select(k => k.Version), Is.EqualTo(new[] { 1, 2, 3, 4, 5, 6 }), "a failed rotation left v6 above the tenant's v5");
        Backend.Kek.Disable(new KekId(tenantId, 6));
        Assert.That(await UnusedKekVersionsAsync(tenantId), Is.EqualTo(new[] { (6, KekState.Disabled, KekOrigin.Generated) }), "with its state");
        var destroyed = await Vault.Keys.DestroyAsync(Admin, tenantId, "erase-1");

        Assert.That(destroyed.State, Is.EqualTo(TenantState.Destroyed));
        Assert.That(KekVersions(tenantId).Select(k => (k.Version, k.State)), Is.EqualTo(Enumerable.Range(1, 6).Select(v => (v, KekState.Destroyed))), "leftovers above the tenant's version are destroyed with it");
        var chain = await ChainAsync(tenantId);
        Assert.That(chain[^1].DetailJson, Does.Contain("\"kek_versions_destroyed\":6"));
        AssertEveryIntentHasItsOutcome(chain);
    }

    [Test]
    public async Task A_destruction_the_provider_failed_half_way_is_finished_by_the_next_approved_call()
    {
        var tenantId = await NewTenantAsync();
        var token = await TokenizeOneAsync(tenantId, "PAN", Canary.Pan());
        await Vault.Keys.RotateKekAsync(Admin, tenantId);
        var kek = new FaultyKek(Backend.Kek);
        await using var replica = await Backend.OpenReplicaAsync(kek: kek);
        await replica.Keys.ApproveDestroyAsync(Admin, tenantId, "erase-1");
        await replica.Keys.ApproveDestroyAsync(OtherAdmin, tenantId, "erase-1");
        kek.FailWhen((method, id) => method == nameof(IKekProvider.Destroy) && id?.Version == 2);

        var failure = Refusal(() => replica.Keys.DestroyAsync(Admin, tenantId, "erase-1"));

        Assert.That((failure.Kind, failure.Reason), Is.EqualTo((VaultErrorKind.Unavailable, "provider_unavailable")));
        Assert.That((await Vault.Store.GetTenantAsync(tenantId))!.State, Is.EqualTo(TenantState.Destroyed), "the database half went first");
        Assert.That(Refusal(() => Vault.Pseudonyms.DetokenizeAsync(Detokenizer, tenantId, [token])).Reason, Is.EqualTo("key_destroyed"));
        Assert.That(KekVersions(tenantId).Select(k => (k.Version, k.State)), Is.EqualTo(new[] { (1, KekState.Destroyed), (2, KekState.Enabled) }), "v2 is still in the provider");

        kek.FailWhen(null);
        var unapproved = Refusal(() => replica.Keys.DestroyAsync(Admin, tenantId, "another-request"));
        var destroyed = await replica.Keys.DestroyAsync(OtherAdmin, tenantId, "erase-1");

        Assert.That((unapproved.Kind, unapproved.Reason), Is.EqualTo((VaultErrorKind.FailedPrecondition, "approvals_missing")), "finishing needs the approvals too");
        Assert.That(destroyed.State, Is.EqualTo(TenantState.Destroyed));
        Assert.That(KekVersions(tenantId).Select(k => (k.Version, k.State)), Is.EqualTo(new[] { (1, KekState.Destroyed), (2, KekState.Destroyed) }));
        var destructions = (await ChainAsync(tenantId)).Where(r => r.Action == KeyAdministration.DestroyAction).ToList();
        Assert.That(destructions.Select(r => r.Outcome), Is.EqualTo(new[] { AuditOutcome.Started, "failed:provider_unavailable", AuditOutcome.Started, "failed:approvals_missing", AuditOutcome.Started, "ok" }));
        Assert.That(destructions[^1].DetailJson, Is.EqualTo($$"""{"approvals":2,"intent_seq":{{destructions[^2].Seq}},"kek_versions_destroyed":2,"request_id":"erase-1","resumed":true}"""));
    }

    /// <summary>A fresh tenant (or tenant ID) set up for <paramref name="change"/>, the call that makes it, and a token of
    /// the tenant when it has one.</summary>
    private async Task<(string TenantId, AsyncTestDelegate Call, string? Token)> ArrangeAsync(KeyChange change)
    {
        if (change is KeyChange.CreateTenant or KeyChange.ImportIntoNewTenant)
        {
            var newTenant = NewTenantId();
            if (change == KeyChange.CreateTenant)
            {
                return (newTenant, () => Vault.Keys.CreateTenantAsync(Admin, newTenant), null);
            }

            var (newImportKey, newWrapped) = await ImportKeyForAsync(Vault, newTenant, Customer.KnownKek());
            return (newTenant, () => Vault.Keys.ImportKeyAsync(Admin, newTenant, newImportKey.Id, newImportKey.Wrappings[0], newWrapped), null);
        }

        var tenantId = await NewTenantAsync();
        var token = await TokenizeOneAsync(tenantId, "PAN", Canary.Pan());
        switch (change)
        {
            case KeyChange.ImportNextVersion:
                var (importKey, wrapped) = await ImportKeyForAsync(Vault, tenantId, Customer.KnownKek());
                return (tenantId, () => Vault.Keys.ImportKeyAsync(Admin, tenantId, importKey.Id, importKey.Wrappings[0], wrapped), token);
            case KeyChange.RotateKek:
                return (tenantId, () => Vault.Keys.RotateKekAsync(Admin, tenantId), token);
            case KeyChange.RotateDek:
                return (tenantId, () => Vault.Keys.RotateDekAsync(Admin, tenantId), token);
            case KeyChange.Disable:
                return (tenantId, () => Vault.Keys.DisableAsync(Admin, tenantId), token);
            case KeyChange.Enable:
                await Vault.Keys.DisableAsync(Admin, tenantId);
                return (tenantId, () => Vault.Keys.EnableAsync(Admin, tenantId), null);
            case KeyChange.ApproveDestroy:
                return (tenantId, () => Vault.Keys.ApproveDestroyAsync(Admin, tenantId, "erase-1"), token);
            case KeyChange.Destroy:
                await Vault.Keys.ApproveDestroyAsync(Admin, tenantId, "erase-1");
                await Vault.Keys.ApproveDestroyAsync(OtherAdmin, tenantId, "erase-1");
                return (tenantId, () => Vault.Keys.DestroyAsync(Admin, tenantId, "erase-1"), token);
            default:
                throw new ArgumentOutOfRangeException(nameof(change));
        }
    }

    /// <summary>Everything a key change could touch, read around the service: the tenant row, its data keys (wrapped
    /// bytes included), approvals and token rows in the database; its KEK versions in the provider; its audit chain.</summary>
    private async Task<List<string>> KeyStateAsync(string tenantId)
    {
        var at = new { TenantId = tenantId };
        var state = new List<string>();
        state.AddRange((await Backend.QueryAsync<(string, long)>("SELECT state, kek_version FROM tenants WHERE tenant_id = @TenantId", at)).Select(t => $"tenant {t}"));
        state.AddRange((await Backend.QueryAsync<(string Purpose, long Version, long KekVersion, byte[] Wrapped, bool Retired)>(
            "SELECT purpose, version, kek_version, wrapped_key, retired_at IS NOT NULL FROM data_keys WHERE tenant_id = @TenantId ORDER BY purpose, version", at))
            .Select(k => $"data key {k.Purpose} v{k.Version} kek v{k.KekVersion} retired={k.Retired} {Convert.ToHexString(k.Wrapped)}"));
        state.Add($"approvals {await Backend.ScalarAsync<long>("SELECT count(*) FROM approvals WHERE tenant_id = @TenantId", at)}");
        state.Add($"rows {await Backend.TokenRowsAsync(tenantId)}");
        state.AddRange(KekVersions(tenantId).Select(k => $"kek {k}"));
        state.AddRange((await ChainAsync(tenantId)).Select(r => $"audit {r.Seq} {r.Action} {r.Outcome}"));
        return state;
    }

    /// <summary>The tenant's KEK versions in the provider (its KEK name is its ID), as the provider lists them.</summary>
    /// <summary>The unused KEK versions the key inventory reports for the tenant.</summary>
    private async Task<(int Version, KekState State, KekOrigin Origin)[]> UnusedKekVersionsAsync(string tenantId) =>
        (await Vault.Keys.ListAsync(Admin, tenantId)).Single().UnusedKekVersions.Select(k => (k.Id.Version, k.State, k.Origin)).ToArray();

    private (int Version, KekState State, KekOrigin Origin)[] KekVersions(string tenantId) =>
        Backend.Kek.List(tenantId).Select(k => (k.Id.Version, k.State, k.Origin)).ToArray();

    /// <summary>An import key for the tenant and the customer's key material wrapped under it.</summary>
    private static async Task<(ImportPublicKey Key, byte[] Wrapped)> ImportKeyForAsync(Replica replica, string tenantId, byte[] customerKek)
    {
        var importKey = await replica.Keys.GetImportKeyAsync(Admin, tenantId);
        return (importKey, Customer.WrapForImport(importKey, customerKek, importKey.Wrappings[0]));
    }

    /// <summary>BYOK in one go: a new import key, the material wrapped under it, the import.</summary>
    private static async Task<TenantKeyInventory> ImportAsync(Replica replica, string tenantId, byte[] customerKek)
    {
        var (importKey, wrapped) = await ImportKeyForAsync(replica, tenantId, customerKek);
        return await replica.Keys.ImportKeyAsync(Admin, tenantId, importKey.Id, importKey.Wrappings[0], wrapped);
    }

    private static IVaultStore Faulty(IVaultStore store, out FaultyStore faults)
    {
        (var wrapped, faults) = FaultyStore.Wrap(store);
        return wrapped;
    }
}

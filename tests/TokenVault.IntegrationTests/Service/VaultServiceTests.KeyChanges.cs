using NUnit.Framework;
using PrivateInference.TokenVault.Audit;
using PrivateInference.TokenVault.Keys;
using PrivateInference.TokenVault.Storage;
using PrivateInference.TokenVault.Tests.Keys;

namespace PrivateInference.TokenVault.IntegrationTests.Service;

/// <summary>Key changes fail closed on the audit trail (intent before, outcome after); on both backends, so against both
/// KEK providers.</summary>
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
        Assert.That(await DetokenizeAsync(tenantId, token), Is.EqualTo(new[] { value }));
        var chain = await ChainAsync(tenantId);

        var verification = await Vault.Audit.VerifyAsync(Auditor, tenantId);

        Assert.That(verification.IsIntact, Is.True, "an unknown outcome is no break of the chain");
        Assert.That(verification.OutcomeUnknown, Is.EqualTo(new[] { intent.Seq }));
        var recorded = (await ChainAsync(tenantId))[^1];
        Assert.That((recorded.Action, recorded.DetailJson), Is.EqualTo(("audit.verify", $$"""{"intact":true,"outcome_unknown":1,"records":{{chain.Count}}}""")));
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
    private (int Version, KekState State, KekOrigin Origin)[] KekVersions(string tenantId) =>
        Backend.Kek.List(tenantId).Select(k => (k.Id.Version, k.State, k.Origin)).ToArray();

    /// <summary>An import key for the tenant and the customer's key material wrapped under it.</summary>
    private static async Task<(ImportPublicKey Key, byte[] Wrapped)> ImportKeyForAsync(Replica replica, string tenantId, byte[] customerKek)
    {
        var importKey = await replica.Keys.GetImportKeyAsync(Admin, tenantId);
        return (importKey, Customer.WrapForImport(importKey, customerKek, importKey.Wrappings[0]));
    }

    private static IVaultStore Faulty(IVaultStore store, out FaultyStore faults)
    {
        (var wrapped, faults) = FaultyStore.Wrap(store);
        return wrapped;
    }
}

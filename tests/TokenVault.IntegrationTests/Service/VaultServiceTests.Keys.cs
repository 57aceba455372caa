using System.Diagnostics;
using System.Security.Cryptography;
using NUnit.Framework;
using PrivateInference.TokenVault.Keyring;
using PrivateInference.TokenVault.Keys;
using PrivateInference.TokenVault.Storage;
using PrivateInference.TokenVault.Tests.Keys;

namespace PrivateInference.TokenVault.IntegrationTests.Service;

public abstract partial class VaultServiceTests
{
    /// <summary>The kill switch's promise: every replica refuses the tenant within this long.</summary>
    private static readonly TimeSpan KillSwitchDeadline = TimeSpan.FromSeconds(2);

    [Test]
    public async Task Kek_rotation_rewraps_the_data_keys_keeps_every_token_readable_and_re_encrypts_no_row()
    {
        var tenantId = await NewTenantAsync();
        var values = new[] { Canary.Pan(), Canary.Pan(), Canary.Pan() };
        var tokens = await TokenizeAsync(tenantId, "PAN", values);
        var ciphertexts = await CiphertextsAsync(tenantId);
        var wrapped = await WrappedKeysAsync(tenantId);

        var inventory = await Vault.Keys.RotateKekAsync(Admin, tenantId);

        Assert.That((inventory.KekVersion, inventory.DekVersion, inventory.Rows), Is.EqualTo((2, 1, 3L)));
        Assert.That(await CiphertextsAsync(tenantId), Is.EqualTo(ciphertexts), "no row was re-encrypted");
        var rewrapped = await WrappedKeysAsync(tenantId);
        Assert.That(rewrapped.Select(k => k.KekVersion), Has.All.EqualTo(2));
        Assert.That(rewrapped.Select(k => k.Wrapped), Has.None.EqualTo(wrapped[0].Wrapped).And.None.EqualTo(wrapped[1].Wrapped));
        Canaries.AssertSameValues(await DetokenizeAsync(tenantId, [.. tokens]), values);
        Assert.That(await TokenizeAsync(tenantId, "PAN", values), Is.EqualTo(tokens), "the fingerprint key is the same key");
        var fresh = Canary.Pan();
        var freshToken = await TokenizeOneAsync(tenantId, "PAN", fresh);

        await using var coldReplica = await Backend.OpenReplicaAsync();
        var readCold = await coldReplica.Pseudonyms.DetokenizeAsync(Detokenizer, tenantId, [.. tokens, freshToken]);
        Canaries.AssertSameValues(readCold.Select(r => r.Value), values.Append(fresh), "a replica that unwraps under KEK v2 reads old and new rows");
        var rotation = (await ChainAsync(tenantId)).Where(r => r.Action == "kek.rotate").ToList();
        Assert.That(rotation.Select(r => (r.Outcome, r.DetailJson)), Is.EqualTo(new[]
        {
            ("started", "{}"),
            ("ok", $$"""{"data_keys_rewrapped":2,"intent_seq":{{rotation[0].Seq}},"kek_version":2,"previous_kek_version":1}"""),
        }));
    }

    [Test]
    public async Task Dek_rotation_seals_new_rows_under_v2_and_maintenance_re_encrypts_the_old_ones_without_changing_a_token()
    {
        var tenantId = await NewTenantAsync();
        var oldValues = Enumerable.Range(0, 7).Select(_ => Canary.Person()).ToArray();
        var oldTokens = await TokenizeAsync(tenantId, "PERSON", oldValues);
        var before = await CiphertextsAsync(tenantId);

        var rotated = await Vault.Keys.RotateDekAsync(Admin, tenantId);
        var newValue = Canary.Person();
        var newToken = await TokenizeOneAsync(tenantId, "PERSON", newValue);

        Assert.That((rotated.DekVersion, rotated.RowsBelowCurrentDek), Is.EqualTo((2, 7L)));
        Assert.That(await DekVersionsAsync(tenantId, newToken), Is.EqualTo(new[] { 2 }));
        Assert.That(await DekVersionsAsync(tenantId, [.. oldTokens]), Has.All.EqualTo(1));
        Canaries.AssertSameValues(await DetokenizeAsync(tenantId, [.. oldTokens, newToken]), oldValues.Append(newValue), "old rows open under v1 meanwhile");

        await Vault.Runtime.RunMaintenanceOnceAsync();

        var after = (await Vault.Keys.ListAsync(Admin, tenantId)).Single();
        Assert.That((after.DekVersion, after.Rows, after.RowsBelowCurrentDek), Is.EqualTo((2, 8L, 0L)));
        Assert.That(await DekVersionsAsync(tenantId, [.. oldTokens, newToken]), Has.All.EqualTo(2));
        var reencrypted = await CiphertextsAsync(tenantId);
        Assert.That(before.Keys.Where(id => reencrypted[id].SequenceEqual(before[id])), Is.Empty, "every old row was sealed again");
        Canaries.AssertSameValues(await DetokenizeAsync(tenantId, [.. oldTokens, newToken]), oldValues.Append(newValue));
        Assert.That(await TokenizeAsync(tenantId, "PERSON", oldValues), Is.EqualTo(oldTokens));
        var job = (await ChainAsync(tenantId)).Where(r => r.Action == "dek.reencrypt").Select(r => (r.Actor, r.DetailJson));
        Assert.That(job, Is.EqualTo(new[] { ("system:vault", """{"dek_version":2,"rows":7}""") }));
    }

    [Test]
    public async Task A_tenant_whose_kek_the_provider_refuses_does_not_hold_up_re_encryption_of_the_others()
    {
        // "0-" sorts before every other tenant of the fixture: maintenance meets it first.
        var broken = "0-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
        await Vault.Keys.CreateTenantAsync(Admin, broken);
        var tenantId = await NewTenantAsync();
        var values = new[] { Canary.Person(), Canary.Person() };
        var tokens = await TokenizeAsync(tenantId, "PERSON", values);
        await Vault.Keys.RotateDekAsync(Admin, tenantId);

        // Out of band, at the HSM: the database still says active.
        Backend.Kek.Disable(new KekId(broken, 1));
        try
        {
            var failure = Refusal(() => Vault.Runtime.RunMaintenanceOnceAsync());

            Assert.That((failure.Kind, failure.Reason), Is.EqualTo((VaultErrorKind.FailedPrecondition, "kek_unavailable")), "the pass still reports the tenant it could not do");
            Assert.That((await Vault.Keys.ListAsync(Admin, tenantId)).Single().RowsBelowCurrentDek, Is.Zero, "the other tenant was re-encrypted");
            Canaries.AssertSameValues(await DetokenizeAsync(tenantId, [.. tokens]), values);
        }
        finally
        {
            Backend.Kek.Enable(new KekId(broken, 1));
        }

        await Vault.Runtime.RunMaintenanceOnceAsync();
    }

    [Test]
    public async Task Byok_import_creates_a_new_tenant_whose_data_keys_open_with_the_customers_key()
    {
        var tenantId = NewTenantId();
        var importKey = await Vault.Keys.GetImportKeyAsync(Admin, tenantId);
        var wrapping = importKey.Wrappings[0];
        var customerKek = Customer.KnownKek();

        var inventory = await Vault.Keys.ImportKeyAsync(Admin, tenantId, importKey.Id, wrapping, Customer.WrapForImport(importKey, customerKek, wrapping));

        Assert.That((inventory.TenantId, inventory.State, inventory.KekVersion), Is.EqualTo((tenantId, TenantState.Active, 1)));
        Assert.That(Backend.Kek.Describe(new KekId(tenantId, 1)).Origin, Is.EqualTo(KekOrigin.Imported));
        await AssertDataKeysOpenWithAsync(tenantId, customerKek, kekVersion: 1);
        var value = Canary.Pan();
        var token = await TokenizeOneAsync(tenantId, "PAN", value);
        Canaries.AssertSameValues(await DetokenizeAsync(tenantId, token), new[] { value });
        var records = (await ChainAsync(tenantId)).Select(r => (r.Action, r.Outcome)).Take(3);
        Assert.That(records, Is.EqualTo(new[] { ("kek.import_key", "ok"), ("kek.import", "started"), ("kek.import", "ok") }));
    }

    [Test]
    public async Task Byok_import_into_an_existing_tenant_becomes_the_next_kek_version_and_old_tokens_stay_readable()
    {
        var tenantId = await NewTenantAsync();
        var values = new[] { Canary.Person(), Canary.Mrn() };
        var tokens = await Vault.Pseudonyms.TokenizeAsync(Tokenizer, tenantId, [new("PERSON", values[0]), new("MRN", values[1])]);
        var ciphertexts = await CiphertextsAsync(tenantId);
        var importKey = await Vault.Keys.GetImportKeyAsync(Admin, tenantId);
        var wrapping = importKey.Wrappings[0];
        var customerKek = Customer.KnownKek().Reverse().ToArray();

        var inventory = await Vault.Keys.ImportKeyAsync(Admin, tenantId, importKey.Id, wrapping, Customer.WrapForImport(importKey, customerKek, wrapping));

        Assert.That(inventory.KekVersion, Is.EqualTo(2));
        Assert.That(Backend.Kek.Describe(new KekId(tenantId, 2)).Origin, Is.EqualTo(KekOrigin.Imported));
        await AssertDataKeysOpenWithAsync(tenantId, customerKek, kekVersion: 2);
        Assert.That(await CiphertextsAsync(tenantId), Is.EqualTo(ciphertexts));
        Canaries.AssertSameValues(await DetokenizeAsync(tenantId, [.. tokens]), values);
        await using var coldReplica = await Backend.OpenReplicaAsync();
        Canaries.AssertSameValues((await coldReplica.Pseudonyms.DetokenizeAsync(Detokenizer, tenantId, tokens)).Select(r => r.Value), values);
    }

    [Test]
    public async Task Byok_key_material_wrapped_under_another_key_is_refused_and_creates_no_tenant()
    {
        var tenantId = NewTenantId();
        var importKey = await Vault.Keys.GetImportKeyAsync(Admin, tenantId);
        using var strangersKey = RSA.Create(ImportPublicKey.KeySizeBits);
        var notTheVaults = importKey with { SubjectPublicKeyInfo = strangersKey.ExportSubjectPublicKeyInfo() };
        var wrapping = importKey.Wrappings[0];

        var refusal = Refusal(() => Vault.Keys.ImportKeyAsync(Admin, tenantId, importKey.Id, wrapping, Customer.WrapForImport(notTheVaults, Customer.KnownKek(), wrapping)));

        Assert.That((refusal.Kind, refusal.Reason), Is.EqualTo((VaultErrorKind.InvalidArgument, "integrity_check_failed")));
        Assert.That(await Vault.Store.GetTenantAsync(tenantId), Is.Null);
        var chain = await ChainAsync(tenantId);
        Assert.That(chain.Select(r => (r.Action, r.Outcome)), Is.EqualTo(new[] { ("kek.import_key", "ok"), ("kek.import", "started"), ("kek.import", "failed:integrity_check_failed") }));
        Assert.That(chain[1].DetailJson, Is.EqualTo($$"""{"wrapping":"{{wrapping}}"}"""), "the intent names the wrapping, never the key material");
        AssertEveryIntentHasItsOutcome(chain);
    }

    [Test]
    public async Task Disabling_on_one_replica_stops_tokenize_and_detokenize_on_another_within_two_seconds_and_enabling_restores_both()
    {
        await using var replicaB = await Backend.OpenReplicaAsync();
        await replicaB.Runtime.StartBackgroundAsync(CancellationToken.None);
        await AssertKillSwitchAsync(replicaB);
    }

    [Test]
    public async Task The_kill_switch_reaches_a_replica_through_change_notification_alone()
    {
        // Revalidation would take an hour: only the notification can stop this replica in time.
        await using var replicaB = await Backend.OpenReplicaAsync(new VaultOptions { StateRevalidation = TimeSpan.FromHours(1) });
        await replicaB.Runtime.StartBackgroundAsync(CancellationToken.None);
        await AssertKillSwitchAsync(replicaB);
    }

    [Test]
    public async Task Without_notifications_revalidation_alone_stops_a_replica_within_two_seconds()
    {
        await using var replicaB = await Backend.OpenReplicaAsync();
        await AssertKillSwitchAsync(replicaB);
    }

    [Test]
    public async Task Key_changes_to_a_disabled_tenant_are_refused_without_leaving_a_kek_behind_and_work_once_it_is_enabled()
    {
        var tenantId = await NewTenantAsync();
        var value = Canary.Pan();
        var token = await TokenizeOneAsync(tenantId, "PAN", value);
        await Vault.Keys.DisableAsync(Admin, tenantId);

        var rotate = Refusal(() => Vault.Keys.RotateKekAsync(Admin, tenantId));
        var rotateDek = Refusal(() => Vault.Keys.RotateDekAsync(Admin, tenantId));

        Assert.That(new[] { rotate, rotateDek }.Select(r => r.Kind), Has.All.EqualTo(VaultErrorKind.FailedPrecondition));
        Assert.That(Backend.Kek.List(tenantId).Select(k => k.Id.Version), Is.EqualTo(new[] { 1 }), "no half-made KEK version");
        await Vault.Keys.EnableAsync(Admin, tenantId);
        var rotated = await Vault.Keys.RotateKekAsync(Admin, tenantId);
        var dekRotated = await Vault.Keys.RotateDekAsync(Admin, tenantId);
        Assert.That((rotated.KekVersion, dekRotated.DekVersion), Is.EqualTo((2, 2)));
        Canaries.AssertSameValues(await DetokenizeAsync(tenantId, token), new[] { value });
    }

    [Test]
    public async Task Destroying_needs_two_distinct_admins_then_erases_every_token_and_kek_version_irreversibly()
    {
        var tenantId = await NewTenantAsync();
        var values = new[] { Canary.Pan(), Canary.Person() };
        var tokens = await Vault.Pseudonyms.TokenizeAsync(Tokenizer, tenantId, [new("PAN", values[0]), new("PERSON", values[1])]);
        await Vault.Keys.RotateKekAsync(Admin, tenantId);
        var wrapped = await WrappedKeysAsync(tenantId);
        const string Request = "erase-2030-01";

        Assert.That(await Vault.Keys.ApproveDestroyAsync(Admin, tenantId, Request), Is.EqualTo(1));
        var oneApproval = Refusal(() => Vault.Keys.DestroyAsync(Admin, tenantId, Request));
        Assert.That(await Vault.Keys.ApproveDestroyAsync(Admin, tenantId, Request), Is.EqualTo(1), "the same admin twice is one approval");
        var sameAdminTwice = Refusal(() => Vault.Keys.DestroyAsync(OtherAdmin, tenantId, Request));
        Assert.That(await Vault.Keys.ApproveDestroyAsync(OtherAdmin, tenantId, "another-request"), Is.EqualTo(1));
        var otherRequest = Refusal(() => Vault.Keys.DestroyAsync(OtherAdmin, tenantId, Request));

        Assert.That(new[] { oneApproval, sameAdminTwice, otherRequest }.Select(r => (r.Kind, r.Reason)), Has.All.EqualTo((VaultErrorKind.FailedPrecondition, "approvals_missing")));
        Canaries.AssertSameValues(await DetokenizeAsync(tenantId, [.. tokens]), values, "nothing destroyed yet");

        Assert.That(await Vault.Keys.ApproveDestroyAsync(OtherAdmin, tenantId, Request), Is.EqualTo(2));
        var destroyed = await Vault.Keys.DestroyAsync(Admin, tenantId, Request);

        Assert.That((destroyed.State, destroyed.Rows, destroyed.DekVersion), Is.EqualTo((TenantState.Destroyed, 0L, 0)));
        var unreadable = Refusal(() => Vault.Pseudonyms.DetokenizeAsync(Detokenizer, tenantId, tokens));
        Assert.That((unreadable.Kind, unreadable.Reason), Is.EqualTo((VaultErrorKind.FailedPrecondition, "key_destroyed")));
        Assert.That(await Backend.TokenRowsAsync(tenantId), Is.Zero);
        Assert.That(await Backend.ScalarAsync<long>("SELECT count(*) FROM data_keys WHERE tenant_id = @TenantId", new { TenantId = tenantId }), Is.Zero);
        Assert.That(Backend.Kek.List(tenantId).Select(k => (k.Id.Version, k.State)), Is.EqualTo(new[] { (1, KekState.Destroyed), (2, KekState.Destroyed) }));
        var gone = Assert.Throws<KeyUnavailableException>(() => Backend.Kek.Unwrap(new KekId(tenantId, 2), wrapped[0].Wrapped, DataKeyAad.For(tenantId, wrapped[0].Purpose, wrapped[0].Version)));
        Assert.That(gone!.Reason, Is.EqualTo(KeyUnavailableReason.Destroyed));

        var enable = Refusal(() => Vault.Keys.EnableAsync(Admin, tenantId));
        Assert.That((enable.Kind, enable.Reason), Is.EqualTo((VaultErrorKind.FailedPrecondition, "key_destroyed")));
        Assert.That(() => Backend.Kek.Create(new KekId(tenantId, 1)), Throws.TypeOf<KeyUnavailableException>().With.Property(nameof(KeyUnavailableException.Reason)).EqualTo(KeyUnavailableReason.Destroyed));

        // A restored database row alone brings nothing back: the data keys and the KEKs are gone.
        await Backend.ExecuteAsync("UPDATE tenants SET state = 'active' WHERE tenant_id = @TenantId", new { TenantId = tenantId });
        await using (var coldReplica = await Backend.OpenReplicaAsync())
        {
            var restored = Assert.ThrowsAsync<VaultException>(() => coldReplica.Pseudonyms.DetokenizeAsync(Detokenizer, tenantId, tokens));
            Assert.That(restored!.Kind, Is.EqualTo(VaultErrorKind.FailedPrecondition));
        }

        await Backend.ExecuteAsync("UPDATE tenants SET state = 'destroyed' WHERE tenant_id = @TenantId", new { TenantId = tenantId });
        var chain = await ChainAsync(tenantId);
        var outcomes = chain.Where(r => r.Action.StartsWith("kek.destroy", StringComparison.Ordinal)).Select(r => (r.Actor, r.Action, r.Outcome));
        Assert.That(outcomes, Is.EqualTo(new[]
        {
            (Admin.Subject, "kek.destroy.approve", "started"),
            (Admin.Subject, "kek.destroy.approve", "ok"),
            (Admin.Subject, "kek.destroy", "started"),
            (Admin.Subject, "kek.destroy", "failed:approvals_missing"),
            (Admin.Subject, "kek.destroy.approve", "started"),
            (Admin.Subject, "kek.destroy.approve", "ok"),
            (OtherAdmin.Subject, "kek.destroy", "started"),
            (OtherAdmin.Subject, "kek.destroy", "failed:approvals_missing"),
            (OtherAdmin.Subject, "kek.destroy.approve", "started"),
            (OtherAdmin.Subject, "kek.destroy.approve", "ok"),
            (OtherAdmin.Subject, "kek.destroy", "started"),
            (OtherAdmin.Subject, "kek.destroy", "failed:approvals_missing"),
            (OtherAdmin.Subject, "kek.destroy.approve", "started"),
            (OtherAdmin.Subject, "kek.destroy.approve", "ok"),
            (Admin.Subject, "kek.destroy", "started"),
            (Admin.Subject, "kek.destroy", "ok"),
        }));
        AssertEveryIntentHasItsOutcome(chain);
    }

    /// <summary>Warms replica B, pulls the kill switch on the fixture's replica and times B; then lifts it.</summary>
    private async Task AssertKillSwitchAsync(Replica replicaB)
    {
        var tenantId = await NewTenantAsync();
        var value = Canary.Pan();
        var token = (await replicaB.Pseudonyms.TokenizeAsync(Tokenizer, tenantId, Items("PAN", value))).Single();
        Canaries.AssertSameValue((await replicaB.Pseudonyms.DetokenizeAsync(Detokenizer, tenantId, [token])).Single().Value, value);

        var disabled = await Vault.Keys.DisableAsync(Admin, tenantId);
        var clock = Stopwatch.StartNew();
        var tokenizeStopped = await FirstFailureAsync(() => replicaB.Pseudonyms.TokenizeAsync(Tokenizer, tenantId, Items("PAN", value)));
        var detokenizeStopped = await FirstFailureAsync(() => replicaB.Pseudonyms.DetokenizeAsync(Detokenizer, tenantId, [token]));
        var elapsed = clock.Elapsed;

        Assert.That(disabled.State, Is.EqualTo(TenantState.Disabled));
        Assert.That(elapsed, Is.LessThan(KillSwitchDeadline), "both refused on replica B within two seconds");
        Assert.That(new[] { tokenizeStopped, detokenizeStopped }.Select(r => (r?.Kind, r?.Reason)), Has.All.EqualTo(((VaultErrorKind?)VaultErrorKind.FailedPrecondition, "key_disabled")));
        Assert.That(Refusal(() => Vault.Pseudonyms.DetokenizeAsync(Detokenizer, tenantId, [token])).Reason, Is.EqualTo("key_disabled"));
        Assert.That(Backend.Kek.Describe(new KekId(tenantId, 1)).State, Is.EqualTo(KekState.Disabled), "the provider refuses the KEK too");

        await Vault.Keys.EnableAsync(Admin, tenantId);
        clock.Restart();
        var tokenOnB = await FirstSuccessAsync(() => replicaB.Pseudonyms.TokenizeAsync(Tokenizer, tenantId, Items("PAN", value)));
        Assert.That(clock.Elapsed, Is.LessThan(KillSwitchDeadline), "replica B serves again within two seconds");
        Assert.That(tokenOnB.Single(), Is.EqualTo(token));
        Canaries.AssertSameValue((await replicaB.Pseudonyms.DetokenizeAsync(Detokenizer, tenantId, [token])).Single().Value, value);
        Canaries.AssertSameValues(await DetokenizeAsync(tenantId, token), new[] { value });
    }

    /// <summary>Calls until the call is refused (at most 5 s); the refusal, or null when it never came.</summary>
    private static async Task<VaultException?> FirstFailureAsync(Func<Task> call)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(5))
        {
            try
            {
                await call();
            }
            catch (VaultException refusal)
            {
                return refusal;
            }

            await Task.Delay(10);
        }

        return null;
    }

    /// <summary>Calls until the call succeeds (at most 5 s).</summary>
    private static async Task<T> FirstSuccessAsync<T>(Func<Task<T>> call)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                return await call();
            }
            catch (VaultException) when (deadline.Elapsed < TimeSpan.FromSeconds(5))
            {
                await Task.Delay(10);
            }
        }
    }

    private async Task<Dictionary<string, byte[]>> CiphertextsAsync(string tenantId) =>
        (await Backend.QueryAsync<(string TokenId, byte[] Ciphertext)>("SELECT token_id, ciphertext FROM tokens WHERE tenant_id = @TenantId", new { TenantId = tenantId }))
        .ToDictionary(r => r.TokenId, r => r.Ciphertext, StringComparer.Ordinal);

    private async Task<List<int>> DekVersionsAsync(string tenantId, params string[] tokens)
    {
        var versions = new List<int>();
        foreach (var token in tokens)
        {
            versions.Add(await Backend.ScalarAsync<int>("SELECT dek_version FROM tokens WHERE tenant_id = @TenantId AND token_id = @TokenId", new { TenantId = tenantId, TokenId = IdOf(token) }));
        }

        return versions;
    }

    private async Task<List<(DataKeyPurpose Purpose, int Version, byte[] Wrapped, int KekVersion)>> WrappedKeysAsync(string tenantId) =>
        (await Backend.QueryAsync<(string Purpose, int Version, byte[] Wrapped, int KekVersion)>(
            "SELECT purpose, version, wrapped_key, kek_version FROM data_keys WHERE tenant_id = @TenantId ORDER BY purpose, version", new { TenantId = tenantId }))
        .Select(k => (Enum.Parse<DataKeyPurpose>(k.Purpose, ignoreCase: true), k.Version, k.Wrapped, k.KekVersion))
        .ToList();

    /// <summary>Opens every data key of the tenant with the customer's own copy of the KEK, outside the vault.</summary>
    private async Task AssertDataKeysOpenWithAsync(string tenantId, byte[] customerKek, int kekVersion)
    {
        var keys = await WrappedKeysAsync(tenantId);
        Assert.That(keys.Select(k => (k.Purpose, k.KekVersion)), Is.EquivalentTo(new[] { (DataKeyPurpose.Fingerprint, kekVersion), (DataKeyPurpose.Value, kekVersion) }));
        foreach (var key in keys)
        {
            Assert.That(Customer.Open(customerKek, key.Wrapped, DataKeyAad.For(tenantId, key.Purpose, key.Version)), Has.Length.EqualTo(32));
        }
    }
}

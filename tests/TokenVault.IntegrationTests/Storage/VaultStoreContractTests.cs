using NUnit.Framework;
using PrivateInference.TokenVault.Storage;
using static PrivateInference.TokenVault.IntegrationTests.Storage.VaultTestData;

namespace PrivateInference.TokenVault.IntegrationTests.Storage;

/// <summary>What every <see cref="IVaultStore"/> must do, run against each backend by a concrete fixture.</summary>
/// <remarks>
/// One database per fixture (a schema, a file); tests keep out of each other's way with fresh tenant IDs, and
/// times far from each other where a call spans tenants (the purge). <see cref="OpenStore"/> gives another
/// store on the same database: another replica for PostgreSQL (its own data source), another instance on the
/// same file for SQLite.
/// </remarks>
public abstract partial class VaultStoreContractTests
{
    /// <summary>The tests' "now": stores get it as their clock; sub-microsecond ticks check the truncation.</summary>
    protected static readonly DateTimeOffset Now = new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero).AddTicks(1_234_567);

    private readonly List<IVaultStore> _stores = [];

    /// <summary>The fixture's first store (migrated).</summary>
    protected IVaultStore Store { get; private set; } = null!;

    /// <summary>How many stores the race tests spread their callers over.</summary>
    protected abstract int Replicas { get; }

    [OneTimeSetUp]
    public async Task Create_and_migrate_the_database()
    {
        await CreateDatabaseAsync();
        Store = CreateStore();
        IReadOnlyList<int> applied = await Store.MigrateAsync();
        Assert.That(applied, Is.Not.Empty);
        Assert.That(await Store.MigrateAsync(), Is.Empty, "a second run applies nothing");
    }

    [OneTimeTearDown]
    public async Task Close_the_stores_and_drop_the_database()
    {
        if (Store is not null)
        {
            await Store.DisposeAsync();
        }

        foreach (IVaultStore store in _stores)
        {
            await store.DisposeAsync();
        }

        await DropDatabaseAsync();
    }

    /// <summary>Another store on the fixture's database (besides <see cref="Store"/>), disposed at the end of the fixture.</summary>
    protected IVaultStore OpenStore()
    {
        IVaultStore store = CreateStore();
        _stores.Add(store);
        return store;
    }

    protected abstract IVaultStore CreateStore();

    protected abstract Task CreateDatabaseAsync();

    protected abstract Task DropDatabaseAsync();

    /// <summary>Runs raw SQL (unqualified table names) directly on the database, outside the store.</summary>
    protected abstract Task<int> ExecuteRawAsync(string sql, object? parameters = null);

    /// <summary>Runs <paramref name="tamper"/> with the append-only guard on audit_events lifted, then restores it.</summary>
    protected abstract Task WithoutAppendOnlyGuardAsync(Func<Task> tamper);

    /// <summary>Each column of a table and what kind of value it holds.</summary>
    protected abstract Task<IReadOnlyDictionary<string, ColumnKind>> ColumnsAsync(string table);

    protected enum ColumnKind
    {
        Bytes,
        Text,
        Number,
        Timestamp,
        Other,
    }

    protected static TenantRecord NewTenant(string? tenantId = null, int kekVersion = 1) =>
        new(tenantId ?? TenantId(), "kek/" + Guid.NewGuid().ToString("N"), kekVersion, TenantState.Active, Now);

    protected static DataKeyRecord NewKey(string tenantId, DataKeyPurpose purpose, int version, int kekVersion = 1, DateTimeOffset? createdAt = null) =>
        new(tenantId, purpose, version, WrappedKey(), kekVersion, createdAt ?? Now, null);

    /// <summary>A new active tenant with value and fingerprint keys, version 1.</summary>
    protected async Task<string> CreateTenantAsync()
    {
        TenantRecord tenant = NewTenant();
        bool created = await Store.CreateTenantAsync(tenant, [NewKey(tenant.TenantId, DataKeyPurpose.Value, 1), NewKey(tenant.TenantId, DataKeyPurpose.Fingerprint, 1)]);
        Assert.That(created, Is.True);
        return tenant.TenantId;
    }

    [Test]
    public void The_backend_names_itself()
    {
        Assert.That(Store.Backend, Is.AnyOf("postgres", "sqlite"));
    }

    [Test]
    public async Task A_created_tenant_reads_back_exactly_and_is_listed()
    {
        TenantRecord tenant = NewTenant(kekVersion: 3);

        Assert.That(await Store.CreateTenantAsync(tenant, []), Is.True);

        TenantRecord? read = await OpenStore().GetTenantAsync(tenant.TenantId);
        Assert.That(read, Is.EqualTo(tenant with { CreatedAt = Now.AddTicks(-7) }), "created_at is truncated to microseconds");
        Assert.That((await Store.ListTenantsAsync()).Select(t => t.TenantId), Does.Contain(tenant.TenantId).And.Ordered.Using<string>(string.CompareOrdinal));
    }

    [Test]
    public async Task Creating_an_existing_tenant_returns_false_and_changes_nothing()
    {
        string tenantId = await CreateTenantAsync();
        TenantRecord again = NewTenant(tenantId, kekVersion: 9);

        Assert.That(await Store.CreateTenantAsync(again, [NewKey(tenantId, DataKeyPurpose.Model, 1)]), Is.False);

        Assert.That((await Store.GetTenantAsync(tenantId))!.KekVersion, Is.EqualTo(1));
        Assert.That((await Store.GetDataKeysAsync(tenantId)).Select(k => k.Purpose), Has.None.EqualTo(DataKeyPurpose.Model));
    }

    [Test]
    public async Task An_unknown_tenant_is_null_and_an_invalid_id_is_refused()
    {
        Assert.That(await Store.GetTenantAsync(TenantId()), Is.Null);
        Assert.That(() => Store.GetTenantAsync("Not A Tenant"), Throws.ArgumentException);
    }

    [Test]
    public async Task Tenant_state_changes_and_a_destroyed_tenant_stays_destroyed()
    {
        string tenantId = await CreateTenantAsync();

        await Store.SetTenantStateAsync(tenantId, TenantState.Disabled);
        Assert.That((await Store.GetTenantAsync(tenantId))!.State, Is.EqualTo(TenantState.Disabled));

        await Store.SetTenantStateAsync(tenantId, TenantState.Destroyed);
        Assert.That(() => Store.SetTenantStateAsync(tenantId, TenantState.Active), Throws.InvalidOperationException);
        Assert.That((await Store.GetTenantAsync(tenantId))!.State, Is.EqualTo(TenantState.Destroyed));
        Assert.That(() => Store.SetTenantStateAsync(TenantId(), TenantState.Disabled), Throws.TypeOf<TenantNotFoundException>());
    }

    [Test]
    public async Task Data_keys_read_back_exactly_in_purpose_and_version_order()
    {
        TenantRecord tenant = NewTenant();
        DataKeyRecord[] keys =
        [
            NewKey(tenant.TenantId, DataKeyPurpose.Value, 1, createdAt: Now.AddTicks(12)),
            NewKey(tenant.TenantId, DataKeyPurpose.Model, 1),
            NewKey(tenant.TenantId, DataKeyPurpose.Fingerprint, 1),
        ];
        await Store.CreateTenantAsync(tenant, keys);

        IReadOnlyList<DataKeyRecord> read = await Store.GetDataKeysAsync(tenant.TenantId);

        Assert.That(read.Select(Describe), Is.EqualTo(new[]
        {
            Describe(keys[2] with { CreatedAt = Now.AddTicks(-7) }),
            Describe(keys[1] with { CreatedAt = Now.AddTicks(-7) }),
            Describe(keys[0] with { CreatedAt = Now.AddTicks(3) }),
        }), "created_at is truncated to microseconds (Now ends in 7 ticks)");
    }

    [Test]
    public async Task A_new_data_key_retires_the_current_key_of_its_purpose_only()
    {
        string tenantId = await CreateTenantAsync();
        DateTimeOffset later = Now.AddDays(30);

        await Store.AddDataKeyAsync(NewKey(tenantId, DataKeyPurpose.Value, 2, createdAt: later));

        var keys = (await Store.GetDataKeysAsync(tenantId)).ToDictionary(k => (k.Purpose, k.Version));
        Assert.That(keys.Keys, Is.EquivalentTo(new[] { (DataKeyPurpose.Fingerprint, 1), (DataKeyPurpose.Value, 1), (DataKeyPurpose.Value, 2) }));
        Assert.That(keys[(DataKeyPurpose.Value, 1)].RetiredAt, Is.EqualTo(later.AddTicks(-7)));
        Assert.That(keys[(DataKeyPurpose.Value, 2)].RetiredAt, Is.Null);
        Assert.That(keys[(DataKeyPurpose.Fingerprint, 1)].RetiredAt, Is.Null);
    }

    [Test]
    public async Task A_data_key_version_not_above_the_newest_is_refused_and_changes_nothing()
    {
        string tenantId = await CreateTenantAsync();
        IReadOnlyList<DataKeyRecord> before = await Store.GetDataKeysAsync(tenantId);

        Assert.That(() => Store.AddDataKeyAsync(NewKey(tenantId, DataKeyPurpose.Value, 1)), Throws.InvalidOperationException);
        Assert.That(() => Store.AddDataKeyAsync(NewKey(TenantId(), DataKeyPurpose.Value, 1)), Throws.TypeOf<TenantNotFoundException>());

        Assert.That((await Store.GetDataKeysAsync(tenantId)).Select(Describe), Is.EqualTo(before.Select(Describe)));
    }

    [Test]
    public async Task Rewrapping_at_the_expected_kek_version_replaces_the_wrapped_keys_and_moves_the_tenant()
    {
        string tenantId = await CreateTenantAsync();
        DataKeyRecord[] rewrapped = (await Store.GetDataKeysAsync(tenantId)).Select(k => k with { WrappedKey = WrappedKey(), KekVersion = 2 }).ToArray();

        Assert.That(await OpenStore().RewrapDataKeysAsync(tenantId, 1, 2, rewrapped), Is.True);

        Assert.That((await Store.GetTenantAsync(tenantId))!.KekVersion, Is.EqualTo(2));
        Assert.That((await Store.GetDataKeysAsync(tenantId)).Select(Describe), Is.EqualTo(rewrapped.Select(Describe)));
    }

    [Test]
    public async Task Rewrapping_at_a_stale_kek_version_returns_false_and_changes_nothing()
    {
        string tenantId = await CreateTenantAsync();
        IReadOnlyList<DataKeyRecord> before = await Store.GetDataKeysAsync(tenantId);
        DataKeyRecord[] rewrapped = before.Select(k => k with { WrappedKey = WrappedKey(), KekVersion = 3 }).ToArray();

        Assert.That(await Store.RewrapDataKeysAsync(tenantId, 2, 3, rewrapped), Is.False);

        Assert.That((await Store.GetTenantAsync(tenantId))!.KekVersion, Is.EqualTo(1));
        Assert.That((await Store.GetDataKeysAsync(tenantId)).Select(Describe), Is.EqualTo(before.Select(Describe)));
    }

    [Test]
    public async Task Rewrapping_a_key_that_does_not_exist_changes_nothing()
    {
        string tenantId = await CreateTenantAsync();
        IReadOnlyList<DataKeyRecord> before = await Store.GetDataKeysAsync(tenantId);
        DataKeyRecord[] rewrapped = [.. before.Select(k => k with { WrappedKey = WrappedKey(), KekVersion = 2 }), NewKey(tenantId, DataKeyPurpose.Model, 7, kekVersion: 2)];

        Assert.That(() => Store.RewrapDataKeysAsync(tenantId, 1, 2, rewrapped), Throws.InvalidOperationException);

        Assert.That((await Store.GetTenantAsync(tenantId))!.KekVersion, Is.EqualTo(1));
        Assert.That((await Store.GetDataKeysAsync(tenantId)).Select(Describe), Is.EqualTo(before.Select(Describe)));
    }

    [Test]
    public async Task Concurrent_rotations_from_the_same_version_let_exactly_one_win()
    {
        string tenantId = await CreateTenantAsync();
        IReadOnlyList<DataKeyRecord> keys = await Store.GetDataKeysAsync(tenantId);
        IVaultStore[] replicas = Enumerable.Range(0, Replicas).Select(_ => OpenStore()).ToArray();

        bool[] results = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => replicas[i % replicas.Length].RewrapDataKeysAsync(
            tenantId, 1, 2, keys.Select(k => k with { WrappedKey = WrappedKey(), KekVersion = 2 }).ToArray())));

        Assert.That(results.Count(won => won), Is.EqualTo(1));
        Assert.That((await Store.GetDataKeysAsync(tenantId)).Select(k => k.KekVersion), Is.All.EqualTo(2));
    }

    [Test]
    public async Task Destroying_tenant_data_removes_keys_and_tokens_but_keeps_its_audit_trail()
    {
        string tenantId = await CreateTenantAsync();
        await Store.InsertOrGetAsync(tenantId, [Token(), Token()], Now);
        await Store.AppendAuditAsync([new AuditEntry(tenantId, Now, "svc:test", "tenant.created", "ok", "{}")]);

        await Store.DestroyTenantDataAsync(tenantId);

        Assert.That((await Store.GetTenantAsync(tenantId))!.State, Is.EqualTo(TenantState.Destroyed));
        Assert.That(await Store.GetDataKeysAsync(tenantId), Is.Empty);
        Assert.That((await Store.CountTokensAsync(tenantId, 1)).Total, Is.Zero);
        Assert.That(await Store.ReadAuditAsync(tenantId).CountAsync(), Is.EqualTo(1));
        Assert.That(() => Store.AddDataKeyAsync(NewKey(tenantId, DataKeyPurpose.Value, 2)), Throws.InvalidOperationException);
        Assert.That(() => Store.DestroyTenantDataAsync(TenantId()), Throws.TypeOf<TenantNotFoundException>());
    }

    [Test]
    public async Task An_approver_approves_a_request_once()
    {
        string tenantId = await CreateTenantAsync();
        string requestId = Guid.NewGuid().ToString("N");
        var first = new ApprovalRecord(tenantId, "destroy_kek", requestId, "admin-1@example.test", Now);
        var second = first with { Approver = "admin-2@example.test", ApprovedAt = Now.AddMinutes(5) };

        Assert.That(await Store.AddApprovalAsync(first), Is.True);
        Assert.That(await OpenStore().AddApprovalAsync(first with { ApprovedAt = Now.AddHours(1) }), Is.False);
        Assert.That(await Store.AddApprovalAsync(second), Is.True);
        Assert.That(await Store.AddApprovalAsync(first with { Action = "rotate_kek" }), Is.True, "another action is another approval");

        IReadOnlyList<ApprovalRecord> approvals = await Store.GetApprovalsAsync(tenantId, "destroy_kek");
        Assert.That(approvals, Is.EqualTo(new[] { first with { ApprovedAt = Now.AddTicks(-7) }, second with { ApprovedAt = second.ApprovedAt.AddTicks(-7) } }));
    }

    [Test]
    public async Task Token_and_data_key_columns_hold_only_bytes_ids_numbers_and_timestamps()
    {
        IReadOnlyDictionary<string, ColumnKind> tokens = await ColumnsAsync("tokens");
        IReadOnlyDictionary<string, ColumnKind> dataKeys = await ColumnsAsync("data_keys");

        // The exact column set: a new column fails here until someone decides it holds no plaintext.
        Assert.That(tokens, Is.EquivalentTo(new Dictionary<string, ColumnKind>
        {
            ["tenant_id"] = ColumnKind.Text,
            ["token_id"] = ColumnKind.Text,
            ["entity_type"] = ColumnKind.Text,
            ["fingerprint"] = ColumnKind.Bytes,
            ["fp_version"] = ColumnKind.Number,
            ["ciphertext"] = ColumnKind.Bytes,
            ["dek_version"] = ColumnKind.Number,
            ["created_at"] = ColumnKind.Timestamp,
            ["expires_at"] = ColumnKind.Timestamp,
            ["subject_ref"] = ColumnKind.Bytes,
            ["spelling_fp"] = ColumnKind.Bytes,
            ["surrogate_fp"] = ColumnKind.Bytes,
            ["surrogate_attempt"] = ColumnKind.Number,
        }));
        Assert.That(dataKeys, Is.EquivalentTo(new Dictionary<string, ColumnKind>
        {
            ["tenant_id"] = ColumnKind.Text,
            ["purpose"] = ColumnKind.Text,
            ["version"] = ColumnKind.Number,
            ["wrapped_key"] = ColumnKind.Bytes,
            ["kek_version"] = ColumnKind.Number,
            ["created_at"] = ColumnKind.Timestamp,
            ["retired_at"] = ColumnKind.Timestamp,
        }));

        foreach (string table in new[] { "tenants", "audit_events", "audit_heads", "approvals" })
        {
            Assert.That((await ColumnsAsync(table)).Keys, Has.None.Matches<string>(
                name => name.Contains("plain", StringComparison.Ordinal) || name is "value" or "raw_value" or "original"), table);
        }
    }
}

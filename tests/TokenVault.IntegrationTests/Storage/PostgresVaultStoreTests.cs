using Dapper;
using Npgsql;
using NUnit.Framework;
using PrivateInference.TokenVault.IntegrationTests.Service;
using PrivateInference.TokenVault.Storage;

namespace PrivateInference.TokenVault.IntegrationTests.Storage;

/// <summary>The contract on PostgreSQL, in a schema of this class's own; each <see cref="VaultStoreContractTests.OpenStore"/>
/// is another replica with its own data source.</summary>
[TestFixture]
public sealed class PostgresVaultStoreTests : VaultStoreContractTests
{
    private string _schema = null!;
    private string _rawConnectionString = null!;

    // 4 replicas × 12 connections stay well inside the test server's 100.
    protected override int Replicas => 4;

    private static string ConnectionString => new NpgsqlConnectionStringBuilder(TestEnvironment.PostgresConnectionString) { MaxPoolSize = 12 }.ToString();

    protected override IVaultStore CreateStore() => new PostgresVaultStore(ConnectionString, _schema, new FixedTime(Now));

    protected override Task CreateDatabaseAsync()
    {
        _schema = TestSchema.NewName("store");
        _rawConnectionString = new NpgsqlConnectionStringBuilder(TestEnvironment.PostgresConnectionString) { SearchPath = _schema }.ToString();
        return Task.CompletedTask;
    }

    protected override async Task DropDatabaseAsync()
    {
        if (_schema is null)
        {
            return;
        }

        await ExecuteRawAsync($"DROP SCHEMA IF EXISTS \"{_schema}\" CASCADE");
    }

    protected override async Task<int> ExecuteRawAsync(string sql, object? parameters = null)
    {
        await using NpgsqlConnection connection = await OpenRawAsync();
        return await connection.ExecuteAsync(sql, parameters);
    }

    /// <summary>A plain connection to the fixture's schema, outside any store.</summary>
    private async Task<NpgsqlConnection> OpenRawAsync()
    {
        var connection = new NpgsqlConnection(_rawConnectionString);
        await connection.OpenAsync();
        return connection;
    }

    protected override Task WithoutAppendOnlyGuardAsync(Func<Task> tamper) =>
        PostgresBackend.WithoutAppendOnlyGuardAsync(sql => ExecuteRawAsync(sql), tamper);

    protected override async Task<IReadOnlyDictionary<string, ColumnKind>> ColumnsAsync(string table)
    {
        await using NpgsqlConnection connection = await OpenRawAsync();
        IEnumerable<(string Column, string Type)> columns = await connection.QueryAsync<(string, string)>(
            "SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = @Schema AND table_name = @Table",
            new { Schema = _schema, Table = table });
        return columns.ToDictionary(c => c.Column, c => c.Type switch
        {
            "bytea" => ColumnKind.Bytes,
            "text" => ColumnKind.Text,
            "integer" or "bigint" => ColumnKind.Number,
            "timestamp with time zone" => ColumnKind.Timestamp,
            _ => ColumnKind.Other,
        });
    }

    [Test]
    public async Task Appending_audit_keeps_the_head_row_equal_to_the_last_record()
    {
        string tenantId = VaultTestData.TenantId();
        IReadOnlyList<AuditRecord> records = await Store.AppendAuditAsync(
            [new AuditEntry(tenantId, Now, "svc:vault", "a", "ok", "{}"), new AuditEntry(tenantId, Now, "svc:vault", "b", "ok", "{}")]);

        await using NpgsqlConnection connection = await OpenRawAsync();
        (long seq, byte[] hash) = await connection.QuerySingleAsync<(long, byte[])>(
            "SELECT seq, hash FROM audit_heads WHERE tenant_id = @TenantId", new { TenantId = tenantId });
        Assert.That(seq, Is.EqualTo(2));
        Assert.That(hash, Is.EqualTo(records[^1].Hash));
    }

    [Test]
    public async Task Stores_on_different_schemas_do_not_hear_each_others_changes()
    {
        string otherSchema = TestSchema.NewName("quiet");
        await using var other = new PostgresVaultStore(ConnectionString, otherSchema);
        try
        {
            await other.MigrateAsync();
            await using Listener listener = await Listener.StartAsync(other);
            string tenantId = await CreateTenantAsync();

            await Store.SetTenantStateAsync(tenantId, TenantState.Disabled);

            Assert.That(await listener.NextAsync(TimeSpan.FromMilliseconds(500)), Is.Null);
        }
        finally
        {
            await ExecuteRawAsync($"DROP SCHEMA IF EXISTS \"{otherSchema}\" CASCADE");
        }
    }

    [Test]
    public async Task A_listener_whose_connection_is_killed_reconnects_says_so_and_hears_changes_again()
    {
        await using Listener listener = await Listener.StartAsync(OpenStore());
        string channel = PostgresVaultStore.ChannelName(_schema);

        await using (NpgsqlConnection connection = await OpenRawAsync())
        {
            IEnumerable<bool> killed = await connection.QueryAsync<bool>(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query = @Listen AND pid <> pg_backend_pid()",
                new { Listen = $"LISTEN \"{channel}\"" });
            Assert.That(killed, Is.EqualTo(new[] { true }), "the one listening backend was terminated");
        }

        Assert.That(await listener.ReconnectedAsync(TimeSpan.FromSeconds(15)), Is.True, "null after the reconnect");
        string tenantId = await CreateTenantAsync();
        await Store.SetTenantStateAsync(tenantId, TenantState.Disabled);
        Assert.That(await listener.NextAsync(NotificationDeadline), Is.EqualTo(tenantId));
    }

    [Test]
    public async Task An_unreachable_server_is_unavailable_with_a_fixed_message_that_carries_no_credentials()
    {
        const string Password = "canary-password-7f3a";
        await using var store = new PostgresVaultStore($"Host=127.0.0.1;Port=1;Username=vault;Password={Password};Timeout=3", "vault");

        var error = Assert.ThrowsAsync<VaultStoreUnavailableException>(() => store.GetTenantAsync("tenant-a"));

        Assert.That(error!.Message, Is.EqualTo("The vault database is unavailable."));
        Assert.That(error.ToString(), Does.Not.Contain(Password));
    }
}

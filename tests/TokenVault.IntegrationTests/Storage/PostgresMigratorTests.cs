using Dapper;
using Npgsql;
using NUnit.Framework;
using PrivateInference.TokenVault.Storage;

namespace PrivateInference.TokenVault.IntegrationTests.Storage;

[TestFixture]
public sealed class PostgresMigratorTests
{
    private static readonly string[] VaultTables = ["approvals", "audit_checkpoints", "audit_events", "audit_heads", "data_keys", "tenants", "tokens"];

    private NpgsqlDataSource _dataSource = null!;
    private string _schema = null!;
    private IReadOnlyList<int> _firstRun = null!;

    [OneTimeSetUp]
    public async Task Migrate_a_fresh_schema()
    {
        _dataSource = NpgsqlDataSource.Create(TestEnvironment.PostgresConnectionString);
        _schema = TestSchema.NewName("migrator");
        _firstRun = await new PostgresMigrator(_dataSource, _schema).MigrateAsync();
    }

    [OneTimeTearDown]
    public async Task Drop_the_schema()
    {
        if (_dataSource is null)
        {
            return;
        }

        if (_schema is not null)
        {
            await using NpgsqlConnection connection = await _dataSource.OpenConnectionAsync();
            await connection.ExecuteAsync($"DROP SCHEMA IF EXISTS \"{_schema}\" CASCADE");
        }

        await _dataSource.DisposeAsync();
    }

    [Test]
    public async Task First_run_applies_every_embedded_migration_in_order_and_records_it()
    {
        var embedded = PostgresMigrator.Embedded.Select(m => m.Version).ToList();
        Assert.That(embedded, Is.Not.Empty.And.Ordered);
        Assert.That(_firstRun, Is.EqualTo(embedded));

        await using NpgsqlConnection connection = await _dataSource.OpenConnectionAsync();
        var recorded = (await connection.QueryAsync<int>(
            $"SELECT version FROM \"{_schema}\".schema_migrations ORDER BY version")).ToList();
        Assert.That(recorded, Is.EqualTo(embedded));
    }

    [Test]
    public async Task Running_the_migrations_again_applies_nothing()
    {
        var migrator = new PostgresMigrator(_dataSource, _schema);

        Assert.That(await migrator.MigrateAsync(), Is.Empty);
        Assert.That(await migrator.MigrateAsync(), Is.Empty);
    }

    [Test]
    public async Task Every_vault_table_exists_with_tenant_id_leading_its_primary_key()
    {
        var keys = await KeysAsync();
        var primaryKeys = keys.Where(k => k.IsPrimary).ToList();

        Assert.That(primaryKeys.Select(k => k.TableName), Is.EquivalentTo(VaultTables));
        Assert.That(primaryKeys.Select(k => k.FirstColumn), Is.All.EqualTo("tenant_id"));
    }

    [Test]
    public async Task Every_unique_key_is_led_by_tenant_id()
    {
        var uniqueKeys = (await KeysAsync()).Where(k => !k.IsPrimary).ToList();

        Assert.That(uniqueKeys.Select(k => k.IndexName), Does.Contain("tokens_fingerprint_uq"));
        Assert.That(uniqueKeys.Select(k => k.FirstColumn), Is.All.EqualTo("tenant_id"));
    }

    [Test]
    public async Task Ciphertext_columns_are_bytea_and_no_column_holds_a_plaintext_value()
    {
        await using NpgsqlConnection connection = await _dataSource.OpenConnectionAsync();
        var columns = (await connection.QueryAsync<(string Table, string Column, string Type)>(
            """
            SELECT table_name, column_name, data_type
            FROM information_schema.columns
            WHERE table_schema = @Schema AND table_name = ANY(@Tables)
            """,
            new { Schema = _schema, Tables = VaultTables })).ToList();

        var types = columns.ToDictionary(c => $"{c.Table}.{c.Column}", c => c.Type);
        Assert.That(types["tokens.ciphertext"], Is.EqualTo("bytea"));
        Assert.That(types["tokens.fingerprint"], Is.EqualTo("bytea"));
        Assert.That(types["data_keys.wrapped_key"], Is.EqualTo("bytea"));
        Assert.That(columns.Select(c => c.Column), Has.None.Matches<string>(
            name => name.Contains("plain", StringComparison.Ordinal) || name is "value" or "raw_value" or "original"));
    }

    [Test]
    public async Task Audit_events_refuse_updates_and_deletes()
    {
        await using NpgsqlConnection connection = await _dataSource.OpenConnectionAsync();
        var hash = new byte[32];
        await connection.ExecuteAsync(
            $"""
            INSERT INTO "{_schema}".audit_events (tenant_id, seq, at, actor, action, outcome, detail, prev_hash, hash)
            VALUES ('tenant-audit', 1, now(), 'test', 'tenant.created', 'ok', @Detail, @Hash, @Hash)
            """,
            new { Hash = hash, Detail = "{}" });

        var update = Assert.ThrowsAsync<PostgresException>(() => connection.ExecuteAsync(
            $"UPDATE \"{_schema}\".audit_events SET action = 'rewritten'"));
        var delete = Assert.ThrowsAsync<PostgresException>(() => connection.ExecuteAsync(
            $"DELETE FROM \"{_schema}\".audit_events"));

        Assert.That(update!.SqlState, Is.EqualTo(PostgresErrorCodes.InsufficientPrivilege));
        Assert.That(delete!.SqlState, Is.EqualTo(PostgresErrorCodes.InsufficientPrivilege));
    }

    [Test]
    public void A_schema_name_that_is_not_a_plain_identifier_is_rejected()
    {
        Assert.That(() => new PostgresMigrator(_dataSource, "x\"; DROP TABLE tenants; --"), Throws.ArgumentException);
    }

    private async Task<List<KeyRow>> KeysAsync()
    {
        await using NpgsqlConnection connection = await _dataSource.OpenConnectionAsync();
        var rows = await connection.QueryAsync<KeyRow>(
            """
            SELECT c.relname AS TableName, ic.relname AS IndexName, i.indisprimary AS IsPrimary, a.attname AS FirstColumn
            FROM pg_index i
            JOIN pg_class c ON c.oid = i.indrelid
            JOIN pg_class ic ON ic.oid = i.indexrelid
            JOIN pg_namespace n ON n.oid = c.relnamespace
            JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = i.indkey[0]
            WHERE n.nspname = @Schema
              AND (i.indisprimary OR i.indisunique)
              AND c.relname <> 'schema_migrations'
            """,
            new { Schema = _schema });
        return rows.ToList();
    }

    private sealed record KeyRow(string TableName, string IndexName, bool IsPrimary, string FirstColumn);
}

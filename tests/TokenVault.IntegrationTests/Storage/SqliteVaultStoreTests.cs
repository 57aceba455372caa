using Dapper;
using Microsoft.Data.Sqlite;
using NUnit.Framework;
using PrivateInference.TokenVault.IntegrationTests.Service;
using PrivateInference.TokenVault.Storage;

namespace PrivateInference.TokenVault.IntegrationTests.Storage;

/// <summary>The contract on a SQLite file in a temporary folder of this class's own; each
/// <see cref="VaultStoreContractTests.OpenStore"/> is another store instance on the same file.</summary>
[TestFixture]
public sealed class SqliteVaultStoreTests : VaultStoreContractTests
{
    private string _folder = null!;

    private string DatabasePath => Path.Combine(_folder, "home", "vault.db");

    protected override int Replicas => 2;

    protected override IVaultStore CreateStore() => new SqliteVaultStore(DatabasePath, new FixedTime(Now));

    protected override Task CreateDatabaseAsync()
    {
        _folder = Directory.CreateTempSubdirectory("pi-vault-test-").FullName;
        return Task.CompletedTask;
    }

    protected override Task DropDatabaseAsync()
    {
        SqliteConnection.ClearAllPools();
        if (_folder is not null)
        {
            Directory.Delete(_folder, recursive: true);
        }

        return Task.CompletedTask;
    }

    protected override async Task<int> ExecuteRawAsync(string sql, object? parameters = null)
    {
        await using var connection = new SqliteConnection($"Data Source={DatabasePath};Pooling=False");
        return await connection.ExecuteAsync(sql, parameters);
    }

    protected override Task WithoutAppendOnlyGuardAsync(Func<Task> tamper) => SqliteBackend.WithoutAppendOnlyGuardAsync(DatabasePath, tamper);

    protected override async Task<IReadOnlyDictionary<string, ColumnKind>> ColumnsAsync(string table)
    {
        await using var connection = new SqliteConnection($"Data Source={DatabasePath};Pooling=False");
        IEnumerable<(string Name, string Type)> columns = await connection.QueryAsync<(string, string)>(
            "SELECT name, type FROM pragma_table_info(@Table)", new { Table = table });

        // SQLite has no timestamp type: the schema stores instants as INTEGER microseconds in *_at columns.
        return columns.ToDictionary(c => c.Name, c => c.Type switch
        {
            "BLOB" => ColumnKind.Bytes,
            "TEXT" => ColumnKind.Text,
            "INTEGER" when c.Name.EndsWith("_at", StringComparison.Ordinal) => ColumnKind.Timestamp,
            "INTEGER" => ColumnKind.Number,
            _ => ColumnKind.Other,
        });
    }

    [Test]
    public async Task The_file_is_in_wal_mode_and_its_folder_is_private()
    {
        await using var connection = new SqliteConnection($"Data Source={DatabasePath};Pooling=False");

        Assert.That(await connection.ExecuteScalarAsync<string>("PRAGMA journal_mode"), Is.EqualTo("wal"));
        if (!OperatingSystem.IsWindows())
        {
            Assert.That(File.GetUnixFileMode(Path.GetDirectoryName(DatabasePath)!), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute));
        }
    }

    [Test]
    public async Task The_sqlite_migrations_are_recorded_and_an_edited_one_stops_the_run()
    {
        await using var connection = new SqliteConnection($"Data Source={DatabasePath};Pooling=False");
        var recorded = (await connection.QueryAsync<long>("SELECT version FROM schema_migrations ORDER BY version")).ToList();
        Assert.That(recorded, Is.EqualTo(SqliteMigrator.Embedded.Select(m => (long)m.Version)));

        string copy = Path.Combine(_folder, "edited.db");
        await using (var source = new SqliteConnection($"Data Source={DatabasePath};Pooling=False"))
        await using (var target = new SqliteConnection($"Data Source={copy};Pooling=False"))
        {
            source.Open();
            target.Open();
            source.BackupDatabase(target);
            await target.ExecuteAsync("UPDATE schema_migrations SET checksum = zeroblob(32) WHERE version = 1");
        }

        await using var edited = new SqliteVaultStore(copy);
        Assert.That(() => edited.MigrateAsync(), Throws.InvalidOperationException.With.Message.Contains("changed after it was applied"));
    }
}

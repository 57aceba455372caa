using System.Data.Common;
using Dapper;
using Microsoft.Data.Sqlite;
using NUnit.Framework;
using PrivateInference.TokenVault.Keys;
using PrivateInference.TokenVault.Storage;

namespace PrivateInference.TokenVault.IntegrationTests.Service;

/// <summary>The embedded default: a SQLite file and the local development key provider, in a temporary folder.</summary>
internal sealed class SqliteBackend : VaultBackend
{
    private readonly string _folder = Directory.CreateTempSubdirectory("pi-vault-service-").FullName;
    private readonly LocalKekProvider _kek;

    public SqliteBackend()
    {
        _kek = new LocalKekProvider(Path.Combine(_folder, "home", "keys"));
    }

    public override string Name => "sqlite";

    public override IKekProvider Kek => _kek;

    public string DatabasePath => Path.Combine(_folder, "home", VaultStoreOptions.DatabaseFileName);

    public override IVaultStore CreateStore(TimeProvider? time = null) => new SqliteVaultStore(DatabasePath, time);

    public override Task WithoutAppendOnlyGuardAsync(Func<Task> tamper) => WithoutAppendOnlyGuardAsync(DatabasePath, tamper);

    /// <summary>Runs <paramref name="tamper"/> with the append-only triggers of the file dropped, then recreates them.</summary>
    public static async Task WithoutAppendOnlyGuardAsync(string databasePath, Func<Task> tamper)
    {
        // Whoever can write the file can drop the triggers; the chain is what catches them.
        await using var connection = new SqliteConnection($"Data Source={databasePath};Pooling=False");
        var triggers = (await connection.QueryAsync<(string Name, string Sql)>(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_events'")).ToList();
        Assert.That(triggers, Has.Count.EqualTo(2));
        foreach (var (name, _) in triggers)
        {
            await connection.ExecuteAsync($"DROP TRIGGER {name}");
        }

        try
        {
            await tamper();
        }
        finally
        {
            foreach (var (_, sql) in triggers)
            {
                await connection.ExecuteAsync(sql);
            }
        }
    }

    /// <summary>The database file and its write-ahead log, byte for byte: what a stolen disk would hold.</summary>
    public override async Task<byte[]> DumpAsync()
    {
        using var all = new MemoryStream();
        var files = Directory.GetFiles(Path.GetDirectoryName(DatabasePath)!, VaultStoreOptions.DatabaseFileName + "*");
        Assert.That(files, Has.Some.EqualTo(DatabasePath));
        foreach (var file in files)
        {
            await using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            await stream.CopyToAsync(all);
        }

        return all.ToArray();
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    protected override async Task<DbConnection> OpenRawAsync()
    {
        var connection = new SqliteConnection($"Data Source={DatabasePath};Pooling=False");
        await connection.OpenAsync();
        return connection;
    }
}

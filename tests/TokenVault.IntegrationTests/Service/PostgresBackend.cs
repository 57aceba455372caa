using System.Data.Common;
using System.Diagnostics;
using Npgsql;
using NUnit.Framework;
using PrivateInference.TokenVault.IntegrationTests.Keys;
using PrivateInference.TokenVault.IntegrationTests.Storage;
using PrivateInference.TokenVault.Keys;
using PrivateInference.TokenVault.Storage;

namespace PrivateInference.TokenVault.IntegrationTests.Service;

/// <summary>PostgreSQL in a schema of the fixture's own, KEKs in the SoftHSM2 token: the production shape.</summary>
/// <remarks>Every replica has its own data source (pool of at most <see cref="PoolSize"/>), as separate processes would.
/// The token accepts imported keys whose length SoftHSM 2.6 does not report, so BYOK can be exercised at all
/// (<see cref="Pkcs11KekProviderOptions.AcceptImportedKeysWithoutReportedLength"/>).</remarks>
internal sealed class PostgresBackend : VaultBackend
{
    public const int PoolSize = 20;

    private readonly Pkcs11KekProvider _kek = SoftHsm.Open(acceptImportedKeysWithoutReportedLength: true);

    public PostgresBackend(string prefix)
    {
        Schema = TestSchema.NewName(prefix);
    }

    public override string Name => "postgres";

    public override IKekProvider Kek => _kek;

    public string Schema { get; }

    /// <summary>The test server's connection string with a smaller pool (the server allows 100 connections).</summary>
    public static string ConnectionString => new NpgsqlConnectionStringBuilder(TestEnvironment.PostgresConnectionString) { MaxPoolSize = PoolSize }.ToString();

    public override IVaultStore CreateStore(TimeProvider? time = null) => new PostgresVaultStore(ConnectionString, Schema, time);

    public override Task WithoutAppendOnlyGuardAsync(Func<Task> tamper) => WithoutAppendOnlyGuardAsync(sql => ExecuteAsync(sql), tamper);

    /// <summary>Runs <paramref name="tamper"/> with the append-only trigger disabled, through <paramref name="execute"/>
    /// (raw SQL on the schema), then enables it again.</summary>
    public static async Task WithoutAppendOnlyGuardAsync(Func<string, Task<int>> execute, Func<Task> tamper)
    {
        // The tests connect as the superuser, as an attacker with database access would.
        await execute("ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only");
        try
        {
            await tamper();
        }
        finally
        {
            await execute("ALTER TABLE audit_events ENABLE TRIGGER audit_events_append_only");
        }
    }

    /// <summary>pg_dump of the schema, plain SQL: every table's rows as text, bytea as hex.</summary>
    public override async Task<byte[]> DumpAsync()
    {
        var settings = new NpgsqlConnectionStringBuilder(TestEnvironment.PostgresConnectionString);
        var start = new ProcessStartInfo(PgDump())
        {
            ArgumentList = { "--host", settings.Host!, "--port", settings.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--username", settings.Username!, "--dbname", settings.Database!, "--schema", Schema, "--no-owner", "--no-privileges" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["PGPASSWORD"] = settings.Password;
        using var process = Process.Start(start)!;
        using var dump = new MemoryStream();
        var errors = process.StandardError.ReadToEndAsync();
        await process.StandardOutput.BaseStream.CopyToAsync(dump);
        await process.WaitForExitAsync();
        Assert.That(process.ExitCode, Is.Zero, $"pg_dump failed: {await errors}");
        Assert.That(dump.Length, Is.GreaterThan(1000), "pg_dump wrote the schema");
        return dump.ToArray();
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await ExecuteAsync($"DROP SCHEMA IF EXISTS \"{Schema}\" CASCADE");
    }

    protected override async Task<DbConnection> OpenRawAsync()
    {
        var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(TestEnvironment.PostgresConnectionString) { SearchPath = Schema, Pooling = false }.ToString());
        await connection.OpenAsync();
        return connection;
    }

    /// <summary>pg_dump of the newest PostgreSQL installed, where scripts/test.sh finds initdb.</summary>
    private static string PgDump()
    {
        var candidates = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql")
                .Select(folder => (Version: int.TryParse(Path.GetFileName(folder), out var v) ? v : 0, Path: Path.Combine(folder, "bin", "pg_dump")))
                .Where(c => File.Exists(c.Path))
                .OrderByDescending(c => c.Version)
                .Select(c => c.Path)
                .ToList()
            : [];
        Assert.That(candidates, Is.Not.Empty, "pg_dump not found under /usr/lib/postgresql/*/bin (apt-get install postgresql)");
        return candidates[0];
    }
}

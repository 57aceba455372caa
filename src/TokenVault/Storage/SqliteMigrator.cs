using Dapper;
using Microsoft.Data.Sqlite;

namespace PrivateInference.TokenVault.Storage;

/// <summary>Applies the embedded <c>Storage/Migrations/Sqlite/NNNN_name.sql</c> files in order, each in its own
/// immediate transaction with its row in <c>schema_migrations</c>; a migration edited after it was applied stops the run.</summary>
internal static class SqliteMigrator
{
    public static IReadOnlyList<Migration> Embedded { get; } = EmbeddedMigrations.Load("SqliteMigrations/");

    /// <summary>Switches the file to WAL (persistent) and applies what is missing; the caller holds the write lock.</summary>
    public static async Task<IReadOnlyList<int>> MigrateAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        // WAL: readers do not block the writer nor it them; the setting is stored in the file.
        await connection.ExecuteAsync(new CommandDefinition("PRAGMA journal_mode = WAL", cancellationToken: cancellationToken)).ConfigureAwait(false);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            CREATE TABLE IF NOT EXISTS schema_migrations (
                version    INTEGER NOT NULL PRIMARY KEY,
                name       TEXT    NOT NULL,
                checksum   BLOB    NOT NULL,
                applied_at INTEGER NOT NULL
            ) STRICT
            """,
            cancellationToken: cancellationToken)).ConfigureAwait(false);

        var applied = new List<int>();
        foreach (Migration migration in Embedded)
        {
            await using SqliteTransaction transaction = connection.BeginTransaction(deferred: false);
            byte[]? recorded = await connection.QuerySingleOrDefaultAsync<byte[]>(new CommandDefinition(
                "SELECT checksum FROM schema_migrations WHERE version = @Version",
                new { migration.Version },
                transaction,
                cancellationToken: cancellationToken)).ConfigureAwait(false);
            if (recorded is not null)
            {
                migration.CheckUnchanged(recorded);
                continue;
            }

            await connection.ExecuteAsync(new CommandDefinition(migration.Sql, transaction: transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
            await connection.ExecuteAsync(new CommandDefinition(
                "INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES (@Version, @Name, @Checksum, @AppliedAt)",
                new { migration.Version, migration.Name, migration.Checksum, AppliedAt = UnixMicroseconds.From(DateTimeOffset.UtcNow) },
                transaction,
                cancellationToken: cancellationToken)).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            applied.Add(migration.Version);
        }

        return applied;
    }
}

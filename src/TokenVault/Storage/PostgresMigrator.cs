using System.Text.RegularExpressions;
using Dapper;
using Npgsql;

namespace PrivateInference.TokenVault.Storage;

/// <summary>Applies the embedded <c>Storage/Migrations/NNNN_name.sql</c> files in order.</summary>
/// <remarks>
/// Each migration runs in its own transaction together with its row in <c>schema_migrations</c>,
/// under a transaction-scoped advisory lock, so replicas starting together apply it once. A
/// migration whose text changed after it was applied stops the run. The target schema is created
/// if missing and selected with <c>SET LOCAL search_path</c>, which lets tests isolate one schema
/// per class.
/// </remarks>
public sealed partial class PostgresMigrator
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly string _quotedSchema;
    private readonly string _lockKey;

    public PostgresMigrator(NpgsqlDataSource dataSource, string schema = "public")
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        ValidateSchema(schema);

        _dataSource = dataSource;
        _quotedSchema = "\"" + schema + "\"";
        _lockKey = "privateinference.migrations." + schema;
    }

    /// <summary>The migrations embedded in this assembly, in version order.</summary>
    public static IReadOnlyList<Migration> Embedded { get; } = EmbeddedMigrations.Load("Migrations/");

    /// <summary>Applies every embedded migration not yet recorded; returns the versions applied by this call.</summary>
    public async Task<IReadOnlyList<int>> MigrateAsync(CancellationToken cancellationToken = default)
    {
        await using NpgsqlConnection connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);

        await InTransactionAsync(connection, static (connection, transaction, token) => connection.ExecuteAsync(new CommandDefinition(
            """
            CREATE TABLE IF NOT EXISTS schema_migrations (
                version    integer     NOT NULL PRIMARY KEY,
                name       text        NOT NULL,
                checksum   bytea       NOT NULL,
                applied_at timestamptz NOT NULL DEFAULT now()
            )
            """,
            transaction: transaction,
            cancellationToken: token)), cancellationToken).ConfigureAwait(false);

        var applied = new List<int>();
        foreach (Migration migration in Embedded)
        {
            bool ran = await InTransactionAsync(connection, async (connection, transaction, token) =>
            {
                byte[]? recorded = await connection.QuerySingleOrDefaultAsync<byte[]>(new CommandDefinition(
                    "SELECT checksum FROM schema_migrations WHERE version = @Version",
                    new { migration.Version },
                    transaction,
                    cancellationToken: token)).ConfigureAwait(false);

                if (recorded is not null)
                {
                    migration.CheckUnchanged(recorded);
                    return false;
                }

                await connection.ExecuteAsync(new CommandDefinition(migration.Sql, transaction: transaction, cancellationToken: token)).ConfigureAwait(false);
                await connection.ExecuteAsync(new CommandDefinition(
                    "INSERT INTO schema_migrations (version, name, checksum) VALUES (@Version, @Name, @Checksum)",
                    new { migration.Version, migration.Name, migration.Checksum },
                    transaction,
                    cancellationToken: token)).ConfigureAwait(false);
                return true;
            }, cancellationToken).ConfigureAwait(false);

            if (ran)
            {
                applied.Add(migration.Version);
            }
        }

        return applied;
    }

    private async Task<T> InTransactionAsync<T>(
        NpgsqlConnection connection,
        Func<NpgsqlConnection, NpgsqlTransaction, CancellationToken, Task<T>> work,
        CancellationToken cancellationToken)
    {
        await using NpgsqlTransaction transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);

        // Lock first, so concurrent runs neither race on CREATE SCHEMA nor apply a version twice.
        await connection.ExecuteAsync(new CommandDefinition(
            "SELECT pg_advisory_xact_lock(hashtext(@LockKey))",
            new { LockKey = _lockKey },
            transaction,
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        await connection.ExecuteAsync(new CommandDefinition(
            $"CREATE SCHEMA IF NOT EXISTS {_quotedSchema}; SET LOCAL search_path TO {_quotedSchema}",
            transaction: transaction,
            cancellationToken: cancellationToken)).ConfigureAwait(false);

        T result = await work(connection, transaction, cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return result;
    }

    /// <summary>Throws unless <paramref name="schema"/> is a plain lower-case identifier, safe to quote into SQL.</summary>
    internal static void ValidateSchema(string schema)
    {
        ArgumentNullException.ThrowIfNull(schema);
        if (!SchemaPattern().IsMatch(schema))
        {
            throw new ArgumentException("A schema name is 1-63 characters of a-z, 0-9 and '_', not starting with a digit.", nameof(schema));
        }
    }

    [GeneratedRegex("^[a-z_][a-z0-9_]{0,62}$", RegexOptions.CultureInvariant)]
    private static partial Regex SchemaPattern();
}

using System.Net.Sockets;
using Npgsql;

namespace PrivateInference.TokenVault.Storage;

/// <summary>Which PostgreSQL failures mean "try again later", and which mean a token ID collision.</summary>
internal static class PostgresFailures
{
    public const string UnavailableMessage = "The vault database is unavailable.";

    /// <summary>Connection, socket and I/O errors, timeouts, a server shutting down, restarting or out of
    /// resources, deadlocks and serialization failures: a retry may succeed.</summary>
    public static bool IsUnavailable(Exception exception) => exception switch
    {
        PostgresException postgres => postgres.IsTransient
            || postgres.SqlState.StartsWith("08", StringComparison.Ordinal)
            || postgres.SqlState is PostgresErrorCodes.AdminShutdown
                or PostgresErrorCodes.CrashShutdown
                or PostgresErrorCodes.CannotConnectNow
                or PostgresErrorCodes.DeadlockDetected
                or PostgresErrorCodes.SerializationFailure,
        NpgsqlException npgsql => npgsql.IsTransient || npgsql.InnerException is IOException or SocketException or TimeoutException,
        SocketException or IOException or TimeoutException => true,
        _ => false,
    };

    /// <summary>A new row's token ID hit the primary key of another row. On Citus the shard's constraint name
    /// carries a suffix, hence the prefix match.</summary>
    public static bool IsTokenIdCollision(Exception exception) =>
        exception is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation, ConstraintName: { } constraint }
        && constraint.StartsWith("tokens_pk", StringComparison.Ordinal);

    /// <summary>A surrogate fingerprint claimed by two rows at once (see <c>PostgresVaultStore.ClaimSurrogatesAsync</c>).
    /// A unique index's violation names the index; on Citus with a suffix.</summary>
    public static bool IsSurrogateCollision(Exception exception) =>
        exception is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation, ConstraintName: { } constraint }
        && constraint.StartsWith("tokens_surrogate_uq", StringComparison.Ordinal);

    /// <summary>PostgreSQL rolled this transaction back to break a deadlock; the same transaction may succeed again.</summary>
    public static bool IsDeadlock(Exception exception) =>
        exception is PostgresException { SqlState: PostgresErrorCodes.DeadlockDetected };

    /// <summary>A token row named a tenant that does not exist.</summary>
    public static bool IsMissingTenant(Exception exception) =>
        exception is PostgresException { SqlState: PostgresErrorCodes.ForeignKeyViolation, ConstraintName: { } constraint }
        && constraint.StartsWith("tokens_tenant_fk", StringComparison.Ordinal);
}

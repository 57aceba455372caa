using Microsoft.Data.Sqlite;

namespace PrivateInference.TokenVault.Storage;

/// <summary>Which SQLite failures mean "try again later", and which mean a token ID collision.</summary>
internal static class SqliteFailures
{
    public const string UnavailableMessage = "The vault database file is unavailable.";

    // Primary result codes (sqlite3.h).
    private const int Busy = 5;
    private const int Locked = 6;
    private const int NoMemory = 7;
    private const int IoError = 10;
    private const int Full = 13;
    private const int CannotOpen = 14;
    private const int Protocol = 15;

    // Extended result codes: a PRIMARY KEY or FOREIGN KEY constraint failed.
    private const int PrimaryKeyConstraint = 1555;
    private const int ForeignKeyConstraint = 787;

    /// <summary>Another process holding the file past the busy timeout, I/O errors, a full disk, a file that
    /// cannot be opened: a retry may succeed.</summary>
    public static bool IsUnavailable(Exception exception) => exception switch
    {
        SqliteException sqlite => sqlite.SqliteErrorCode is Busy or Locked or NoMemory or IoError or Full or CannotOpen or Protocol,
        IOException => true,
        _ => false,
    };

    /// <summary>The only primary key a token insert can hit besides the upsert's own target is (tenant_id, token_id).</summary>
    public static bool IsTokenIdCollision(Exception exception) =>
        exception is SqliteException { SqliteExtendedErrorCode: PrimaryKeyConstraint };

    /// <summary>A token row named a tenant that does not exist (the only foreign key a token insert has).</summary>
    public static bool IsMissingTenant(Exception exception) =>
        exception is SqliteException { SqliteExtendedErrorCode: ForeignKeyConstraint };
}

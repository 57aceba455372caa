namespace PrivateInference.TokenVault.Storage;

/// <summary>Creates the vault store the options name.</summary>
public static class VaultStoreFactory
{
    /// <summary>A <see cref="PostgresVaultStore"/> or a <see cref="SqliteVaultStore"/>: dispose it when done (a DI
    /// container does so for a singleton).</summary>
    public static IVaultStore Create(VaultStoreOptions options, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.PostgresConnectionString is { } connectionString
            ? new PostgresVaultStore(connectionString, options.PostgresSchema, timeProvider)
            : new SqliteVaultStore(options.SqlitePath!, timeProvider);
    }
}

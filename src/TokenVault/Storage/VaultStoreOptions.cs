namespace PrivateInference.TokenVault.Storage;

/// <summary>Where the vault keeps its data: a PostgreSQL database (and schema) or a SQLite file, never both.</summary>
/// <remarks>Not a record: a record's generated <c>ToString()</c> would print the connection string and its password.</remarks>
public sealed class VaultStoreOptions
{
    /// <summary>A PostgreSQL connection string; when set, the vault uses PostgreSQL.</summary>
    public const string PostgresVariable = "PI_VAULT_POSTGRES";

    /// <summary>The PostgreSQL schema (default <c>public</c>).</summary>
    public const string SchemaVariable = "PI_VAULT_POSTGRES_SCHEMA";

    /// <summary>The embedded default's folder (default <c>~/.privateinference</c>), holding <c>vault.db</c>.</summary>
    public const string HomeVariable = "PI_HOME";

    public const string DefaultSchema = "public";
    public const string DatabaseFileName = "vault.db";

    private VaultStoreOptions(string? postgresConnectionString, string postgresSchema, string? sqlitePath)
    {
        PostgresConnectionString = postgresConnectionString;
        PostgresSchema = postgresSchema;
        SqlitePath = sqlitePath;
    }

    /// <summary>Set for PostgreSQL; carries credentials, never log it.</summary>
    public string? PostgresConnectionString { get; }

    public string PostgresSchema { get; }

    /// <summary>Set for SQLite.</summary>
    public string? SqlitePath { get; }

    /// <summary>"postgres" or "sqlite", as <see cref="IVaultStore.Backend"/>.</summary>
    public string Backend => PostgresConnectionString is null ? "sqlite" : "postgres";

    public static VaultStoreOptions Postgres(string connectionString, string schema = DefaultSchema)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        PostgresMigrator.ValidateSchema(schema);
        return new VaultStoreOptions(connectionString, schema, null);
    }

    public static VaultStoreOptions Sqlite(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        return new VaultStoreOptions(null, DefaultSchema, path);
    }

    /// <summary>PostgreSQL when <c>PI_VAULT_POSTGRES</c> is set (schema from <c>PI_VAULT_POSTGRES_SCHEMA</c>),
    /// else <c>$PI_HOME/vault.db</c>, with <c>PI_HOME</c> defaulting to <c>~/.privateinference</c>.</summary>
    public static VaultStoreOptions FromEnvironment() =>
        FromEnvironment(Environment.GetEnvironmentVariable, Environment.GetFolderPath(Environment.SpecialFolder.UserProfile));

    internal static VaultStoreOptions FromEnvironment(Func<string, string?> variable, string userProfile)
    {
        ArgumentNullException.ThrowIfNull(variable);
        if (variable(PostgresVariable) is { } connectionString && !string.IsNullOrWhiteSpace(connectionString))
        {
            string? schema = variable(SchemaVariable);
            return Postgres(connectionString, string.IsNullOrWhiteSpace(schema) ? DefaultSchema : schema);
        }

        return Sqlite(Path.Combine(Home(variable, userProfile), DatabaseFileName));
    }

    /// <summary>The embedded default's folder: <c>PI_HOME</c>, else <c>~/.privateinference</c>. The vault file, the
    /// local development keys and development identities live there.</summary>
    public static string Home() => Home(Environment.GetEnvironmentVariable, Environment.GetFolderPath(Environment.SpecialFolder.UserProfile));

    internal static string Home(Func<string, string?> variable, string userProfile)
    {
        string? home = variable(HomeVariable);
        return string.IsNullOrWhiteSpace(home) ? Path.Combine(userProfile, ".privateinference") : home;
    }

    /// <summary>The backend and where, without credentials.</summary>
    public override string ToString() =>
        PostgresConnectionString is null ? $"sqlite ({SqlitePath})" : $"postgres (schema {PostgresSchema})";
}

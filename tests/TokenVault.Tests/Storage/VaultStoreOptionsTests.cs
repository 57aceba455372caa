using NUnit.Framework;
using PrivateInference.TokenVault.Storage;

namespace PrivateInference.TokenVault.Tests.Storage;

public sealed class VaultStoreOptionsTests
{
    private const string Profile = "/home/someone";

    private static VaultStoreOptions From(params (string Name, string Value)[] variables)
    {
        var map = variables.ToDictionary(v => v.Name, v => v.Value, StringComparer.Ordinal);
        return VaultStoreOptions.FromEnvironment(name => map.GetValueOrDefault(name), Profile);
    }

    [Test]
    public void Without_variables_the_vault_is_the_sqlite_file_in_the_default_home()
    {
        VaultStoreOptions options = From();

        Assert.That(options.Backend, Is.EqualTo("sqlite"));
        Assert.That(options.SqlitePath, Is.EqualTo(Path.Combine(Profile, ".privateinference", "vault.db")));
        Assert.That(options.PostgresConnectionString, Is.Null);
    }

    [Test]
    public void PI_HOME_moves_the_sqlite_file()
    {
        VaultStoreOptions options = From(("PI_HOME", "/srv/pi"), ("PI_VAULT_POSTGRES", "  "));

        Assert.That(options.SqlitePath, Is.EqualTo(Path.Combine("/srv/pi", "vault.db")));
    }

    [Test]
    public void PI_VAULT_POSTGRES_selects_postgres_with_the_public_schema_unless_one_is_named()
    {
        VaultStoreOptions plain = From(("PI_VAULT_POSTGRES", "Host=db;Username=vault;Password=s3cret-fake"), ("PI_HOME", "/srv/pi"));
        VaultStoreOptions named = From(("PI_VAULT_POSTGRES", "Host=db"), ("PI_VAULT_POSTGRES_SCHEMA", "vault"));

        Assert.That(plain.Backend, Is.EqualTo("postgres"));
        Assert.That(plain.PostgresSchema, Is.EqualTo("public"));
        Assert.That(plain.SqlitePath, Is.Null);
        Assert.That(named.PostgresSchema, Is.EqualTo("vault"));
    }

    [Test]
    public void The_description_never_shows_the_connection_string()
    {
        VaultStoreOptions options = VaultStoreOptions.Postgres("Host=db;Username=vault;Password=s3cret-fake", "vault");

        Assert.That(options.ToString(), Is.EqualTo("postgres (schema vault)"));
        Assert.That(options.ToString(), Does.Not.Contain("s3cret"));
    }

    [Test]
    public void A_schema_that_is_not_a_plain_identifier_is_refused()
    {
        Assert.That(() => VaultStoreOptions.Postgres("Host=db", "Vault; DROP"), Throws.ArgumentException);
        Assert.That(() => From(("PI_VAULT_POSTGRES", "Host=db"), ("PI_VAULT_POSTGRES_SCHEMA", "x-y")), Throws.ArgumentException);
    }

    [Test]
    public async Task The_factory_creates_the_store_the_options_name_without_connecting()
    {
        IVaultStore postgres = VaultStoreFactory.Create(VaultStoreOptions.Postgres("Host=127.0.0.1;Port=1;Username=x", "vault"));
        IVaultStore sqlite = VaultStoreFactory.Create(VaultStoreOptions.Sqlite(Path.Combine(Path.GetTempPath(), "never-created", "vault.db")));

        Assert.That(postgres, Is.InstanceOf<PostgresVaultStore>());
        Assert.That(postgres.Backend, Is.EqualTo("postgres"));
        Assert.That(sqlite, Is.InstanceOf<SqliteVaultStore>());
        Assert.That(sqlite.Backend, Is.EqualTo("sqlite"));

        await postgres.DisposeAsync();
        await sqlite.DisposeAsync();
    }
}

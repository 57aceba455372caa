using System.Security.Cryptography;
using Npgsql;
using NUnit.Framework;
using PrivateInference.TokenVault.Authorization;
using PrivateInference.TokenVault.Keys;
using PrivateInference.TokenVault.Storage;
using PrivateInference.TokenVault.Tests.Keys;

namespace PrivateInference.TokenVault.IntegrationTests.Service;

/// <summary>The service behaviour in the production shape: PostgreSQL (a schema of the fixture's own) and KEKs in the
/// SoftHSM2 token over PKCS#11.</summary>
[TestFixture]
public sealed class PostgresVaultServiceTests : VaultServiceTests
{
    private protected override VaultBackend CreateBackend() => new PostgresBackend("svc");

    [Test]
    public async Task When_the_database_refuses_connections_every_operation_is_unavailable_and_none_fails_otherwise()
    {
        var tenantId = await NewTenantAsync();
        var token = await TokenizeOneAsync(tenantId, "PAN", Canary.Pan());
        var role = "it_down_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));
        var password = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var schema = ((PostgresBackend)Backend).Schema;
        var database = new NpgsqlConnectionStringBuilder(TestEnvironment.PostgresConnectionString).Database;
        await Backend.ExecuteAsync($"""
            CREATE ROLE "{role}" LOGIN PASSWORD '{password}';
            GRANT CREATE ON DATABASE "{database}" TO "{role}";
            GRANT ALL ON SCHEMA "{schema}" TO "{role}";
            GRANT ALL ON ALL TABLES IN SCHEMA "{schema}" TO "{role}";
            """);
        var connection = new NpgsqlConnectionStringBuilder(TestEnvironment.PostgresConnectionString) { Username = role, Password = password, MaxPoolSize = 4 }.ToString();
        var store = new PostgresVaultStore(connection, schema);
        try
        {
            await using var vault = await VaultRuntime.OpenAsync(store, Backend.Kek, ownsDependencies: false);
            await vault.Pseudonyms.DetokenizeAsync(Caller.LocalOperator, tenantId, [token]);

            // Like a server at its connection limit: the pool's connections end, new ones are refused (53300).
            await Backend.ExecuteAsync($"""ALTER ROLE "{role}" CONNECTION LIMIT 0; SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = '{role}'""");
            var outcomes = new List<string>();
            Func<Task>[] calls =
            [
                () => vault.Pseudonyms.TokenizeAsync(Caller.LocalOperator, tenantId, Items("PAN", Canary.Pan())),
                () => vault.Pseudonyms.DetokenizeAsync(Caller.LocalOperator, tenantId, [token]),
                () => vault.Pseudonyms.EraseSubjectAsync(Caller.LocalOperator, tenantId, Canary.Subject()),
                () => vault.Keys.CreateTenantAsync(Caller.LocalOperator, NewTenantId()),
                () => vault.Keys.RotateKekAsync(Caller.LocalOperator, tenantId),
                () => vault.Keys.RotateDekAsync(Caller.LocalOperator, tenantId),
                () => vault.Keys.DisableAsync(Caller.LocalOperator, tenantId),
                () => vault.Keys.ApproveDestroyAsync(Caller.LocalOperator, tenantId, "request-1"),
                () => vault.Keys.ListAsync(Caller.LocalOperator, null),
                () => vault.Audit.VerifyAsync(Caller.LocalOperator, tenantId),
                async () => await vault.Audit.ExportAsync(Caller.LocalOperator, tenantId).ToListAsync(),
                () => vault.Audit.ListChainsAsync(Caller.LocalOperator),
                () => vault.RunMaintenanceOnceAsync(),
            ];
            for (var i = 0; i < calls.Length; i++)
            {
                try
                {
                    await calls[i]();
                    outcomes.Add($"{i}: succeeded");
                }
                catch (VaultException e) when (e.Kind == VaultErrorKind.Unavailable)
                {
                    outcomes.Add($"{i}: unavailable");
                }
                catch (Exception e)
                {
                    outcomes.Add($"{i}: {e.GetType().Name} {(e as VaultException)?.Kind}");
                }
            }

            Assert.That(outcomes, Is.EqualTo(Enumerable.Range(0, calls.Length).Select(i => $"{i}: unavailable")));
        }
        finally
        {
            await store.DisposeAsync();
            await Backend.ExecuteAsync($"""SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = '{role}'; DROP OWNED BY "{role}"; DROP ROLE "{role}" """);
        }

        Assert.That(await DetokenizeAsync(tenantId, token), Has.Length.EqualTo(1).And.None.Null, "the fixture's own replica was never affected");
    }

    [Test]
    public async Task SoftHsm2_imports_with_rsa_oaep_sha1_and_refuses_the_other_wrappings_without_using_up_the_import_key()
    {
        var tenantId = NewTenantId();
        var importKey = await Vault.Keys.GetImportKeyAsync(Admin, tenantId);
        Assert.That(importKey.Wrappings, Is.EqualTo(new[] { ImportWrapping.RsaOaepSha1 }), "SoftHSM 2.6 performs RSA-OAEP inside the token with SHA-1 only");
        Assert.That(Vault.Keys.ProviderKind, Is.EqualTo("pkcs11"));

        foreach (var refused in new[] { ImportWrapping.RsaOaepSha256, ImportWrapping.RsaAesKeyWrapSha256, ImportWrapping.RsaAesKeyWrapSha1 })
        {
            var refusal = Refusal(() => Vault.Keys.ImportKeyAsync(Admin, tenantId, importKey.Id, refused, Customer.WrapForImport(importKey, Customer.KnownKek(), refused)));
            Assert.That((refusal.Kind, refusal.Reason), Is.EqualTo((VaultErrorKind.InvalidArgument, "wrapping_not_supported")), refused.ToString());
        }

        await Vault.Keys.ImportKeyAsync(Admin, tenantId, importKey.Id, ImportWrapping.RsaOaepSha1, Customer.WrapForImport(importKey, Customer.KnownKek(), ImportWrapping.RsaOaepSha1));

        var info = Backend.Kek.Describe(new KekId(tenantId, 1));
        Assert.That((info.Origin, info.Sensitive, info.Extractable), Is.EqualTo((KekOrigin.Imported, true, false)));
        var value = Canary.Pan();
        Canaries.AssertSameValues(await DetokenizeAsync(tenantId, await TokenizeOneAsync(tenantId, "PAN", value)), new[] { value });
    }
}

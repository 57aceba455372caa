using NUnit.Framework;
using PrivateInference.TokenVault.Keys;
using PrivateInference.TokenVault.Tests.Keys;

namespace PrivateInference.TokenVault.IntegrationTests.Service;

/// <summary>The service behaviour on the embedded default: a SQLite file and the local development key provider.</summary>
[TestFixture]
public sealed class SqliteVaultServiceTests : VaultServiceTests
{
    private protected override VaultBackend CreateBackend() => new SqliteBackend();

    [TestCase(ImportWrapping.RsaOaepSha256)]
    [TestCase(ImportWrapping.RsaOaepSha1)]
    [TestCase(ImportWrapping.RsaAesKeyWrapSha256)]
    [TestCase(ImportWrapping.RsaAesKeyWrapSha1)]
    public async Task The_local_provider_imports_customer_key_material_with_every_wrapping_it_lists(ImportWrapping wrapping)
    {
        var tenantId = NewTenantId();
        var importKey = await Vault.Keys.GetImportKeyAsync(Admin, tenantId);
        var value = Canary.Person();

        await Vault.Keys.ImportKeyAsync(Admin, tenantId, importKey.Id, wrapping, Customer.WrapForImport(importKey, Customer.KnownKek(), wrapping));

        Assert.That(importKey.Wrappings, Does.Contain(wrapping));
        Assert.That(Vault.Keys.ProviderKind, Is.EqualTo("local-development-only"));
        var token = await TokenizeOneAsync(tenantId, "PERSON", value);
        Canaries.AssertSameValues(await DetokenizeAsync(tenantId, token), new[] { value });
    }
}

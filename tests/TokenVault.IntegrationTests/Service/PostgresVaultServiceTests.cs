using NUnit.Framework;
using PrivateInference.TokenVault.Keys;
using PrivateInference.TokenVault.Tests.Keys;

namespace PrivateInference.TokenVault.IntegrationTests.Service;

/// <summary>The service behaviour in the production shape: PostgreSQL (a schema of the fixture's own) and KEKs in the
/// SoftHSM2 token over PKCS#11.</summary>
[TestFixture]
public sealed class PostgresVaultServiceTests : VaultServiceTests
{
    private protected override VaultBackend CreateBackend() => new PostgresBackend("svc");

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
        Assert.That(await DetokenizeAsync(tenantId, await TokenizeOneAsync(tenantId, "PAN", value)), Is.EqualTo(new[] { value }));
    }
}

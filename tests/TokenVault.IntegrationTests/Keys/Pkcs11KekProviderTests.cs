using NUnit.Framework;
using PrivateInference.TokenVault.Keys;
using PrivateInference.TokenVault.Tests.Keys;

namespace PrivateInference.TokenVault.IntegrationTests.Keys;

/// <summary>The PKCS#11 KEK provider against a real SoftHSM2 token: the provider contract, plus what only an HSM gives.</summary>
/// <remarks>A module can be initialised once per process: this fixture's provider is the only one while it runs.</remarks>
[TestFixture]
public sealed class Pkcs11KekProviderTests : KekProviderContract
{
    private Pkcs11KekProvider _provider = null!;

    protected override IKekProvider Provider => _provider;

    [OneTimeSetUp]
    public void Open_the_token() => _provider = SoftHsm.Open();

    [OneTimeTearDown]
    public void Close_the_token() => _provider?.Dispose();

    [Test]
    public void A_generated_kek_is_an_enabled_sensitive_never_extractable_aes_256_key_generated_on_the_token()
    {
        KekId kek = NewKek();

        Assert.That(_provider.Describe(kek), Is.EqualTo(new KekInfo(kek, KekState.Enabled, KekOrigin.Generated, KeyLengthBytes: 32,
            Sensitive: true, Extractable: false, AlwaysSensitive: true, NeverExtractable: true)));
    }

    [Test]
    public void The_pkcs11_provider_is_not_development_only()
    {
        Assert.That(_provider.IsDevelopmentOnly, Is.False);
        Assert.That(_provider.Kind, Is.EqualTo("pkcs11"));
    }

    protected override string NewName() => SoftHsm.NewName();

    [Test]
    public void A_rotated_audit_signing_key_is_generated_in_the_token_sensitive_never_extractable_sign_only_and_the_older_private_keys_are_gone()
    {
        int older = _provider.GetAuditSigningKeys()[^1].Version;

        int rotated = _provider.RotateAuditSigningKey();

        Assert.That(_provider.DescribeAuditSigningPrivateKeys(rotated), Is.EqualTo(new[] { new AuditSigningKeyFacts(Sensitive: true, Extractable: false, NeverExtractable: true, GeneratedOnToken: true, Sign: true, DecryptUnwrapOrDerive: false) }));
        Assert.That(Enumerable.Range(1, older).SelectMany(_provider.DescribeAuditSigningPrivateKeys), Is.Empty, "every older version's private half destroyed");
        Assert.That(Pkcs11KekProvider.AuditSigningKeyLabel(rotated), Is.EqualTo($"pi-audit-signing-v{rotated}"));
        Assert.That(Pkcs11KekProvider.AuditSigningKeyLabel(1), Is.EqualTo("pi-audit-signing"), "version 1 keeps the label from before versions");
    }
}

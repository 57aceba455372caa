using System.Security.Cryptography;
using NUnit.Framework;
using PrivateInference.TokenVault.Keys;
using PrivateInference.TokenVault.Tests.Keys;

namespace PrivateInference.TokenVault.IntegrationTests.Keys;

/// <summary>Import with the provider's default options: fail closed when the length cannot be checked, and import keys expire.</summary>
[TestFixture]
public sealed class Pkcs11KekImportPolicyTests
{
    private readonly ManualClock _clock = new();
    private Pkcs11KekProvider _provider = null!;

    [OneTimeSetUp]
    public void Open_the_token() => _provider = SoftHsm.Open(time: _clock);

    [OneTimeTearDown]
    public void Close_the_token() => _provider?.Dispose();

    [Test]
    public void By_default_a_key_whose_length_the_module_does_not_report_is_refused_and_nothing_is_left_behind()
    {
        Assume.That(TestEnvironment.Pkcs11Module, Does.Contain("softhsm"), "SoftHSM 2.6 does not record the length of unwrapped keys");
        KekId target = SoftHsm.NewKekId();
        ImportPublicKey importKey = _provider.GetImportPublicKey(target.Name);
        ImportWrapping wrapping = importKey.Wrappings[0];

        for (var attempt = 0; attempt < 2; attempt++)
        {
            byte[] wrapped = Customer.WrapForImport(importKey, Customer.KnownKek(), wrapping);
            var e = Assert.Throws<KeyUnavailableException>(() => _provider.Import(target, importKey.Id, wrapped, wrapping));

            // Refused twice: a refusal does not use up the import key.
            Assert.That(e!.Reason, Is.EqualTo(KeyUnavailableReason.PolicyViolation));
        }

        Assert.That(_provider.List(target.Name), Is.Empty);
    }

    [Test]
    public void An_import_key_expires_after_its_lifetime_and_is_destroyed()
    {
        _clock.Now = DateTimeOffset.UtcNow;
        KekId target = SoftHsm.NewKekId();
        ImportPublicKey importKey = _provider.GetImportPublicKey(target.Name);
        byte[] wrapped = Customer.WrapForImport(importKey, RandomNumberGenerator.GetBytes(32), importKey.Wrappings[0]);

        _clock.Now = importKey.ExpiresAt;

        var expired = Assert.Throws<KeyUnavailableException>(() => _provider.Import(target, importKey.Id, wrapped, importKey.Wrappings[0]));
        var gone = Assert.Throws<KeyUnavailableException>(() => _provider.Import(target, importKey.Id, wrapped, importKey.Wrappings[0]));
        Assert.That(expired!.Reason, Is.EqualTo(KeyUnavailableReason.Expired));
        Assert.That(gone!.Reason, Is.EqualTo(KeyUnavailableReason.NotFound));
    }
}

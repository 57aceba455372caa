using NUnit.Framework;
using PrivateInference.TokenVault.Keys;

namespace PrivateInference.TokenVault.IntegrationTests.Keys;

/// <summary>The factory with the environment scripts/test.sh exports: the SoftHSM2 token, not local key files.</summary>
[TestFixture]
public sealed class KekProviderFactoryTests
{
    [Test]
    public void With_the_pkcs11_variables_set_the_factory_opens_the_token()
    {
        string unused = Path.Combine(Path.GetTempPath(), $"pi-keys-unused-{Guid.NewGuid():N}");

        using (IKekProvider provider = KekProviderFactory.Create(unused))
        {
            Assert.That(provider, Is.TypeOf<Pkcs11KekProvider>());
            Assert.That(provider.IsDevelopmentOnly, Is.False);
            KekId kek = SoftHsm.NewKekId();
            provider.Create(kek);
            Assert.That(provider.Describe(kek).NeverExtractable, Is.True);
        }

        Assert.That(Directory.Exists(unused), Is.False);
    }
}

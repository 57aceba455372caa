using NUnit.Framework;
using PrivateInference.TokenVault.Keys;

namespace PrivateInference.TokenVault.Tests.Keys;

[TestFixture]
public sealed class KekProviderFactoryTests
{
    private const string Pin = "pin-1234-do-not-print";

    private KeyDirectory _directory = null!;

    [SetUp]
    public void Make_a_directory() => _directory = new KeyDirectory();

    [TearDown]
    public void Remove_the_directory() => _directory.Dispose();

    [Test]
    public void Without_pkcs11_variables_the_local_development_provider_is_chosen()
    {
        using IKekProvider provider = KekProviderFactory.Create(Variables([]), _directory.Location);

        Assert.That(provider, Is.TypeOf<LocalKekProvider>());
        Assert.That(provider.IsDevelopmentOnly, Is.True);
        Assert.That(((LocalKekProvider)provider).Directory, Is.EqualTo(_directory.Location));
    }

    [Test]
    public void Blank_pkcs11_variables_count_as_unset()
    {
        using IKekProvider provider = KekProviderFactory.Create(
            Variables(new() { ["PI_PKCS11_MODULE"] = " ", ["PI_PKCS11_TOKEN"] = "", ["PI_PKCS11_PIN"] = "" }), _directory.Location);

        Assert.That(provider, Is.TypeOf<LocalKekProvider>());
    }

    [TestCase("PI_PKCS11_TOKEN")]
    [TestCase("PI_PKCS11_PIN")]
    public void A_module_without_token_or_pin_is_an_error_and_never_falls_back_to_local_keys(string missing)
    {
        var variables = new Dictionary<string, string>
        {
            ["PI_PKCS11_MODULE"] = "/usr/lib/softhsm/libsofthsm2.so",
            ["PI_PKCS11_TOKEN"] = "pi-test",
            ["PI_PKCS11_PIN"] = Pin,
        };
        variables.Remove(missing);

        var e = Assert.Throws<InvalidOperationException>(() => KekProviderFactory.Create(Variables(variables), _directory.Location));

        Assert.That(e!.Message, Does.Contain(missing).And.Not.Contain(Pin));
        Assert.That(Directory.Exists(_directory.Location), Is.False);
    }

    [TestCase("PI_PKCS11_TOKEN")]
    [TestCase("PI_PKCS11_PIN")]
    public void A_token_or_pin_without_a_module_is_an_error(string present)
    {
        var e = Assert.Throws<InvalidOperationException>(
            () => KekProviderFactory.Create(Variables(new() { [present] = Pin }), _directory.Location));

        Assert.That(e!.Message, Does.Contain("PI_PKCS11_MODULE").And.Not.Contain(Pin));
        Assert.That(Directory.Exists(_directory.Location), Is.False);
    }

    [Test]
    public void With_all_pkcs11_variables_the_hsm_is_used_and_a_broken_module_fails_instead_of_falling_back()
    {
        var variables = new Dictionary<string, string>
        {
            ["PI_PKCS11_MODULE"] = Path.Combine(_directory.Location, "no-such-module.so"),
            ["PI_PKCS11_TOKEN"] = "pi-test",
            ["PI_PKCS11_PIN"] = Pin,
        };

        var e = Assert.Throws<KeyUnavailableException>(() => KekProviderFactory.Create(Variables(variables), _directory.Location));

        Assert.That(e!.Reason, Is.EqualTo(KeyUnavailableReason.ProviderFailure));
        Assert.That(Directory.Exists(_directory.Location), Is.False);
    }

    private static Func<string, string?> Variables(Dictionary<string, string> variables) =>
        name => variables.GetValueOrDefault(name);
}

using System.Security.Cryptography;
using NUnit.Framework;
using PrivateInference.TokenVault.Keys;

namespace PrivateInference.TokenVault.IntegrationTests.Keys;

/// <summary>Create, list, disable, enable and destroy KEKs in a real SoftHSM2 token.</summary>
[TestFixture]
public sealed class Pkcs11KekLifecycleTests
{
    private static readonly byte[] Aad = "tenant-a|dek|v1"u8.ToArray();

    private Pkcs11KekProvider _provider = null!;

    [OneTimeSetUp]
    public void Open_the_token() => _provider = SoftHsm.Open();

    [OneTimeTearDown]
    public void Close_the_token() => _provider?.Dispose();

    [Test]
    public void Create_generates_an_enabled_aes_256_kek_inside_the_token()
    {
        KekId kek = SoftHsm.NewKekId();

        _provider.Create(kek);

        KekInfo info = _provider.Describe(kek);
        Assert.That(info.State, Is.EqualTo(KekState.Enabled));
        Assert.That(info.Origin, Is.EqualTo(KekOrigin.Generated));
        Assert.That(info.KeyLengthBytes, Is.EqualTo(32));
        Assert.That(info.Sensitive && info.NeverExtractable && !info.Extractable, Is.True);
    }

    [Test]
    public void Create_of_an_existing_kek_is_already_exists()
    {
        KekId kek = SoftHsm.NewKekId();
        _provider.Create(kek);

        var e = Assert.Throws<KeyUnavailableException>(() => _provider.Create(kek));

        Assert.That(e!.Reason, Is.EqualTo(KeyUnavailableReason.AlreadyExists));
    }

    [Test]
    public void List_returns_every_version_of_the_name_in_order_destroyed_ones_included()
    {
        string name = SoftHsm.NewName();
        _provider.Create(new KekId(name, 3));
        _provider.Create(new KekId(name, 1));
        _provider.Create(new KekId(name, 2));
        _provider.Create(new KekId(name + "-other", 1));
        _provider.Create(new KekId(name + ".v1", 1));
        _provider.Destroy(new KekId(name, 2));

        IReadOnlyList<KekInfo> versions = _provider.List(name);

        Assert.That(versions.Select(v => v.Id.Version), Is.EqualTo(new[] { 1, 2, 3 }));
        Assert.That(versions.Select(v => v.State), Is.EqualTo(new[] { KekState.Enabled, KekState.Destroyed, KekState.Enabled }));
    }

    [Test]
    public void List_of_an_unknown_name_is_empty() => Assert.That(_provider.List(SoftHsm.NewName()), Is.Empty);

    [Test]
    public void A_disabled_kek_refuses_wrap_and_unwrap_until_it_is_enabled_again()
    {
        KekId kek = SoftHsm.NewKekId();
        _provider.Create(kek);
        byte[] dataKey = RandomNumberGenerator.GetBytes(32);
        byte[] wrapped = _provider.Wrap(kek, dataKey, Aad);

        _provider.Disable(kek);

        Assert.Multiple(() =>
        {
            Assert.That(() => _provider.Wrap(kek, dataKey, Aad), Throws.TypeOf<KeyUnavailableException>().With.Property("Reason").EqualTo(KeyUnavailableReason.Disabled));
            Assert.That(() => _provider.Unwrap(kek, wrapped, Aad), Throws.TypeOf<KeyUnavailableException>().With.Property("Reason").EqualTo(KeyUnavailableReason.Disabled));
            Assert.That(() => _provider.EnsureKey(kek, create: true), Throws.TypeOf<KeyUnavailableException>().With.Property("Reason").EqualTo(KeyUnavailableReason.Disabled));
            Assert.That(_provider.Describe(kek).State, Is.EqualTo(KekState.Disabled));
        });

        _provider.Enable(kek);

        Assert.That(CryptographicOperations.FixedTimeEquals(_provider.Unwrap(kek, wrapped, Aad), dataKey), Is.True);
        Assert.That(_provider.Describe(kek).State, Is.EqualTo(KekState.Enabled));
    }

    [Test]
    public void Disable_and_enable_are_idempotent()
    {
        KekId kek = SoftHsm.NewKekId();
        _provider.Create(kek);

        _provider.Disable(kek);
        _provider.Disable(kek);
        Assert.That(_provider.Describe(kek).State, Is.EqualTo(KekState.Disabled));

        _provider.Enable(kek);
        _provider.Enable(kek);
        Assert.That(_provider.Describe(kek).State, Is.EqualTo(KekState.Enabled));
    }

    [Test]
    public void A_destroyed_kek_reads_as_destroyed_everywhere_and_is_never_created_again()
    {
        KekId kek = SoftHsm.NewKekId();
        _provider.Create(kek);
        byte[] dataKey = RandomNumberGenerator.GetBytes(32);
        byte[] wrapped = _provider.Wrap(kek, dataKey, Aad);

        _provider.Destroy(kek);

        Assert.Multiple(() =>
        {
            AssertDestroyed(() => _provider.Unwrap(kek, wrapped, Aad));
            AssertDestroyed(() => _provider.Wrap(kek, dataKey, Aad));
            AssertDestroyed(() => _provider.EnsureKey(kek, create: true));
            AssertDestroyed(() => _provider.Create(kek));
            AssertDestroyed(() => _provider.Disable(kek));
            AssertDestroyed(() => _provider.Enable(kek));
            Assert.That(_provider.Describe(kek), Is.EqualTo(KekInfo.DestroyedVersion(kek)));
        });
    }

    [Test]
    public void Destroy_is_idempotent_and_destroy_of_an_unknown_kek_is_not_found()
    {
        KekId kek = SoftHsm.NewKekId();
        _provider.Create(kek);

        _provider.Destroy(kek);
        _provider.Destroy(kek);

        var e = Assert.Throws<KeyUnavailableException>(() => _provider.Destroy(SoftHsm.NewKekId()));
        Assert.That(e!.Reason, Is.EqualTo(KeyUnavailableReason.NotFound));
    }

    [Test]
    public void Describe_of_a_kek_that_never_existed_is_not_found()
    {
        var e = Assert.Throws<KeyUnavailableException>(() => _provider.Describe(SoftHsm.NewKekId()));

        Assert.That(e!.Reason, Is.EqualTo(KeyUnavailableReason.NotFound));
    }

    private static void AssertDestroyed(TestDelegate action)
    {
        var e = Assert.Throws<KeyUnavailableException>(action);
        Assert.That(e!.Reason, Is.EqualTo(KeyUnavailableReason.Destroyed));
    }
}

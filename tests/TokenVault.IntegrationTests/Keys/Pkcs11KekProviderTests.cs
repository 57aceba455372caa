using System.Security.Cryptography;
using System.Text;
using NUnit.Framework;
using PrivateInference.TokenVault.Keys;
using PrivateInference.TokenVault.Tests.Keys;

namespace PrivateInference.TokenVault.IntegrationTests.Keys;

/// <summary>The PKCS#11 KEK provider against a real SoftHSM2 token.</summary>
/// <remarks>A module can be initialised once per process: this fixture's provider is the only one while it runs.</remarks>
[TestFixture]
public sealed class Pkcs11KekProviderTests
{
    private static readonly byte[] Aad = Encoding.ASCII.GetBytes("tenant-a|value|v1");

    private Pkcs11KekProvider _provider = null!;
    private KekId _kek;

    [OneTimeSetUp]
    public void Open_the_token_and_create_a_kek()
    {
        _provider = SoftHsm.Open();
        _kek = SoftHsm.NewKekId();
        _provider.EnsureKey(_kek, create: true);
    }

    [OneTimeTearDown]
    public void Close_the_token() => _provider?.Dispose();

    [Test]
    public void A_generated_kek_is_an_enabled_sensitive_never_extractable_aes_256_key_generated_on_the_token()
    {
        KekInfo info = _provider.Describe(_kek);

        Assert.That(info, Is.EqualTo(new KekInfo(_kek, KekState.Enabled, KekOrigin.Generated, KeyLengthBytes: 32,
            Sensitive: true, Extractable: false, AlwaysSensitive: true, NeverExtractable: true)));
    }

    [Test]
    public void The_pkcs11_provider_is_not_development_only()
    {
        Assert.That(_provider.IsDevelopmentOnly, Is.False);
        Assert.That(_provider.Kind, Is.EqualTo("pkcs11"));
    }

    [Test]
    public void A_data_key_wrapped_with_the_customers_copy_of_the_kek_is_not_readable_under_a_generated_kek()
    {
        var e = Assert.Throws<KeyUnavailableException>(() => _provider.Unwrap(_kek, Customer.KnownWrappedDataKey, Customer.KnownAad));

        Assert.That(e!.Reason, Is.EqualTo(KeyUnavailableReason.IntegrityCheckFailed));
    }

    [Test]
    public void Wrap_then_unwrap_round_trips_a_32_byte_key()
    {
        byte[] dataKey = RandomNumberGenerator.GetBytes(32);

        byte[] wrapped = _provider.Wrap(_kek, dataKey, Aad);
        byte[] unwrapped = _provider.Unwrap(_kek, wrapped, Aad);

        Assert.That(wrapped, Has.Length.EqualTo(12 + 32 + 16));
        Assert.That(CryptographicOperations.FixedTimeEquals(unwrapped, dataKey), Is.True);
    }

    [Test]
    public void Wrapping_the_same_key_twice_uses_a_fresh_iv()
    {
        byte[] dataKey = RandomNumberGenerator.GetBytes(32);

        byte[] first = _provider.Wrap(_kek, dataKey, Aad);
        byte[] second = _provider.Wrap(_kek, dataKey, Aad);

        Assert.That(first.AsSpan(0, 12).SequenceEqual(second.AsSpan(0, 12)), Is.False);
        Assert.That(first.AsSpan(12).SequenceEqual(second.AsSpan(12)), Is.False);
    }

    [Test]
    public void Unwrap_with_different_aad_fails_the_integrity_check()
    {
        byte[] wrapped = _provider.Wrap(_kek, RandomNumberGenerator.GetBytes(32), Aad);

        var e = Assert.Throws<KeyUnavailableException>(
            () => _provider.Unwrap(_kek, wrapped, Encoding.ASCII.GetBytes("tenant-b|value|v1")));

        Assert.That(e!.Reason, Is.EqualTo(KeyUnavailableReason.IntegrityCheckFailed));
    }

    [TestCase(0, TestName = "Unwrap_of_a_tampered_iv_fails_the_integrity_check")]
    [TestCase(12, TestName = "Unwrap_of_tampered_ciphertext_fails_the_integrity_check")]
    [TestCase(59, TestName = "Unwrap_of_a_tampered_tag_fails_the_integrity_check")]
    public void Unwrap_of_tampered_bytes_fails_the_integrity_check(int position)
    {
        byte[] wrapped = _provider.Wrap(_kek, RandomNumberGenerator.GetBytes(32), Aad);
        wrapped[position] ^= 0x01;

        var e = Assert.Throws<KeyUnavailableException>(() => _provider.Unwrap(_kek, wrapped, Aad));

        Assert.That(e!.Reason, Is.EqualTo(KeyUnavailableReason.IntegrityCheckFailed));
    }

    [Test]
    public void Unwrap_of_a_truncated_value_fails_the_integrity_check()
    {
        byte[] wrapped = _provider.Wrap(_kek, RandomNumberGenerator.GetBytes(32), Aad);

        var e = Assert.Throws<KeyUnavailableException>(() => _provider.Unwrap(_kek, wrapped.AsSpan(0, 20), Aad));

        Assert.That(e!.Reason, Is.EqualTo(KeyUnavailableReason.IntegrityCheckFailed));
    }

    [Test]
    public void Unwrap_under_another_kek_fails_the_integrity_check()
    {
        KekId other = SoftHsm.NewKekId();
        _provider.EnsureKey(other, create: true);
        byte[] wrapped = _provider.Wrap(_kek, RandomNumberGenerator.GetBytes(32), Aad);

        var e = Assert.Throws<KeyUnavailableException>(() => _provider.Unwrap(other, wrapped, Aad));

        Assert.That(e!.Reason, Is.EqualTo(KeyUnavailableReason.IntegrityCheckFailed));
    }

    [Test]
    public void A_kek_that_does_not_exist_is_unavailable_when_create_is_false()
    {
        KekId missing = SoftHsm.NewKekId();

        var ensure = Assert.Throws<KeyUnavailableException>(() => _provider.EnsureKey(missing, create: false));
        var wrap = Assert.Throws<KeyUnavailableException>(() => _provider.Wrap(missing, new byte[32], Aad));

        Assert.That(ensure!.Reason, Is.EqualTo(KeyUnavailableReason.NotFound));
        Assert.That(wrap!.Reason, Is.EqualTo(KeyUnavailableReason.NotFound));
        Assert.That(ensure.Message, Does.Not.Contain(missing.Name));
        Assert.That(ensure.KekId, Is.EqualTo(missing));
    }

    [Test]
    public void Ensuring_an_existing_kek_again_reuses_it()
    {
        byte[] dataKey = RandomNumberGenerator.GetBytes(32);
        byte[] wrapped = _provider.Wrap(_kek, dataKey, Aad);

        _provider.EnsureKey(_kek, create: true);

        Assert.That(CryptographicOperations.FixedTimeEquals(_provider.Unwrap(_kek, wrapped, Aad), dataKey), Is.True);
    }

    [Test]
    public void Concurrent_wraps_and_unwraps_all_round_trip()
    {
        var failures = 0;

        Parallel.For(0, 200, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i =>
        {
            byte[] dataKey = RandomNumberGenerator.GetBytes(32);
            byte[] aad = Encoding.ASCII.GetBytes($"tenant-{i}");
            byte[] unwrapped = _provider.Unwrap(_kek, _provider.Wrap(_kek, dataKey, aad), aad);
            if (!CryptographicOperations.FixedTimeEquals(unwrapped, dataKey))
            {
                Interlocked.Increment(ref failures);
            }
        });

        Assert.That(failures, Is.EqualTo(0));
    }
}

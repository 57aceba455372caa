using System.Security.Cryptography;

namespace PrivateInference.Cryptography.Tests;

public sealed class RsaAesKeyWrapTests
{
    private RSA _importKey = null!;
    private RSA _otherKey = null!;

    [OneTimeSetUp]
    public void CreateKeys()
    {
        // 3072 bits is what cloud KMS import jobs hand out; 2048 is the smallest accepted.
        _importKey = RSA.Create(3072);
        _otherKey = RSA.Create(2048);
    }

    [OneTimeTearDown]
    public void DisposeKeys()
    {
        _importKey.Dispose();
        _otherKey.Dispose();
    }

    [TestCase(16)]
    [TestCase(32)]
    [TestCase(45)]
    public void A_wrapped_key_unwraps_to_the_same_bytes(int keyLength)
    {
        var target = RandomNumberGenerator.GetBytes(keyLength);

        using var unwrapped = RsaAesKeyWrap.Unwrap(_importKey, RsaAesKeyWrap.Wrap(_importKey, target));

        Assert.That(unwrapped.Span.ToArray(), Is.EqualTo(target));
    }

    [Test]
    public void The_blob_is_an_OAEP_SHA256_wrapped_AES_256_key_then_the_KWP_wrapped_target()
    {
        // Taken apart with .NET primitives only, as an importing HSM would (CKM_RSA_AES_KEY_WRAP).
        var target = RandomNumberGenerator.GetBytes(32);

        var blob = RsaAesKeyWrap.Wrap(_importKey, target);

        Assert.That(blob, Has.Length.EqualTo(384 + 40));
        var ephemeral = _importKey.Decrypt(blob.AsSpan(0, 384), RSAEncryptionPadding.OaepSHA256);
        Assert.That(ephemeral, Has.Length.EqualTo(32));
        using var aes = Aes.Create();
        aes.Key = ephemeral;
        Assert.That(aes.DecryptKeyWrapPadded(blob.AsSpan(384)), Is.EqualTo(target));
    }

    [Test]
    public void A_blob_made_by_another_implementation_unwraps()
    {
        var target = RandomNumberGenerator.GetBytes(32);
        var ephemeral = RandomNumberGenerator.GetBytes(32);
        using var aes = Aes.Create();
        aes.Key = ephemeral;
        byte[] blob = [.. _importKey.Encrypt(ephemeral, RSAEncryptionPadding.OaepSHA256), .. aes.EncryptKeyWrapPadded(target)];

        using var unwrapped = RsaAesKeyWrap.Unwrap(_importKey, blob);

        Assert.That(unwrapped.Span.ToArray(), Is.EqualTo(target));
    }

    [Test]
    public void Every_wrap_uses_a_fresh_ephemeral_key()
    {
        var target = RandomNumberGenerator.GetBytes(32);

        var a = RsaAesKeyWrap.Wrap(_importKey, target);
        var b = RsaAesKeyWrap.Wrap(_importKey, target);

        Assert.That(a.AsSpan(384).ToArray(), Is.Not.EqualTo(b.AsSpan(384).ToArray()));
    }

    public static IEnumerable<TestCaseData> Tampering()
    {
        yield return new TestCaseData(0).SetName("Changing_the_first_byte_of_the_RSA_part_fails");
        yield return new TestCaseData(200).SetName("Changing_a_middle_byte_of_the_RSA_part_fails");
        yield return new TestCaseData(383).SetName("Changing_the_last_byte_of_the_RSA_part_fails");
        yield return new TestCaseData(384).SetName("Changing_the_first_byte_of_the_KWP_part_fails");
        yield return new TestCaseData(384 + 39).SetName("Changing_the_last_byte_of_the_KWP_part_fails");
    }

    [TestCaseSource(nameof(Tampering))]
    public void Tamper(int offset)
    {
        var blob = RsaAesKeyWrap.Wrap(_importKey, RandomNumberGenerator.GetBytes(32));
        blob[offset] ^= 0x01;

        Assert.That(() => RsaAesKeyWrap.Unwrap(_importKey, blob), Throws.TypeOf<KeyWrapException>());
    }

    [Test]
    public void Unwrapping_with_another_private_key_fails()
    {
        var blob = RsaAesKeyWrap.Wrap(_otherKey, RandomNumberGenerator.GetBytes(32));
        var forImport = RsaAesKeyWrap.Wrap(_importKey, RandomNumberGenerator.GetBytes(32));

        Assert.That(() => RsaAesKeyWrap.Unwrap(_importKey, blob), Throws.TypeOf<KeyWrapException>());
        Assert.That(() => RsaAesKeyWrap.Unwrap(_otherKey, forImport), Throws.TypeOf<KeyWrapException>());
    }

    [Test]
    public void Truncated_blobs_fail()
    {
        var blob = RsaAesKeyWrap.Wrap(_importKey, RandomNumberGenerator.GetBytes(32));

        foreach (var length in new[] { 0, 100, 384, 384 + 15, blob.Length - 8, blob.Length - 1 })
        {
            Assert.That(() => RsaAesKeyWrap.Unwrap(_importKey, blob.AsSpan(0, length)), Throws.TypeOf<KeyWrapException>(), $"length {length}");
        }
    }

    [Test]
    public void An_ephemeral_key_of_the_wrong_length_fails()
    {
        var notAnAesKey = RandomNumberGenerator.GetBytes(20);
        using var aes = Aes.Create();
        aes.Key = RandomNumberGenerator.GetBytes(32);
        byte[] blob = [.. _importKey.Encrypt(notAnAesKey, RSAEncryptionPadding.OaepSHA256), .. aes.EncryptKeyWrapPadded(new byte[32])];

        Assert.That(() => RsaAesKeyWrap.Unwrap(_importKey, blob), Throws.TypeOf<KeyWrapException>());
    }

    [Test]
    public void RSA_keys_below_2048_bits_are_refused()
    {
        using var weak = RSA.Create(1024);

        Assert.That(() => RsaAesKeyWrap.Wrap(weak, new byte[32]), Throws.ArgumentException.With.Property("ParamName").EqualTo("publicKey"));
        Assert.That(() => RsaAesKeyWrap.Unwrap(weak, new byte[200]), Throws.ArgumentException.With.Property("ParamName").EqualTo("privateKey"));
    }

    [Test]
    public void An_empty_target_key_is_refused() =>
        Assert.That(() => RsaAesKeyWrap.Wrap(_importKey, []), Throws.ArgumentException.With.Property("ParamName").EqualTo("targetKey"));
}

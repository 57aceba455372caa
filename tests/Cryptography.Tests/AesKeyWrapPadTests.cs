using System.Security.Cryptography;

namespace PrivateInference.Cryptography.Tests;

public sealed class AesKeyWrapPadTests
{
    private static readonly byte[] RfcKek = Hex.Bytes("5840df6e29b02af1 ab493b705bf16ea1 ae8338f4dcc176a8");

    /// <summary>RFC 5649 section 6: the two worked examples, with a 192-bit KEK.</summary>
    public static IEnumerable<TestCaseData> RfcVectors()
    {
        yield return new TestCaseData("c37b7e6492584340 bed1220780894115 5068f738", "138bdeaa9b8fa7fc 61f97742e72248ee 5ae6ae5360d1ae6a 5f54f373fa543b6a")
            .SetName("RFC_5649_wrap_of_a_20_octet_key");
        yield return new TestCaseData("466f7250617369", "afbeb0f07dfbf541 9200f2ccb50bb24f")
            .SetName("RFC_5649_wrap_of_a_7_octet_key");
    }

    [TestCaseSource(nameof(RfcVectors))]
    public void Rfc_vector(string key, string wrapped)
    {
        Assert.That(Hex.Of(AesKeyWrapPad.Wrap(RfcKek, Hex.Bytes(key))), Is.EqualTo(Hex.Of(Hex.Bytes(wrapped))));
        Assert.That(Hex.Of(AesKeyWrapPad.Unwrap(RfcKek, Hex.Bytes(wrapped))), Is.EqualTo(Hex.Of(Hex.Bytes(key))));
    }

    public static IEnumerable<TestCaseData> Shapes()
    {
        foreach (var kekLength in new[] { 16, 24, 32 })
        {
            foreach (var keyLength in new[] { 1, 7, 8, 9, 16, 31, 32, 33, 64 })
            {
                yield return new TestCaseData(kekLength, keyLength).SetName($"A_{keyLength}_byte_key_under_a_{kekLength}_byte_kek_matches_the_platform_implementation");
            }
        }
    }

    /// <summary>.NET's own RFC 5649 (<see cref="Aes.EncryptKeyWrapPadded(ReadOnlySpan{byte})"/>, OpenSSL underneath) is an
    /// independent implementation to agree with.</summary>
    [TestCaseSource(nameof(Shapes))]
    public void Agrees_with_the_platform(int kekLength, int keyLength)
    {
        var kek = RandomNumberGenerator.GetBytes(kekLength);
        var key = RandomNumberGenerator.GetBytes(keyLength);
        using var aes = Aes.Create();
        aes.Key = kek;

        var wrapped = AesKeyWrapPad.Wrap(kek, key);

        Assert.That(wrapped, Has.Length.EqualTo(((keyLength + 7) / 8 * 8) + 8));
        Assert.That(wrapped, Is.EqualTo(aes.EncryptKeyWrapPadded(key)));
        Assert.That(AesKeyWrapPad.Unwrap(kek, aes.EncryptKeyWrapPadded(key)), Is.EqualTo(key));
    }

    [Test]
    public void UnwrapKey_returns_the_key_as_a_SecretKey()
    {
        var key = RandomNumberGenerator.GetBytes(32);

        using var unwrapped = AesKeyWrapPad.UnwrapKey(RfcKek, AesKeyWrapPad.Wrap(RfcKek, key));

        Assert.That(unwrapped.Span.ToArray(), Is.EqualTo(key));
    }

    [TestCase(7)]
    [TestCase(32)]
    public void Changing_any_bit_of_a_wrapped_key_fails(int keyLength)
    {
        var wrapped = AesKeyWrapPad.Wrap(RfcKek, RandomNumberGenerator.GetBytes(keyLength));

        for (var i = 0; i < wrapped.Length; i++)
        {
            for (var bit = 0; bit < 8; bit++)
            {
                var tampered = (byte[])wrapped.Clone();
                tampered[i] ^= (byte)(1 << bit);

                Assert.That(() => AesKeyWrapPad.Unwrap(RfcKek, tampered), Throws.TypeOf<KeyWrapException>(), $"byte {i}, bit {bit}");
            }
        }
    }

    [Test]
    public void Unwrapping_with_another_kek_fails()
    {
        var wrapped = AesKeyWrapPad.Wrap(RfcKek, RandomNumberGenerator.GetBytes(32));

        Assert.That(() => AesKeyWrapPad.Unwrap(RandomNumberGenerator.GetBytes(24), wrapped), Throws.TypeOf<KeyWrapException>());
    }

    [TestCase(0)]
    [TestCase(8)]
    [TestCase(15)]
    [TestCase(17)]
    [TestCase(23)]
    public void A_wrapped_key_of_impossible_length_fails(int length) =>
        Assert.That(() => AesKeyWrapPad.Unwrap(RfcKek, new byte[length]), Throws.TypeOf<KeyWrapException>());

    [Test]
    public void Unwrap_failures_have_one_fixed_message()
    {
        var wrapped = AesKeyWrapPad.Wrap(RfcKek, RandomNumberGenerator.GetBytes(32));
        wrapped[^1] ^= 1;

        var shortInput = Assert.Throws<KeyWrapException>(() => AesKeyWrapPad.Unwrap(RfcKek, new byte[8]))!;
        var tampered = Assert.Throws<KeyWrapException>(() => AesKeyWrapPad.Unwrap(RfcKek, wrapped))!;

        Assert.That(new[] { shortInput.Message, tampered.Message }, Is.All.EqualTo("The wrapped key is malformed or failed its integrity check."));
        Assert.That(tampered.InnerException, Is.Null);
    }

    [TestCase(0)]
    [TestCase(15)]
    [TestCase(33)]
    public void A_kek_that_is_not_an_AES_key_is_refused(int kekLength)
    {
        Assert.That(() => AesKeyWrapPad.Wrap(new byte[kekLength], new byte[16]), Throws.ArgumentException.With.Property("ParamName").EqualTo("kek"));
        Assert.That(() => AesKeyWrapPad.Unwrap(new byte[kekLength], new byte[24]), Throws.ArgumentException.With.Property("ParamName").EqualTo("kek"));
    }

    [Test]
    public void An_empty_key_is_refused() =>
        Assert.That(() => AesKeyWrapPad.Wrap(RfcKek, []), Throws.ArgumentException.With.Property("ParamName").EqualTo("key"));
}

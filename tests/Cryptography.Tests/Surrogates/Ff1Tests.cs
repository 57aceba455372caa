using PrivateInference.Cryptography.Surrogates;

namespace PrivateInference.Cryptography.Tests.Surrogates;

public sealed class Ff1Tests
{
    /// <summary>NIST SP 800-38G FF1 samples (csrc.nist.gov, "FF1samples.pdf"), the AES-256 key of samples 7 to 9.</summary>
    private static readonly byte[] NistKey = Hex.Bytes("2B7E151628AED2A6ABF7158809CF4F3CEF4359D8D580AA4F7F036D6F04FC6A94");

    public static IEnumerable<TestCaseData> NistRadix10()
    {
        yield return new TestCaseData("", "0123456789", "6657667009").SetName("NIST_FF1_sample_7_AES_256_without_tweak");
        yield return new TestCaseData("39383736353433323130", "0123456789", "1001623463").SetName("NIST_FF1_sample_8_AES_256_with_a_10_byte_tweak");
    }

    [TestCaseSource(nameof(NistRadix10))]
    public void Nist_sample(string tweak, string plaintext, string ciphertext)
    {
        using var key = SecretKey.Copy(NistKey);

        Assert.That(Ff1.Encrypt(key, Hex.Bytes(tweak), plaintext), Is.EqualTo(ciphertext));
        Assert.That(Ff1.Decrypt(key, Hex.Bytes(tweak), ciphertext), Is.EqualTo(plaintext));
    }

    [TestCaseSource(nameof(NistRadix10))]
    public void Nist_sample_agrees_with_the_reference(string tweak, string plaintext, string ciphertext) =>
        Assert.That(ReferenceFf1.Encrypt(NistKey, Hex.Bytes(tweak), 10, Numerals(plaintext)), Is.EqualTo(Numerals(ciphertext)));

    /// <summary>Sample 9 (radix 36, 19 numerals, an 11-byte tweak) exercises odd lengths and tweak padding through
    /// the internal entry point; the public API is radix 10 only.</summary>
    [Test]
    public void NIST_FF1_sample_9_AES_256_radix_36()
    {
        const string Alphabet = "0123456789abcdefghijklmnopqrstuvwxyz";
        var numerals = "0123456789abcdefghi".Select(c => (byte)Alphabet.IndexOf(c, StringComparison.Ordinal)).ToArray();

        Ff1.Transform(NistKey, 36, Hex.Bytes("3737373770717273373737"), numerals, encrypt: true);

        Assert.That(string.Concat(numerals.Select(n => Alphabet[n])), Is.EqualTo("xs8a0azh2avyalyzuwd"));
    }

    public static IEnumerable<TestCaseData> Shapes()
    {
        foreach (var tweakLength in new[] { 0, 1, 7, 10, 15, 16, 17, 100, Ff1.MaxTweakLength })
        {
            yield return new TestCaseData(tweakLength).SetName($"Every_length_from_6_to_64_digits_with_a_{tweakLength}_byte_tweak_matches_the_reference");
        }
    }

    /// <summary>Lengths of 57 digits and more need more than one AES block of PRF output (d &gt; 16), which no NIST
    /// sample reaches.</summary>
    [TestCaseSource(nameof(Shapes))]
    public void Agrees_with_the_reference(int tweakLength)
    {
        var keyBytes = Seeded.Bytes("ff1-key", tweakLength, 32);
        using var key = SecretKey.Copy(keyBytes);
        var tweak = Seeded.Bytes("ff1-tweak", tweakLength, tweakLength);

        for (var length = Ff1.MinLength; length <= Ff1.MaxLength; length++)
        {
            var plaintext = Seeded.Digits("ff1-plaintext", (tweakLength * 100) + length, length);
            var expected = ReferenceFf1.Encrypt(keyBytes, tweak, 10, Numerals(plaintext));

            var ciphertext = Ff1.Encrypt(key, tweak, plaintext);

            Assert.That(Numerals(ciphertext), Is.EqualTo(expected), $"length {length}");
            Assert.That(ReferenceFf1.Decrypt(keyBytes, tweak, 10, expected), Is.EqualTo(Numerals(plaintext)), $"reference round trip, length {length}");
            Assert.That(Ff1.Decrypt(key, tweak, ciphertext), Is.EqualTo(plaintext), $"length {length}");
        }
    }

    [TestCase("000000")]
    [TestCase("999999")]
    [TestCase("0000000000000000")]
    public void Leading_zeros_and_the_domain_edges_round_trip(string plaintext)
    {
        using var key = SecretKey.Copy(NistKey);

        var ciphertext = Ff1.Encrypt(key, [], plaintext);

        Assert.That(ciphertext, Has.Length.EqualTo(plaintext.Length).And.Match("^[0-9]+$"));
        Assert.That(Ff1.Decrypt(key, [], ciphertext), Is.EqualTo(plaintext));
    }

    [Test]
    public void Another_tweak_or_key_gives_another_ciphertext()
    {
        using var key = SecretKey.Copy(NistKey);
        using var other = Seeded.Key("ff1-other-key");
        const string Plaintext = "4111111111111111";

        var ciphertext = Ff1.Encrypt(key, "a"u8, Plaintext);

        Assert.That(Ff1.Encrypt(key, "b"u8, Plaintext), Is.Not.EqualTo(ciphertext));
        Assert.That(Ff1.Encrypt(other, "a"u8, Plaintext), Is.Not.EqualTo(ciphertext));
        Assert.That(Ff1.Encrypt(key, "a"u8, Plaintext), Is.EqualTo(ciphertext));
    }

    [TestCase(5, false)]
    [TestCase(6, true)]
    [TestCase(64, true)]
    [TestCase(65, false)]
    public void Supported_lengths_are_6_to_64(int length, bool supported) =>
        Assert.That(Ff1.IsSupportedLength(length), Is.EqualTo(supported));

    public static IEnumerable<TestCaseData> RefusedDigits()
    {
        yield return new TestCaseData("12345").SetName("Five_digits_are_below_the_NIST_minimum_domain_and_refused");
        yield return new TestCaseData("").SetName("An_empty_value_is_refused");
        yield return new TestCaseData(new string('7', 65)).SetName("Sixty_five_digits_are_refused");
        yield return new TestCaseData("12345a789").SetName("A_letter_is_refused");
        yield return new TestCaseData("123 456 789").SetName("A_separator_is_refused_use_DigitSurrogate_for_layouts");
        yield return new TestCaseData("１２３４５６７").SetName("Full_width_digits_are_refused");
    }

    [TestCaseSource(nameof(RefusedDigits))]
    public void Refused(string digits)
    {
        using var key = SecretKey.Copy(NistKey);

        var encrypt = Assert.Throws<ArgumentException>(() => Ff1.Encrypt(key, [], digits))!;
        var decrypt = Assert.Throws<ArgumentException>(() => Ff1.Decrypt(key, [], digits))!;

        Assert.That(new[] { encrypt.ParamName, decrypt.ParamName }, Is.All.EqualTo("digits"));
        if (digits.Length > 0)
        {
            Assert.That(encrypt.Message, Does.Not.Contain(digits));
        }
    }

    [TestCase(16)]
    [TestCase(24)]
    [TestCase(31)]
    [TestCase(33)]
    public void A_key_that_is_not_AES_256_is_refused(int length)
    {
        using var key = SecretKey.Generate(length);

        Assert.That(() => Ff1.Encrypt(key, [], "0123456789"), Throws.ArgumentException.With.Property("ParamName").EqualTo("key"));
    }

    [Test]
    public void A_tweak_longer_than_256_bytes_is_refused()
    {
        using var key = SecretKey.Copy(NistKey);

        Assert.That(() => Ff1.Encrypt(key, new byte[Ff1.MaxTweakLength + 1], "0123456789"), Throws.ArgumentException.With.Property("ParamName").EqualTo("tweak"));
    }

    [Test]
    public void A_disposed_key_is_refused()
    {
        var key = SecretKey.Copy(NistKey);
        key.Dispose();

        Assert.That(() => Ff1.Encrypt(key, [], "0123456789"), Throws.TypeOf<ObjectDisposedException>());
    }

    [Test]
    public void BouncyCastle_never_receives_key_bytes() =>
        Assert.That(PlatformAesBlock.Placeholder.KeyLength, Is.Zero);

    [Test]
    public void The_platform_block_refuses_any_key_but_the_placeholder_and_the_inverse_direction()
    {
        using var block = new PlatformAesBlock(NistKey);

        Assert.That(() => block.Init(true, new Org.BouncyCastle.Crypto.Parameters.KeyParameter(NistKey)), Throws.InvalidOperationException);
        Assert.That(() => block.Init(false, PlatformAesBlock.Placeholder), Throws.InvalidOperationException);
        Assert.That(() => block.Init(true, PlatformAesBlock.Placeholder), Throws.Nothing);
    }

    private static byte[] Numerals(string digits) => [.. digits.Select(c => (byte)(c - '0'))];
}

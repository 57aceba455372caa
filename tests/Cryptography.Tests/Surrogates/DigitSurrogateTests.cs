using PrivateInference.Cryptography.Surrogates;

namespace PrivateInference.Cryptography.Tests.Surrogates;

public sealed class DigitSurrogateTests
{
    private static readonly byte[] Key = Hex.Bytes("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
    private static readonly byte[] Tweak = "acme\0SSN"u8.ToArray();

    /// <summary>Expected values computed outside this code base: Python, FF1 written from SP 800-38G over the
    /// <c>cryptography</c> package's AES (checked against all nine NIST samples), key from its HKDFExpand.</summary>
    public static IEnumerable<TestCaseData> KnownAnswers()
    {
        yield return new TestCaseData("123-45-6789", "276-98-5645").SetName("An_SSN_with_dashes_has_the_pinned_surrogate");
        yield return new TestCaseData("(555) 010-0199", "(765) 445-6715").SetName("A_phone_number_has_the_pinned_surrogate");
        yield return new TestCaseData("MRN 00123456", "MRN 82740548").SetName("A_record_number_keeps_its_letters_and_leading_zeros_are_digits_like_any_other");
        yield return new TestCaseData("000000", "622740").SetName("Six_digits_the_smallest_domain_has_the_pinned_surrogate");
    }

    [TestCaseSource(nameof(KnownAnswers))]
    public void Known_answer(string value, string expected)
    {
        using var key = SecretKey.Copy(Key);

        Assert.That(DigitSurrogate.Encrypt(key, Tweak, value), Is.EqualTo(expected));
        Assert.That(DigitSurrogate.Decrypt(key, Tweak, expected), Is.EqualTo(value));
    }

    [Test]
    public void Every_non_digit_keeps_its_place_and_every_value_round_trips()
    {
        using var key = SecretKey.Copy(Key);
        const string Layout = " -./()#:x";

        for (var i = 0; i < 500; i++)
        {
            var value = RandomLayout(i, Layout);

            Assert.That(DigitSurrogate.TryEncrypt(key, Tweak, value, out var surrogate), Is.True, value);
            Assert.That(surrogate, Has.Length.EqualTo(value.Length));
            for (var c = 0; c < value.Length; c++)
            {
                Assert.That(char.IsAsciiDigit(surrogate![c]), Is.EqualTo(char.IsAsciiDigit(value[c])), $"{value} at {c}");
                if (!char.IsAsciiDigit(value[c]))
                {
                    Assert.That(surrogate[c], Is.EqualTo(value[c]), $"{value} at {c}");
                }
            }

            Assert.That(DigitSurrogate.Decrypt(key, Tweak, surrogate!), Is.EqualTo(value));
        }
    }

    [Test]
    public void The_layout_does_not_change_the_digits()
    {
        using var key = SecretKey.Copy(Key);

        var dashed = DigitSurrogate.Encrypt(key, Tweak, "123-45-6789");
        var spaced = DigitSurrogate.Encrypt(key, Tweak, "123 45 6789");
        var bare = DigitSurrogate.Encrypt(key, Tweak, "123456789");

        Assert.That(Digits(dashed), Is.EqualTo(bare).And.EqualTo(Digits(spaced)));
    }

    [Test]
    public void It_is_deterministic_and_depends_on_the_key_and_the_tweak()
    {
        using var key = SecretKey.Copy(Key);
        using var other = Seeded.Key("digit-other-key");
        const string Value = "123-45-6789";

        var surrogate = DigitSurrogate.Encrypt(key, Tweak, Value);

        Assert.That(DigitSurrogate.Encrypt(key, Tweak, Value), Is.EqualTo(surrogate));
        Assert.That(DigitSurrogate.Encrypt(other, Tweak, Value), Is.Not.EqualTo(surrogate));
        Assert.That(DigitSurrogate.Encrypt(key, "acme\0MRN"u8, Value), Is.Not.EqualTo(surrogate));
        Assert.That(DigitSurrogate.Encrypt(key, "acmf\0SSN"u8, Value), Is.Not.EqualTo(surrogate));
        Assert.That(DigitSurrogate.Encrypt(key, [], Value), Is.Not.EqualTo(surrogate));
    }

    /// <summary>The label keeps digit surrogates apart from PAN surrogates and from plain FF1 under the same key.</summary>
    [Test]
    public void It_is_not_plain_FF1_under_the_callers_key()
    {
        using var key = SecretKey.Copy(Key);

        Assert.That(DigitSurrogate.Encrypt(key, Tweak, "123456789"), Is.Not.EqualTo(Ff1.Encrypt(key, Tweak, "123456789")));
    }

    public static IEnumerable<TestCaseData> Unsupported()
    {
        yield return new TestCaseData("12-345").SetName("Five_digits_are_unsupported");
        yield return new TestCaseData("no digits").SetName("No_digits_are_unsupported");
        yield return new TestCaseData(string.Join("-", Enumerable.Repeat("12345678", 8)) + "9").SetName("Sixty_five_digits_are_unsupported");
        yield return new TestCaseData("123-45-678\uFF19").SetName("A_full_width_digit_is_unsupported_rather_than_left_in_clear");
        yield return new TestCaseData("123-45-6789\u00B2").SetName("A_superscript_digit_is_unsupported");
        yield return new TestCaseData("\u0661\u0662\u0663-45-6789").SetName("Arabic_Indic_digits_are_unsupported");
    }

    [TestCaseSource(nameof(Unsupported))]
    public void Unsupported_values_are_refused_without_naming_them(string value)
    {
        using var key = SecretKey.Copy(Key);

        Assert.That(DigitSurrogate.CanEncrypt(value), Is.False);
        Assert.That(DigitSurrogate.TryEncrypt(key, Tweak, value, out var surrogate), Is.False);
        Assert.That(surrogate, Is.Null);
        var encrypt = Assert.Throws<ArgumentException>(() => DigitSurrogate.Encrypt(key, Tweak, value))!;
        var decrypt = Assert.Throws<ArgumentException>(() => DigitSurrogate.Decrypt(key, Tweak, value))!;
        Assert.That(encrypt.ParamName, Is.EqualTo("value"));
        Assert.That(decrypt.ParamName, Is.EqualTo("surrogate"));
        Assert.That(encrypt.Message, Does.Not.Contain(value));
    }

    [Test]
    public void A_key_shorter_than_32_bytes_is_refused()
    {
        using var key = SecretKey.Generate(16);

        Assert.That(() => DigitSurrogate.TryEncrypt(key, Tweak, "123-45-6789", out _), Throws.ArgumentException.With.Property("ParamName").EqualTo("key"));
        Assert.That(() => DigitSurrogate.Decrypt(key, Tweak, "123-45-6789"), Throws.ArgumentException.With.Property("ParamName").EqualTo("key"));
    }

    [Test]
    public void A_longer_key_is_accepted_and_gives_other_surrogates()
    {
        using var key = SecretKey.Copy(Key);
        using var longer = SecretKey.Copy([.. Key, .. Key]);

        Assert.That(DigitSurrogate.Encrypt(longer, Tweak, "123-45-6789"), Is.Not.EqualTo(DigitSurrogate.Encrypt(key, Tweak, "123-45-6789")));
    }

    [Test]
    public void A_tweak_longer_than_128_bytes_is_refused_and_128_are_accepted()
    {
        using var key = SecretKey.Copy(Key);

        Assert.That(() => DigitSurrogate.Encrypt(key, new byte[DigitSurrogate.MaxTweakLength + 1], "123-45-6789"), Throws.ArgumentException.With.Property("ParamName").EqualTo("tweak"));
        Assert.That(DigitSurrogate.Encrypt(key, new byte[DigitSurrogate.MaxTweakLength], "123-45-6789"), Does.Match(@"^\d{3}-\d{2}-\d{4}$"));
    }

    private static string RandomLayout(int index, string separators)
    {
        var bytes = Seeded.Bytes("digit-layout", index, 80);
        var digits = 6 + (bytes[0] % 59);
        var chars = new List<char>();
        for (var i = 0; i < digits; i++)
        {
            if (bytes[1 + (i % 79)] % 4 == 0)
            {
                chars.Add(separators[bytes[1 + ((i + 7) % 79)] % separators.Length]);
            }

            chars.Add((char)('0' + (bytes[1 + ((i + 13) % 79)] % 10)));
        }

        return new string([.. chars]);
    }

    private static string Digits(string value) => string.Concat(value.Where(char.IsAsciiDigit));
}

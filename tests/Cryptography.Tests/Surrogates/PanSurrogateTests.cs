using PrivateInference.Cryptography.Surrogates;

namespace PrivateInference.Cryptography.Tests.Surrogates;

public sealed class PanSurrogateTests
{
    private const int PansPerLength = 1000;

    private static readonly byte[] Key = Hex.Bytes("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
    private static readonly byte[] Tweak = "acme\0PAN"u8.ToArray();

    /// <summary>Expected values computed outside this code base (Python: FF1 from SP 800-38G over the
    /// <c>cryptography</c> package's AES, the construction written again from this class's documentation).</summary>
    public static IEnumerable<TestCaseData> KnownAnswers()
    {
        yield return new TestCaseData("4111 1111 1111 1111", "7959 8412 0471 1111").SetName("A_spaced_16_digit_Visa_test_number_has_the_pinned_surrogate");
        yield return new TestCaseData("5555-5555-5555-4444", "3757-2228-4616-4444").SetName("A_dashed_Mastercard_test_number_has_the_pinned_surrogate");
        yield return new TestCaseData("378282246310005", "991370006440005").SetName("A_15_digit_Amex_test_number_has_the_pinned_surrogate");
        yield return new TestCaseData("6011.0009.9013.9424", "4702.2785.9831.9424").SetName("A_dotted_Discover_test_number_has_the_pinned_surrogate");
        yield return new TestCaseData("411111111117", "233671081117").SetName("A_12_digit_PAN_has_the_pinned_surrogate");
        yield return new TestCaseData("4000000000000000006", "2782812491938710006").SetName("A_19_digit_PAN_has_the_pinned_surrogate");
    }

    [TestCaseSource(nameof(KnownAnswers))]
    public void Known_answer(string pan, string expected)
    {
        using var key = SecretKey.Copy(Key);

        Assert.That(PanSurrogate.Encrypt(key, Tweak, pan), Is.EqualTo(expected));
        Assert.That(PanSurrogate.Decrypt(key, Tweak, expected), Is.EqualTo(pan));
    }

    public static IEnumerable<TestCaseData> Lengths() =>
        Enumerable.Range(PanSurrogate.MinDigits, PanSurrogate.MaxDigits - PanSurrogate.MinDigits + 1)
            .Select(n => new TestCaseData(n).SetName($"A_thousand_valid_{n}_digit_PANs_get_surrogates_that_fail_Luhn_keep_length_layout_and_last_four_and_round_trip"));

    [TestCaseSource(nameof(Lengths))]
    public void Properties(int length)
    {
        using var key = SecretKey.Copy(Key);

        for (var i = 0; i < PansPerLength; i++)
        {
            var pan = RandomPan(length, i);

            Assert.That(PanSurrogate.TryEncrypt(key, Tweak, pan, out var surrogate), Is.True, pan);
            Assert.That(ReferenceLuhnIsValid(surrogate!), Is.False, $"{pan} -> {surrogate} passes Luhn");
            Assert.That(PanSurrogate.IsSurrogate(surrogate!) && !PanSurrogate.IsSurrogate(pan), Is.True, pan);
            Assert.That(surrogate, Has.Length.EqualTo(pan.Length));
            Assert.That(Digits(surrogate!), Has.Length.EqualTo(length));
            Assert.That(Digits(surrogate!)[^4..], Is.EqualTo(Digits(pan)[^4..]), pan);
            Assert.That(Layout(surrogate!), Is.EqualTo(Layout(pan)), pan);
            Assert.That(surrogate, Is.Not.EqualTo(pan));
            Assert.That(PanSurrogate.Decrypt(key, Tweak, surrogate!), Is.EqualTo(pan));
        }
    }

    [TestCaseSource(nameof(Lengths))]
    public void Determinism_and_dependence_on_key_and_tweak(int length)
    {
        using var key = SecretKey.Copy(Key);
        using var otherKey = Seeded.Key("pan-other-key");
        var sameHead = 0;

        for (var i = 0; i < PansPerLength / 4; i++)
        {
            var pan = RandomPan(length, i);
            var surrogate = PanSurrogate.Encrypt(key, Tweak, pan);

            Assert.That(PanSurrogate.Encrypt(key, Tweak, pan), Is.EqualTo(surrogate));
            Assert.That(PanSurrogate.Encrypt(otherKey, Tweak, pan), Is.Not.EqualTo(surrogate), pan);
            Assert.That(PanSurrogate.Encrypt(key, "acme\0PAM"u8, pan), Is.Not.EqualTo(surrogate), pan);
            if (Digits(surrogate)[..6] == Digits(pan)[..6])
            {
                sameHead++;
            }
        }

        // The issuer digits are encrypted: a kept prefix would show up far above the 1-in-a-million chance.
        Assert.That(sameHead, Is.LessThanOrEqualTo(1));
    }

    /// <summary>The claim the construction rests on: at the free position (4 from the right) each digit value gives a
    /// different Luhn residue, at every length.</summary>
    [TestCaseSource(nameof(Lengths))]
    public void Each_value_of_the_free_digit_gives_a_different_residue(int length)
    {
        var numerals = Seeded.Numerals("pan-free", length, length);
        var residues = new HashSet<int>();

        for (byte d = 0; d < 10; d++)
        {
            numerals[length - 5] = d;
            residues.Add(PanSurrogate.LuhnResidue(numerals));
        }

        Assert.That(residues, Has.Count.EqualTo(10));
    }

    [Test]
    public void The_internal_Luhn_residue_agrees_with_a_reference_check()
    {
        for (var i = 0; i < 2000; i++)
        {
            var digits = Seeded.Digits("pan-luhn", i, 12 + (i % 8));

            Assert.That(PanSurrogate.LuhnResidue([.. digits.Select(c => (byte)(c - '0'))]) == 0, Is.EqualTo(ReferenceLuhnIsValid(digits)), digits);
        }
    }

    public static IEnumerable<TestCaseData> Unsupported()
    {
        yield return new TestCaseData("4111 1111 1111 1112").SetName("A_PAN_that_fails_Luhn_is_unsupported");
        yield return new TestCaseData("41111111116").SetName("Eleven_digits_are_unsupported");
        yield return new TestCaseData("41111111111111111113").SetName("Twenty_digits_are_unsupported");
        yield return new TestCaseData("4111/1111/1111/1111").SetName("A_slash_is_not_a_PAN_separator");
        yield return new TestCaseData("4111 1111 1111 111\uFF11").SetName("A_full_width_digit_is_unsupported");
        yield return new TestCaseData("PAN 4111111111111111").SetName("Letters_are_unsupported");
        yield return new TestCaseData("").SetName("An_empty_value_is_unsupported");
    }

    [TestCaseSource(nameof(Unsupported))]
    public void Unsupported_values_are_refused_without_naming_them(string pan)
    {
        using var key = SecretKey.Copy(Key);

        Assert.That(PanSurrogate.CanEncrypt(pan), Is.False);
        Assert.That(PanSurrogate.TryEncrypt(key, Tweak, pan, out var surrogate), Is.False);
        Assert.That(surrogate, Is.Null);
        var e = Assert.Throws<ArgumentException>(() => PanSurrogate.Encrypt(key, Tweak, pan))!;
        Assert.That(e.ParamName, Is.EqualTo("pan"));
        if (pan.Length > 0)
        {
            Assert.That(e.Message, Does.Not.Contain(pan));
        }
    }

    [TestCase("4111 1111 1111 1111")]
    [TestCase("4111 1111 1111 1112")]
    [TestCase("4111 1111 1111 1113")]
    public void Only_residue_5_is_a_surrogate_and_nothing_else_is_decrypted(string text)
    {
        using var key = SecretKey.Copy(Key);

        Assert.That(PanSurrogate.IsSurrogate(text), Is.False);
        var e = Assert.Throws<ArgumentException>(() => PanSurrogate.Decrypt(key, Tweak, text))!;
        Assert.That(e.ParamName, Is.EqualTo("surrogate"));
        Assert.That(e.Message, Does.Not.Contain(text));
    }

    [Test]
    public void A_short_key_and_a_long_tweak_are_refused()
    {
        using var shortKey = SecretKey.Generate(16);
        using var key = SecretKey.Copy(Key);

        Assert.That(() => PanSurrogate.Encrypt(shortKey, Tweak, "4111111111111111"), Throws.ArgumentException.With.Property("ParamName").EqualTo("key"));
        Assert.That(() => PanSurrogate.Encrypt(key, new byte[PanSurrogate.MaxTweakLength + 1], "4111111111111111"), Throws.ArgumentException.With.Property("ParamName").EqualTo("tweak"));
        Assert.That(() => PanSurrogate.Decrypt(key, new byte[PanSurrogate.MaxTweakLength + 1], "7959 8412 0471 1111"), Throws.ArgumentException.With.Property("ParamName").EqualTo("tweak"));
    }

    /// <summary>A Luhn-valid PAN of the given length with a reproducible layout: bare, grouped by 4 with spaces,
    /// dashes or dots, or separators in odd places.</summary>
    private static string RandomPan(int length, int index)
    {
        var numerals = Seeded.Numerals($"pan-{length}", index, length);
        numerals[^1] = 0;
        numerals[^1] = (byte)((10 - PanSurrogate.LuhnResidue(numerals)) % 10);
        var digits = string.Concat(numerals.Select(d => (char)('0' + d)));
        return (index % 5) switch
        {
            0 => digits,
            1 => string.Join(' ', digits.Chunk(4).Select(c => new string(c))),
            2 => string.Join('-', digits.Chunk(4).Select(c => new string(c))),
            3 => string.Join('.', digits.Chunk(4).Select(c => new string(c))),
            _ => string.Concat(" ", digits[..3], "-", digits[3..^2], " . ", digits[^2..]),
        };
    }

    /// <summary>The textbook check, written apart from the code under test: double every second digit from the right.</summary>
    private static bool ReferenceLuhnIsValid(string text)
    {
        var digits = Digits(text);
        var sum = 0;
        for (var i = 0; i < digits.Length; i++)
        {
            var d = digits[digits.Length - 1 - i] - '0';
            if (i % 2 == 1)
            {
                d *= 2;
                d = d > 9 ? d - 9 : d;
            }

            sum += d;
        }

        return sum % 10 == 0;
    }

    private static string Digits(string text) => string.Concat(text.Where(char.IsAsciiDigit));

    private static string Layout(string text) => string.Concat(text.Select(c => char.IsAsciiDigit(c) ? '#' : c));
}

namespace PrivateInference.Redactor.Tests.Detection;

/// <summary>Spec §4 IBAN: country code, check digits, BBAN; grouped in fours or not; mod-97 and per-country length.</summary>
public sealed class IbanDetectionTests
{
    private const EntityType Iban = EntityType.Iban;

    /// <summary>Published example IBANs, each checked by <see cref="Valid_ibans_in_the_tables_are_mod97_valid"/>.</summary>
    public static readonly (string Country, string Iban)[] Valid =
    [
        ("de", "DE89370400440532013000"),
        ("gb", "GB82WEST12345698765432"),
        ("fr", "FR1420041010050500013M02606"),
        ("nl", "NL91ABNA0417164300"),
        ("ch", "CH9300762011623852957"),
        ("es", "ES9121000418450200051332"),
        ("it", "IT60X0542811101000000123456"),
        ("be", "BE68539007547034"),
        ("no", "NO9386011117947"),
        ("mt", "MT84MALT011000012345MTLCAST001S"),
    ];

    /// <summary>Mod-97-valid strings that are not IBANs because of their length or country.</summary>
    public static readonly (string Why, string Text)[] Mod97ValidButWrong =
    [
        ("German_iban_one_character_short", "DE5137040044053201300"),
        ("German_iban_one_character_long", "DE543704004405320130001"),
        ("Unknown_country_code", "QQ33370400440532013000"),
    ];

    public static IEnumerable<TestCaseData> Cases()
    {
        foreach (var (country, iban) in Valid)
        {
            yield return Row.Finds($"Ungrouped_{country}_iban_is_an_iban", $"IBAN «{iban}» on file", Iban);
            yield return Row.Finds($"Grouped_{country}_iban_is_an_iban", $"IBAN «{GroupInFours(iban)}» on file", Iban);
        }

        yield return Row.Finds("Grouped_german_iban_from_the_spec_is_an_iban", "Pay to «DE89 3704 0044 0532 0130 00» today", Iban);
        yield return Row.Finds("Iban_without_iban_wording_is_an_iban", "Pay to «GB82WEST12345698765432» today", Iban);
        yield return Row.Finds("Iban_alone_is_an_iban", "«NL91ABNA0417164300»", Iban);
        yield return Row.Finds("Iban_before_comma_and_bic_is_only_the_iban", "IBAN: «DE89370400440532013000», BIC COBADEFFXXX", Iban);
        yield return Row.Finds("Iban_before_full_stop_excludes_the_full_stop", "Send it to «FR1420041010050500013M02606».", Iban);
        yield return Row.Finds(
            "Two_ibans_in_one_text_are_two_entities",
            "From «DE89370400440532013000» to «GB82 WEST 1234 5698 7654 32»",
            Iban,
            Iban);
    }

    public static IEnumerable<TestCaseData> Negatives()
    {
        yield return Row.FindsNothing("German_iban_with_last_digit_changed_is_not_an_iban", "IBAN DE89370400440532013001 on file");
        yield return Row.FindsNothing("Grouped_german_iban_with_last_digit_changed_is_not_an_iban", "IBAN DE89 3704 0044 0532 0130 01 on file");
        yield return Row.FindsNothing("British_iban_with_last_digit_changed_is_not_an_iban", "IBAN GB82WEST12345698765433 on file");
        yield return Row.FindsNothing("German_iban_with_check_digits_swapped_is_not_an_iban", "IBAN DE98370400440532013000 on file");
        foreach (var (why, text) in Mod97ValidButWrong)
        {
            yield return Row.FindsNothing($"{why}_is_not_an_iban_although_mod97_valid", $"IBAN {text} on file");
        }
    }

    [TestCaseSource(nameof(Cases))]
    public void Iban_is_found_exactly(string marked, EntityType[] types) => Scanner.AssertFinds(marked, types);

    [TestCaseSource(nameof(Negatives))]
    public void Not_an_iban(string text) => Scanner.AssertFindsNothing(text);

    [Test]
    public void Valid_ibans_in_the_tables_are_mod97_valid()
    {
        foreach (var (country, iban) in Valid)
        {
            Assert.That(Ibans.IsMod97Valid(iban), Is.True, country);
        }

        foreach (var (why, text) in Mod97ValidButWrong)
        {
            Assert.That(Ibans.IsMod97Valid(text), Is.True, why);
        }
    }

    [TestCase("DE89370400440532013001")]
    [TestCase("GB82WEST12345698765433")]
    [TestCase("DE98370400440532013000")]
    public void Changed_ibans_in_the_tables_fail_mod97(string iban) =>
        Assert.That(Ibans.IsMod97Valid(iban), Is.False);

    private static string GroupInFours(string iban) =>
        string.Join(' ', iban.Chunk(4).Select(chunk => new string(chunk)));
}

using System.Globalization;

namespace PrivateInference.Redactor.Tests.Detection;

/// <summary>Spec §4 PAN: 13–19 digits, grouped or not, Luhn-valid, in an issuer range, not part of a longer run.</summary>
public sealed class PanDetectionTests
{
    private const EntityType Pan = EntityType.Pan;

    /// <summary>Published test-card numbers, each Luhn-checked by <see cref="Known_test_card_numbers_are_luhn_valid"/>.</summary>
    public static readonly (string Brand, string Number)[] KnownTestCards =
    [
        ("visa", "4111111111111111"),
        ("visa_4012", "4012888888881881"),
        ("visa_13_digits", "4222222222222"),
        ("visa_19_digits", "4111111111111111110"),
        ("mastercard_5555", "5555555555554444"),
        ("mastercard_5105", "5105105105105100"),
        ("mastercard_2_series", "2223003122003222"),
        ("amex", "378282246310005"),
        ("discover", "6011111111111117"),
        ("jcb", "3530111333300000"),
        ("diners", "30569309025904"),
        ("unionpay", "6200000000000005"),
        ("unionpay_19_digits", "6221260000000000001"),
        ("maestro", "6759000000000000"),
    ];

    public static IEnumerable<TestCaseData> Cases()
    {
        foreach (var (brand, number) in KnownTestCards)
        {
            yield return Row.Finds($"Ungrouped_{brand}_is_one_pan", $"Card number «{number}» on file", Pan);
        }

        yield return Row.Finds("Grouped_visa_with_spaces_is_one_pan", "Card «4111 1111 1111 1111» on file", Pan);
        yield return Row.Finds("Grouped_visa_with_dashes_is_one_pan", "Card «4111-1111-1111-1111» on file", Pan);
        yield return Row.Finds("Grouped_visa_with_dots_is_one_pan", "Card «4111.1111.1111.1111» on file", Pan);
        yield return Row.Finds("Grouped_mastercard_with_spaces_is_one_pan", "Card «5555 5555 5555 4444» on file", Pan);
        yield return Row.Finds("Grouped_mastercard_2_series_with_dashes_is_one_pan", "Card «2223-0031-2200-3222» on file", Pan);
        yield return Row.Finds("Amex_grouped_4_6_5_with_spaces_is_one_pan", "Amex «3782 822463 10005» on file", Pan);
        yield return Row.Finds("Amex_grouped_4_6_5_with_dashes_is_one_pan", "Amex «3782-822463-10005» on file", Pan);
        yield return Row.Finds("Diners_grouped_4_6_4_is_one_pan", "Diners «3056 930902 5904» on file", Pan);
        yield return Row.Finds("Visa_19_grouped_4_4_4_4_3_is_one_pan", "Card «4111 1111 1111 1111 110» on file", Pan);
        yield return Row.Finds("Unionpay_19_grouped_4_4_4_4_3_is_one_pan", "Card «6221 2600 0000 0000 001» on file", Pan);
        yield return Row.Finds("Jcb_grouped_with_dots_is_one_pan", "Card «3530.1113.3330.0000» on file", Pan);
        yield return Row.Finds("Discover_grouped_with_spaces_is_one_pan", "Card «6011 1111 1111 1117» on file", Pan);

        yield return Row.Finds("Pan_alone_is_one_pan", "«4111111111111111»", Pan);
        yield return Row.Finds("Pan_at_start_of_text_is_one_pan", "«4111111111111111» was declined", Pan);
        yield return Row.Finds("Pan_at_end_of_text_is_one_pan", "Declined card «4111111111111111»", Pan);
        yield return Row.Finds("Pan_before_full_stop_excludes_the_full_stop", "Card was «4111 1111 1111 1111».", Pan);
        yield return Row.Finds("Pan_in_parentheses_excludes_the_parentheses", "Card («5555555555554444») declined", Pan);
        yield return Row.Finds("Pan_after_colon_without_space_is_one_pan", "PAN:«4111111111111111»", Pan);
        yield return Row.Finds("Pan_on_its_own_line_is_one_pan", "Card:\n«4111111111111111»\nthanks", Pan);
        yield return Row.Finds("Pan_in_quotes_is_one_pan", "{\"card\":\"«4111111111111111»\"}", Pan);
        yield return Row.Finds("Pan_in_a_url_query_is_one_pan", "https://shop.test/pay?card=«4111111111111111»&step=2", Pan);
        yield return Row.Finds(
            "Two_pans_in_one_text_are_two_entities",
            "Old «4111 1111 1111 1111», new «5555 5555 5555 4444»",
            Pan,
            Pan);
        yield return Row.Finds(
            "Three_brands_separated_by_commas_are_three_entities",
            "«378282246310005»,«6011111111111117»,«3530111333300000»",
            Pan,
            Pan,
            Pan);

        yield return Row.Finds("Zero_width_spaces_between_groups_are_inside_the_pan", "Card «4111\u200B1111\u200B1111\u200B1111» ok", Pan);
        yield return Row.Finds("Zero_width_non_joiner_inside_digits_is_inside_the_pan", "Card «41111111\u200C11111111» ok", Pan);
        yield return Row.Finds("Zero_width_joiner_after_first_digit_is_inside_the_pan", "Card «4\u200D111111111111111» ok", Pan);
        yield return Row.Finds("Word_joiner_inside_digits_is_inside_the_pan", "Card «4111111111111\u2060111» ok", Pan);
        yield return Row.Finds("Byte_order_marks_between_groups_are_inside_the_pan", "Card «4111\uFEFF1111\uFEFF1111\uFEFF1111» ok", Pan);
        yield return Row.Finds("Zero_width_space_beside_a_grouping_space_is_inside_the_pan", "Card «4111 \u200B1111 1111\u200B 1111» ok", Pan);
        yield return Row.Finds("Several_zero_width_characters_in_a_row_are_inside_the_pan", "Card «4111\u200B\u200C\u200D\u2060\uFEFF111111111111» ok", Pan);
        yield return Row.Finds("Zero_width_spaces_in_amex_groups_are_inside_the_pan", "Amex «3782\u200B822463\u200B10005» ok", Pan);
        yield return Row.Finds("No_break_spaces_as_grouping_are_inside_the_pan", "Card «4111\u00A01111\u00A01111\u00A01111» ok", Pan);
        yield return Row.Finds("Narrow_no_break_spaces_as_grouping_are_inside_the_pan", "Card «4111\u202F1111\u202F1111\u202F1111» ok", Pan);
        yield return Row.Finds("Full_width_digits_ungrouped_are_one_pan", $"Card «{CardNumbers.ToFullWidth("4111111111111111")}» ok", Pan);
        yield return Row.Finds("Full_width_digits_grouped_by_spaces_are_one_pan", $"Card «{CardNumbers.ToFullWidth("5555 5555 5555 4444")}» ok", Pan);
        yield return Row.Finds("Full_width_and_ascii_digits_mixed_are_one_pan", $"Card «{CardNumbers.ToFullWidth("4111 1111")} 1111 1111» ok", Pan);
        yield return Row.Finds(
            "Full_width_digits_with_zero_width_spaces_are_one_pan",
            $"Card «{CardNumbers.ToFullWidth("4111")}\u200B{CardNumbers.ToFullWidth("1111")}\u200B{CardNumbers.ToFullWidth("1111")}\u200B{CardNumbers.ToFullWidth("1111")}» ok",
            Pan);

        foreach (var row in GeneratedCases())
        {
            yield return row;
        }
    }

    public static IEnumerable<TestCaseData> Negatives()
    {
        foreach (var row in NegativeRows())
        {
            yield return row;
        }
    }

    /// <summary>
    /// The spec's order/tracking/terminal/merchant hard negatives are not card-shaped. A number that meets
    /// every PAN rule (length, Luhn, issuer range, own digit run) stays a PAN whatever word precedes it:
    /// otherwise a label is enough to send a real card number through unredacted.
    /// </summary>
    public static IEnumerable<TestCaseData> CardShapedAfterOtherWording()
    {
        yield return Row.Finds("Card_shaped_number_after_order_wording_is_still_a_pan", "Order #«4111111111111111»", Pan);
        yield return Row.Finds("Card_shaped_number_after_ref_wording_is_still_a_pan", "Ref «4111 1111 1111 1111»", Pan);
        yield return Row.Finds("Card_shaped_number_after_phone_wording_is_still_a_pan", "Phone: «5555 5555 5555 4444»", Pan);
        yield return Row.Finds("Card_shaped_number_after_tracking_wording_is_still_a_pan", "tracking «378282246310005»", Pan);
        yield return Row.Finds("Card_shaped_number_after_terminal_id_wording_is_still_a_pan", "Terminal ID «6011111111111117»", Pan);
        yield return Row.Finds("Card_shaped_number_after_invoice_wording_is_still_a_pan", "Invoice «4012888888881881»", Pan);
    }

    [TestCaseSource(nameof(CardShapedAfterOtherWording))]
    public void Pan_is_found_despite_other_wording(string marked, EntityType[] types) => Scanner.AssertFinds(marked, types);

    private static IEnumerable<TestCaseData> NegativeRows()
    {
        yield return Row.FindsNothing("Luhn_invalid_visa_is_not_a_pan", "Card 4111111111111112 on file");
        yield return Row.FindsNothing("Luhn_invalid_grouped_visa_is_not_a_pan", "Card 4111 1111 1111 1112 on file");
        yield return Row.FindsNothing("Luhn_invalid_amex_is_not_a_pan", "Amex 378282246310006 on file");
        yield return Row.FindsNothing("Twelve_luhn_valid_digits_are_too_short_for_a_pan", "Card 411111111117 on file");
        yield return Row.FindsNothing("Twenty_luhn_valid_digits_are_too_long_for_a_pan", "Card 41111111111111111115 on file");
        yield return Row.FindsNothing("Valid_pan_followed_by_more_digits_in_one_run_is_not_a_pan", "Ref 41111111111111110000 on file");
        yield return Row.FindsNothing("Valid_pan_preceded_by_more_digits_in_one_run_is_not_a_pan", "Ref 12344111111111111111 on file");
        yield return Row.FindsNothing("Valid_pan_inside_a_21_digit_run_is_not_a_pan", "Ref 987654111111111111111 on file");
        yield return Row.FindsNothing("Luhn_valid_16_digits_starting_with_9_are_not_a_pan", "Ref 9999999999999995 on file");
        yield return Row.FindsNothing("Luhn_valid_16_digits_starting_with_1_are_not_a_pan", "Ref 1000000000000008 on file");
        yield return Row.FindsNothing("Luhn_valid_16_digits_starting_with_8_are_not_a_pan", "Ref 8000000000000003 on file");
        yield return Row.FindsNothing("Luhn_valid_16_digits_starting_with_2220_are_below_mastercard", "Ref 2220000000000000 on file");
        yield return Row.FindsNothing("Luhn_valid_16_digits_starting_with_2721_are_above_mastercard", "Ref 2721000000000004 on file");
        yield return Row.FindsNothing("Amex_prefix_with_16_digits_is_not_a_pan", "Ref 3411111111111110 on file");

        foreach (var row in GeneratedNegatives())
        {
            yield return row;
        }
    }

    [TestCaseSource(nameof(Cases))]
    public void Pan_is_found_exactly(string marked, EntityType[] types) => Scanner.AssertFinds(marked, types);

    [TestCaseSource(nameof(Negatives))]
    public void Not_a_pan(string text) => Scanner.AssertFindsNothing(text);

    [Test]
    public void Known_test_card_numbers_are_luhn_valid()
    {
        foreach (var (brand, number) in KnownTestCards)
        {
            Assert.That(CardNumbers.IsLuhnValid(number), Is.True, brand);
        }
    }

    [Test]
    public void Generated_numbers_are_luhn_valid_and_broken_ones_are_not()
    {
        var random = new TestRandom(7);
        for (var i = 0; i < 200; i++)
        {
            var number = CardNumbers.Generate(random, "4", 16);
            Assert.That(CardNumbers.IsLuhnValid(number), Is.True);
            Assert.That(CardNumbers.IsLuhnValid(CardNumbers.BreakCheckDigit(number)), Is.False);
        }
    }

    /// <summary>Issuer ranges from the specification; each prefix gets Luhn-valid numbers from a fixed seed.</summary>
    private static readonly (string Brand, string[] Prefixes, int[] Lengths)[] Brands =
    [
        ("visa", ["4"], [13, 16, 19]),
        ("mastercard", ["51", "52", "53", "54", "55", "2221", "2500", "2720"], [16]),
        ("amex", ["34", "37"], [15]),
        ("discover", ["6011", "644", "645", "646", "647", "648", "649", "65"], [16]),
        ("jcb", ["3528", "3550", "3589"], [16]),
        ("diners", ["300", "301", "302", "303", "304", "305", "36", "38", "39"], [14]),
        ("unionpay", ["62"], [16, 19]),
        ("maestro", ["5018", "5020", "5038", "6304", "6759", "6761", "6762", "6763"], [16, 19]),
    ];

    private static readonly string[] Separators = [" ", "-", "."];

    private static IEnumerable<TestCaseData> GeneratedCases()
    {
        var random = new TestRandom(20_240_314);
        var n = 0;
        foreach (var (brand, prefixes, lengths) in Brands)
        {
            foreach (var prefix in prefixes)
            {
                foreach (var length in lengths)
                {
                    var number = CardNumbers.Generate(random, prefix, length);
                    var stem = string.Create(CultureInfo.InvariantCulture, $"Generated_{brand}_{prefix}_{length}_digits");
                    yield return Row.Finds($"{stem}_ungrouped_is_one_pan", $"Pay with «{number}» please", Pan);

                    if (CardNumbers.UsualGrouping(length) is { } sizes)
                    {
                        var separator = Separators[n++ % Separators.Length];
                        var grouped = CardNumbers.Group(number, separator, sizes);
                        var how = separator switch { " " => "spaces", "-" => "dashes", _ => "dots" };
                        yield return Row.Finds($"{stem}_grouped_by_{how}_is_one_pan", $"Pay with «{grouped}» please", Pan);
                    }
                }
            }
        }
    }

    private static IEnumerable<TestCaseData> GeneratedNegatives()
    {
        var random = new TestRandom(99);
        foreach (var (brand, prefixes, lengths) in Brands)
        {
            foreach (var prefix in prefixes)
            {
                foreach (var length in lengths)
                {
                    var broken = CardNumbers.BreakCheckDigit(CardNumbers.Generate(random, prefix, length));
                    var name = string.Create(CultureInfo.InvariantCulture, $"Generated_{brand}_{prefix}_{length}_digits_with_wrong_check_digit_is_not_a_pan");
                    yield return Row.FindsNothing(name, $"Pay with {broken} please");
                }
            }
        }
    }
}

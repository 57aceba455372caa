using System.Text;

namespace PrivateInference.Redactor.Tests.Detection;

/// <summary>Spec §5 bad input: odd characters, huge and adversarial texts never crash or hang.</summary>
public sealed class BadInputTests
{
    private const int OneMiB = 1_048_576;

    public static IEnumerable<TestCaseData> Cases()
    {
        yield return Row.Finds("Lone_high_surrogate_between_entities_leaves_both_found", "Card «4111111111111111» \uD800 SSN «123-45-6789»", EntityType.Pan, EntityType.Ssn);
        yield return Row.Finds("Lone_surrogates_around_a_pan_leave_it_found", "\uD800Card «4111111111111111» \uDC00", EntityType.Pan);
        yield return Row.Finds("Nul_characters_around_a_pan_leave_it_found", "Card\0«4111111111111111»\0", EntityType.Pan);
        yield return Row.Finds("Control_characters_around_a_pan_leave_it_found", "\u0001Card:\u0007«4111111111111111»\u001F\u007F", EntityType.Pan);
        yield return Row.Finds("Tabs_and_carriage_returns_around_a_pan_leave_it_found", "Card\t«4111111111111111»\r\n", EntityType.Pan);
    }

    public static IEnumerable<TestCaseData> NoCrashTexts()
    {
        yield return new TestCaseData(string.Empty).SetName("Empty_text_finds_nothing_and_does_not_crash");
        yield return new TestCaseData("\uD800").SetName("Lone_high_surrogate_alone_does_not_crash");
        yield return new TestCaseData("\uDC00").SetName("Lone_low_surrogate_alone_does_not_crash");
        yield return new TestCaseData("abc \uD800 def").SetName("Lone_surrogate_in_the_middle_does_not_crash");
        yield return new TestCaseData("4111\uD8001111\uDC001111 1111").SetName("Lone_surrogates_inside_digits_do_not_crash");
        yield return new TestCaseData("\uD83D\uDCB3 4111111111111111 \uD83D\uDCB3").SetName("Surrogate_pairs_beside_a_pan_do_not_crash");
        yield return new TestCaseData("\0\0\0\0").SetName("Only_nul_characters_do_not_crash");
        yield return new TestCaseData("\u001B[31m4111111111111111\u001B[0m").SetName("Ansi_escapes_around_a_pan_do_not_crash");
        yield return new TestCaseData("\u202E\u200F\u202E").SetName("Only_bidi_marks_do_not_crash");
        yield return new TestCaseData("\u200B\u200C\u200D\u2060\uFEFF").SetName("Only_zero_width_characters_do_not_crash");
        yield return new TestCaseData("4111 1111 1111 1111\u200B").SetName("Zero_width_space_at_end_of_text_does_not_crash");
        yield return new TestCaseData("\uFEFF4111111111111111").SetName("Byte_order_mark_at_start_of_text_does_not_crash");
        yield return new TestCaseData("%B").SetName("Track_1_start_alone_does_not_crash");
        yield return new TestCaseData(";").SetName("Track_2_start_alone_does_not_crash");
        yield return new TestCaseData("%B4111111111111111^").SetName("Truncated_track_1_does_not_crash");
        yield return new TestCaseData(";4111111111111111=").SetName("Truncated_track_2_does_not_crash");
        yield return new TestCaseData("CVV").SetName("Cvv_wording_at_end_of_text_does_not_crash");
        yield return new TestCaseData("123 is the").SetName("Cvv_suffix_wording_cut_short_does_not_crash");
        yield return new TestCaseData("exp 12/").SetName("Expiry_cut_short_does_not_crash");
        yield return new TestCaseData("DE89").SetName("Iban_prefix_alone_does_not_crash");
        yield return new TestCaseData("4").SetName("Single_digit_does_not_crash");
        yield return new TestCaseData(CardNumbers.ToFullWidth("4111 1111 1111 111")).SetName("Full_width_digits_one_short_do_not_crash");
    }

    /// <summary>Units repeated to exactly 1 MiB, aimed at backtracking and quadratic rescans.</summary>
    public static IEnumerable<TestCaseData> Adversarial()
    {
        yield return Huge("One_long_digit_run", "4111111111111111");
        yield return Huge("Visa_group_repeated", "4111 ");
        yield return Huge("Digit_dash_repeated", "1-");
        yield return Huge("Digit_dot_repeated", "1.");
        yield return Huge("Cvv_wording_repeated", "CVV ");
        yield return Huge("Cvv_with_digits_repeated", "CVV 123 ");
        yield return Huge("Track_1_start_repeated", "%B");
        yield return Huge("Caret_repeated", "^");
        yield return Huge("Track_1_head_repeated", "%B4111111111111111^");
        yield return Huge("Track_2_head_repeated", ";4111111111111111=");
        yield return Huge("Iban_head_repeated", "DE89 ");
        yield return Huge("Upper_case_letters_repeated", "ABCD");
        yield return Huge("Digit_and_zero_width_space_repeated", "4\u200B");
        yield return Huge("Full_width_digit_group_repeated", CardNumbers.ToFullWidth("4111 "));
        yield return Huge("Expiry_wording_repeated", "exp 12/");
        yield return Huge("Ssn_shape_repeated", "123-45-");
        yield return Huge("Security_code_wording_repeated", "security code ");
        yield return Huge("Lone_surrogate_repeated", "\uD800");
        yield return Huge("Spaces_repeated", " ");
    }

    [TestCaseSource(nameof(Cases))]
    public void Odd_characters_leave_entities_found(string marked, EntityType[] types) => Scanner.AssertFinds(marked, types);

    [TestCaseSource(nameof(NoCrashTexts))]
    public async Task Odd_text(string text)
    {
        var entities = await Scanner.ScanWithinLimitAsync(text);
        Assert.That(entities, Is.Not.Null);
    }

    [Test]
    public void Empty_text_finds_nothing() => Assert.That(DetectionEngine.Default.Scan(string.Empty), Is.Empty);

    [TestCase('\u202E', '\u202C', EntityType.Pan, "4111111111111111", TestName = "Right_to_left_override_around_a_pan_leaves_the_pan_found")]
    [TestCase('\u200F', '\u200F', EntityType.Pan, "4111 1111 1111 1111", TestName = "Right_to_left_marks_around_a_grouped_pan_leave_the_pan_found")]
    [TestCase('\u202E', '\u202C', EntityType.Ssn, "123-45-6789", TestName = "Right_to_left_override_around_an_ssn_leaves_the_ssn_found")]
    [TestCase('\u200F', '\u200F', EntityType.Iban, "DE89370400440532013000", TestName = "Right_to_left_marks_around_an_iban_leave_the_iban_found")]
    public void Bidi_marks_around_a_value(char before, char after, EntityType type, string value)
    {
        const string Prefix = "Value ";
        var text = $"{Prefix}{before}{value}{after} end";
        var markStart = Prefix.Length;
        var valueStart = markStart + 1;
        var valueEnd = valueStart + value.Length;
        var markEnd = valueEnd + 1;

        var entities = Scanner.Scan(text);

        var found = CardData.HitsIn(entities);
        Assert.That(found.Select(h => h.Type), Is.EqualTo(new[] { type }), "one entity of the value's type");
        Assert.That(found[0].Start, Is.InRange(markStart, valueStart), "starts at the mark or the value");
        Assert.That(found[0].End, Is.InRange(valueEnd, markEnd), "ends at the value or the mark");
    }

    [Test]
    public async Task One_mebibyte_of_prose_with_pans_finds_exactly_those_pans()
    {
        const string Filler = "Lorem ipsum dolor sit amet, consectetur adipiscing elit. ";
        const string Card = " 4111111111111111 ";
        var builder = new StringBuilder(Repeat(Filler, OneMiB));
        int[] at = [1_000, 524_288, OneMiB - Card.Length];
        foreach (var offset in at)
        {
            builder.Remove(offset, Card.Length).Insert(offset, Card);
        }

        var text = builder.ToString();
        Assert.That(text, Has.Length.EqualTo(OneMiB));

        var entities = await Scanner.ScanWithinLimitAsync(text);

        var expected = at.Select(offset => new Hit(EntityType.Pan, offset + 1, offset + Card.Length - 1));
        Assert.That(CardData.HitsIn(entities), Is.EqualTo(expected));
    }

    [TestCaseSource(nameof(Adversarial))]
    public async Task Adversarial_mebibyte(string text)
    {
        Assert.That(text, Has.Length.EqualTo(OneMiB));
        var entities = await Scanner.ScanWithinLimitAsync(text);
        Assert.That(entities, Is.Not.Null);
    }

    [Test]
    public async Task One_mebibyte_digit_run_is_not_a_pan()
    {
        var entities = await Scanner.ScanWithinLimitAsync(Repeat("4111111111111111", OneMiB));
        Assert.That(CardData.HitsIn(entities), Is.Empty);
    }

    [Test]
    public async Task Ten_thousand_ssns_in_one_text_are_all_found()
    {
        const string Unit = "SSN 123-45-6789. ";
        const int Count = 10_000;
        var text = Repeat(Unit, Unit.Length * Count);

        var entities = await Scanner.ScanWithinLimitAsync(text);

        var expected = Enumerable.Range(0, Count).Select(i => new Hit(EntityType.Ssn, (i * Unit.Length) + 4, (i * Unit.Length) + 15));
        Assert.That(CardData.HitsIn(entities), Is.EqualTo(expected));
    }

    [Test]
    public void A_scan_after_one_with_many_entities_on_the_same_thread_still_works()
    {
        var many = Repeat("CVV 123 ", 8 * 5_000);
        Assert.That(CardData.HitsIn(DetectionEngine.Default.Scan(many)), Has.Count.EqualTo(5_000));
        Scanner.AssertFinds("Card «4111111111111111» ok", [EntityType.Pan]);
    }

    private static TestCaseData Huge(string name, string unit) =>
        new TestCaseData(Repeat(unit, OneMiB)).SetName($"{name}_for_one_mebibyte_completes");

    private static string Repeat(string unit, int length)
    {
        var builder = new StringBuilder(length + unit.Length);
        while (builder.Length < length)
        {
            builder.Append(unit);
        }

        builder.Length = length;
        return builder.ToString();
    }
}

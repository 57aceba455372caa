namespace PrivateInference.Redactor.Tests.Detection;

/// <summary>Spec §4 SSN: dashed or spaced anywhere; plain nine digits only with context; invalid parts rejected.</summary>
public sealed class SsnDetectionTests
{
    private const EntityType Ssn = EntityType.Ssn;

    public static IEnumerable<TestCaseData> Cases()
    {
        yield return Row.Finds("Dashed_ssn_after_ssn_is_an_ssn", "SSN «123-45-6789»", Ssn);
        yield return Row.Finds("Dashed_ssn_after_ssn_colon_without_space_is_an_ssn", "SSN:«123-45-6789»", Ssn);
        yield return Row.Finds("Plain_nine_digits_after_lower_case_ssn_is_an_ssn", "ssn «219099999»", Ssn);
        yield return Row.Finds("Dashed_ssn_without_context_is_an_ssn", "Record «219-09-9999» updated", Ssn);
        yield return Row.Finds("Dashed_ssn_in_a_sentence_before_a_full_stop_is_an_ssn", "His SSN is «219-09-9999».", Ssn);
        yield return Row.Finds("Spaced_ssn_after_ssn_is_an_ssn", "SSN «123 45 6789»", Ssn);
        yield return Row.Finds("Plain_nine_digits_after_ssn_is_an_ssn", "SSN «219099999»", Ssn);
        yield return Row.Finds("Plain_nine_digits_after_ssn_colon_is_an_ssn", "SSN: «219099999»", Ssn);
        yield return Row.Finds("Plain_nine_digits_after_social_security_number_is_an_ssn", "social security number: «219099999»", Ssn);
        yield return Row.Finds("Lowest_valid_parts_are_an_ssn", "SSN «001-01-0001»", Ssn);
        yield return Row.Finds("Area_665_is_an_ssn", "SSN «665-12-3456»", Ssn);
        yield return Row.Finds("Area_667_is_an_ssn", "SSN «667-12-3456»", Ssn);
        yield return Row.Finds("Area_899_is_an_ssn", "SSN «899-99-9999»", Ssn);
        yield return Row.Finds("Two_dashed_ssns_are_two_entities", "«123-45-6789» and «219-09-9999»", Ssn, Ssn);
        yield return Row.Finds("Spaced_ssn_without_context_is_an_ssn", "Record «219 09 9999» updated", Ssn);
        yield return Row.Finds("Dashed_ssn_after_phone_wording_is_still_an_ssn", "Phone «219-09-9999»", Ssn);
        yield return Row.Finds("Dashed_ssn_after_ref_wording_is_still_an_ssn", "Ref «219-09-9999»", Ssn);
    }

    public static IEnumerable<TestCaseData> Negatives()
    {
        yield return Row.FindsNothing("Area_000_is_not_an_ssn", "SSN 000-12-3456");
        yield return Row.FindsNothing("Area_666_is_not_an_ssn", "SSN 666-12-3456");
        yield return Row.FindsNothing("Area_900_is_not_an_ssn", "SSN 900-12-3456");
        yield return Row.FindsNothing("Area_999_is_not_an_ssn", "SSN 999-12-3456");
        yield return Row.FindsNothing("Group_00_is_not_an_ssn", "SSN 123-00-6789");
        yield return Row.FindsNothing("Serial_0000_is_not_an_ssn", "SSN 123-45-0000");
        yield return Row.FindsNothing("Spaced_area_000_is_not_an_ssn", "SSN 000 12 3456");
        yield return Row.FindsNothing("Plain_area_666_with_context_is_not_an_ssn", "SSN 666123456");
        yield return Row.FindsNothing("Plain_area_900_with_context_is_not_an_ssn", "SSN 900123456");
        yield return Row.FindsNothing("Plain_group_00_with_context_is_not_an_ssn", "SSN 123006789");
        yield return Row.FindsNothing("Plain_serial_0000_with_context_is_not_an_ssn", "SSN 123450000");
        yield return Row.FindsNothing("Plain_nine_digits_without_context_are_not_an_ssn", "Invoice 219099999 paid");
        yield return Row.FindsNothing("Dashed_ssn_shape_with_five_digit_serial_is_not_an_ssn", "Part 123-45-67890");
        yield return Row.FindsNothing("Dashed_ssn_shape_with_four_digit_area_is_not_an_ssn", "Part 9123-45-6789");
        yield return Row.FindsNothing("Ten_digits_after_ssn_are_not_an_ssn", "SSN 2190999990");
    }

    [TestCaseSource(nameof(Cases))]
    public void Ssn_is_found_exactly(string marked, EntityType[] types) => Scanner.AssertFinds(marked, types);

    [TestCaseSource(nameof(Negatives))]
    public void Not_an_ssn(string text) => Scanner.AssertFindsNothing(text);
}

namespace PrivateInference.Redactor.Tests.Detection;

/// <summary>Spec §4 EXPIRY: MM/YY, MM/YYYY, MM-YY, MMYY beside expiry wording or right after a PAN.</summary>
public sealed class ExpiryDetectionTests
{
    private const EntityType Expiry = EntityType.Expiry;

    public static IEnumerable<TestCaseData> Cases()
    {
        yield return Row.Finds("Exp_then_mm_slash_yy_is_an_expiry", "exp «12/27»", Expiry);
        yield return Row.Finds("Upper_case_exp_then_mm_slash_yy_is_an_expiry", "EXP «12/27»", Expiry);
        yield return Row.Finds("Expires_then_mm_slash_yyyy_is_an_expiry", "expires «09/2028»", Expiry);
        yield return Row.Finds("Expiration_colon_then_mm_dash_yy_is_an_expiry", "Expiration: «03-29»", Expiry);
        yield return Row.Finds("Valid_thru_then_mmyy_is_an_expiry", "valid thru «0728»", Expiry);
        yield return Row.Finds("Expiry_date_then_mm_slash_yy_is_an_expiry", "Expiry date: «01/30»", Expiry);
        yield return Row.Finds("Exp_date_then_mm_slash_yyyy_is_an_expiry", "Exp date «11/2026»", Expiry);
        yield return Row.Finds("Expiry_in_a_sentence_before_a_full_stop_is_an_expiry", "The card expires «05/31».", Expiry);
        yield return Row.Finds("Month_01_is_an_expiry", "exp «01/27»", Expiry);
        yield return Row.Finds("Mm_slash_yy_followed_by_expiry_wording_is_an_expiry", "«12/27» is the expiry date", Expiry);
        yield return Row.Finds("Exp_with_full_stop_then_mm_slash_yy_is_an_expiry", "Exp. «12/27»", Expiry);
        yield return Row.Finds("Exp_colon_without_space_then_mm_slash_yy_is_an_expiry", "Exp:«12/27»", Expiry);
        yield return Row.Finds("Upper_case_valid_thru_then_mm_slash_yy_is_an_expiry", "VALID THRU «07/28»", Expiry);
        yield return Row.Finds(
            "Mm_slash_yy_right_after_grouped_pan_is_an_expiry",
            "«4111 1111 1111 1111» «12/27»",
            EntityType.Pan,
            Expiry);
        yield return Row.Finds(
            "Mm_slash_yy_right_after_ungrouped_pan_is_an_expiry",
            "Card «4111111111111111» «12/27» on file",
            EntityType.Pan,
            Expiry);
        yield return Row.Finds(
            "Mm_slash_yyyy_right_after_pan_is_an_expiry",
            "Card «5555 5555 5555 4444» «09/2028» on file",
            EntityType.Pan,
            Expiry);
        yield return Row.Finds(
            "Date_of_birth_then_card_expiry_is_only_the_expiry",
            "DOB: 12/27/1980, card exp «01/29»",
            Expiry);
    }

    public static IEnumerable<TestCaseData> Negatives()
    {
        yield return Row.FindsNothing("Date_of_birth_is_not_an_expiry", "DOB 12/27/1980");
        yield return Row.FindsNothing("Bare_mm_slash_yy_is_not_an_expiry", "Meeting moved to 12/27");
        yield return Row.FindsNothing("Bare_mm_slash_yy_alone_is_not_an_expiry", "12/27");
        yield return Row.FindsNothing("Month_13_is_not_an_expiry", "exp 13/27");
        yield return Row.FindsNothing("Month_00_is_not_an_expiry", "exp 00/27");
        yield return Row.FindsNothing("Blood_pressure_is_not_an_expiry", "BP 12/80 sitting");
        yield return Row.FindsNothing("Expect_is_not_expiry_wording", "We expect delivery on 12/27");
        yield return Row.FindsNothing("Experience_is_not_expiry_wording", "Experience since 03/19");
    }

    [TestCaseSource(nameof(Cases))]
    public void Expiry_is_found_exactly(string marked, EntityType[] types) => Scanner.AssertFinds(marked, types);

    [TestCaseSource(nameof(Negatives))]
    public void Not_an_expiry(string text) => Scanner.AssertFindsNothing(text);
}

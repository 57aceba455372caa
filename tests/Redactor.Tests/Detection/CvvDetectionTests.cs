namespace PrivateInference.Redactor.Tests.Detection;

/// <summary>Spec §4 CVV: 3–4 digits bound to verification-code wording, before or after the number.</summary>
public sealed class CvvDetectionTests
{
    private const EntityType Cvv = EntityType.Cvv;

    public static IEnumerable<TestCaseData> Cases()
    {
        yield return Row.Finds("Cvv_colon_then_three_digits_is_a_cvv", "CVV: «123»", Cvv);
        yield return Row.Finds("Cvv_then_three_digits_is_a_cvv", "CVV «123»", Cvv);
        yield return Row.Finds("Lower_case_cvv_then_digits_is_a_cvv", "cvv: «123»", Cvv);
        yield return Row.Finds("Cvv2_is_then_digits_is_a_cvv", "CVV2 is «123»", Cvv);
        yield return Row.Finds("Cvc_then_digits_is_a_cvv", "CVC «456»", Cvv);
        yield return Row.Finds("Cvc2_colon_then_digits_is_a_cvv", "CVC2: «789»", Cvv);
        yield return Row.Finds("Cid_then_four_digits_is_a_cvv", "CID «1234»", Cvv);
        yield return Row.Finds("Cav2_then_digits_is_a_cvv", "CAV2 «987»", Cvv);
        yield return Row.Finds("Cvv2_slash_cvc2_colon_then_digits_is_a_cvv", "CVV2/CVC2: «123»", Cvv);
        yield return Row.Finds("Security_code_then_four_digits_is_a_cvv", "security code «1234»", Cvv);
        yield return Row.Finds("Capitalised_security_code_colon_then_digits_is_a_cvv", "Security Code: «321»", Cvv);
        yield return Row.Finds("Card_verification_value_colon_then_digits_is_a_cvv", "card verification value: «321»", Cvv);
        yield return Row.Finds("Card_verification_code_then_digits_is_a_cvv", "card verification code «654»", Cvv);
        yield return Row.Finds("Cvv_in_a_sentence_ending_with_a_full_stop_is_a_cvv", "The CVV is «123».", Cvv);
        yield return Row.Finds("Cvv_followed_by_a_comma_is_a_cvv", "CVV «123», thanks", Cvv);
        yield return Row.Finds("Cvv_followed_by_a_comma_and_an_expiry_is_a_cvv_and_an_expiry", "CVV «123», exp «12/27»", Cvv, EntityType.Expiry);
        yield return Row.Finds(
            "Card_pan_cvv_and_expiry_separated_by_commas_are_three_entities",
            "Card «4111111111111111», CVV «1234», exp «1227»",
            EntityType.Pan,
            Cvv,
            EntityType.Expiry);
        yield return Row.Finds("Security_code_followed_by_a_comma_is_a_cvv", "security code «321», valid thru «0728»", Cvv, EntityType.Expiry);
        yield return Row.Finds("Digits_followed_by_is_the_cvv_are_a_cvv", "«123» is the CVV", Cvv);
        yield return Row.Finds("Four_digits_followed_by_cid_in_parentheses_are_a_cvv", "«4321» (CID)", Cvv);
        yield return Row.Finds("Digits_followed_by_cvc_are_a_cvv", "code «852» CVC", Cvv);
        yield return Row.Finds(
            "Card_line_with_expiry_and_cvv_is_pan_expiry_and_cvv",
            "Card «4111 1111 1111 1111» exp «12/27» CVV «123»",
            EntityType.Pan,
            EntityType.Expiry,
            Cvv);
        // A "PAN, expiry, code" record needs no wording: the third field is the CVV (docs/ARCHITECTURE.md).
        yield return Row.Finds(
            "Pan_and_expiry_then_three_digits_are_a_cvv",
            "Card «4111 1111 1111 1111» «12/27» «123»",
            EntityType.Pan,
            EntityType.Expiry,
            Cvv);
    }

    public static IEnumerable<TestCaseData> Negatives()
    {
        yield return Row.FindsNothing("Room_number_is_not_a_cvv", "Patient moved to room 123");
        yield return Row.FindsNothing("Dose_is_not_a_cvv", "take 325 mg twice daily");
        yield return Row.FindsNothing("Bare_three_digits_are_not_a_cvv", "123");
        yield return Row.FindsNothing("Two_digits_after_cvv_are_not_a_cvv", "CVV 12");
        yield return Row.FindsNothing("Five_digits_after_cvv_are_not_a_cvv", "CVV 12345");
        yield return Row.FindsNothing("Cvv_wording_without_digits_is_not_a_cvv", "Never ask the customer for the CVV.");
        yield return Row.FindsNothing("Cid_inside_folic_acid_is_not_cvv_wording", "Folic acid 400 mcg daily");
        yield return Row.FindsNothing("Cid_inside_amino_acid_is_not_cvv_wording", "Amino acid 1000 mg");
        yield return Row.FindsNothing("Cvc_inside_a_longer_word_is_not_cvv_wording", "Ticket CVCX 123");
    }

    [TestCaseSource(nameof(Cases))]
    public void Cvv_is_found_exactly(string marked, EntityType[] types) => Scanner.AssertFinds(marked, types);

    [TestCaseSource(nameof(Negatives))]
    public void Not_a_cvv(string text) => Scanner.AssertFindsNothing(text);
}

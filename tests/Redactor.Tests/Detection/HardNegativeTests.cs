namespace PrivateInference.Redactor.Tests.Detection;

/// <summary>Spec §4 hard negatives: numbers that look like card data or SSNs and are not. One table.</summary>
public sealed class HardNegativeTests
{
    public static IEnumerable<TestCaseData> Negatives()
    {
        yield return Row.FindsNothing("Luhn_invalid_card_length_number_is_nothing", "Card 4111111111111112 declined");
        yield return Row.FindsNothing("Masked_pan_with_asterisk_groups_is_nothing", "Card **** **** **** 1234 charged");
        yield return Row.FindsNothing("Masked_pan_with_x_groups_is_nothing", "Card XXXX-XXXX-XXXX-1234 charged");
        yield return Row.FindsNothing("Masked_pan_with_first_six_and_last_four_is_nothing", "Card 411111******1111 charged");
        yield return Row.FindsNothing("Masked_pan_with_bullets_is_nothing", "Visa \u2022\u2022\u2022\u2022 \u2022\u2022\u2022\u2022 \u2022\u2022\u2022\u2022 4242");
        yield return Row.FindsNothing("Card_ending_in_last_four_is_nothing", "Card ending in 1234 was charged");
        yield return Row.FindsNothing("Order_number_is_nothing", "Order #100045672 shipped");
        yield return Row.FindsNothing("Ups_tracking_number_is_nothing", "tracking 1Z999AA10123456784");
        yield return Row.FindsNothing("Usps_tracking_number_is_nothing", "USPS 9400111899223456789012");
        yield return Row.FindsNothing("Acquirer_reference_number_is_nothing", "ARN 74537604221431003881392");
        yield return Row.FindsNothing("Terminal_id_is_nothing", "Terminal ID 40012345");
        yield return Row.FindsNothing("Merchant_id_is_nothing", "MID 123456789012");
        yield return Row.FindsNothing("Case_number_is_nothing", "Case 2024-00123456 opened");
        yield return Row.FindsNothing("International_us_phone_number_is_nothing", "Call +1 (555) 867-5309");
        yield return Row.FindsNothing("Dashed_us_phone_number_is_nothing", "Call 555-867-5309");
        yield return Row.FindsNothing("Uk_phone_number_is_nothing", "Call +44 20 7946 0958");
        yield return Row.FindsNothing("Date_and_time_timestamp_is_nothing", "2024-03-14 09:26:53 INFO started");
        yield return Row.FindsNothing("Time_with_milliseconds_is_nothing", "at 14:05:33.123 the job ended");
        yield return Row.FindsNothing("Dollar_amount_is_nothing", "Total $1,234.56 due");
        yield return Row.FindsNothing("Usd_amount_is_nothing", "Wire USD 12,500.00 today");
        yield return Row.FindsNothing("Icd10_code_with_decimal_is_nothing", "Dx E11.9");
        yield return Row.FindsNothing("Short_icd10_code_is_nothing", "Dx I10");
        yield return Row.FindsNothing("Long_icd10_code_is_nothing", "Dx S72.001A");
        yield return Row.FindsNothing("Cpt_codes_are_nothing", "CPT 99213, 80053");
        yield return Row.FindsNothing("Ndc_4_4_2_is_nothing", "NDC 0002-3227-30");
        yield return Row.FindsNothing("Ndc_5_4_1_is_nothing", "NDC 50090-3449-0");
        yield return Row.FindsNothing("Npi_is_nothing", "NPI 1234567893");
        yield return Row.FindsNothing("Hba1c_value_is_nothing", "HbA1c 7.2%");
        yield return Row.FindsNothing("Potassium_value_is_nothing", "K 4.1 mmol/L");
        yield return Row.FindsNothing("White_cell_count_is_nothing", "WBC 11.3 x10^9/L");
        yield return Row.FindsNothing("Dosage_is_nothing", "metformin 500 mg BID");
        yield return Row.FindsNothing("Semantic_version_is_nothing", "Upgraded to v2.14.3");
        yield return Row.FindsNothing("Windows_build_version_is_nothing", "OS 10.0.19045.3570");
        yield return Row.FindsNothing(
            "Clinical_note_full_of_numbers_is_nothing",
            "2024-03-14 09:26:53 Pt seen, MRN ref Order #100045672. BP 128/82, HR 72. HbA1c 7.2%, K 4.1 mmol/L, "
            + "WBC 11.3 x10^9/L. Dx E11.9, I10. CPT 99213. NDC 50090-3449-0. metformin 500 mg BID. "
            + "Call 555-867-5309. NPI 1234567893. Billed $1,234.56.");
    }

    [TestCaseSource(nameof(Negatives))]
    public void Hard_negative(string text) => Scanner.AssertFindsNothing(text);
}

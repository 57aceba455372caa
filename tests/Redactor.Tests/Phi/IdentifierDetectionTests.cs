using PrivateInference.Redactor.Tests.Phi.Support;

namespace PrivateInference.Redactor.Tests.Phi;

/// <summary>
/// Issue 3 identifiers: MRN, ACCOUNT_NUMBER, HEALTH_PLAN_ID, LICENSE_NUMBER, DEVICE_ID and VIN. The span is the
/// value, never the label. DEA numbers and VINs carry a check digit and are found without their label. Every row
/// compares all six types, so a value of the wrong kind fails. Provider and product codes are not identifiers.
/// </summary>
public sealed class IdentifierDetectionTests
{
    private const EntityType Mrn = EntityType.Mrn;
    private const EntityType Account = EntityType.AccountNumber;
    private const EntityType HealthPlan = EntityType.HealthPlanId;
    private const EntityType License = EntityType.LicenseNumber;
    private const EntityType Device = EntityType.DeviceId;
    private const EntityType Vin = EntityType.Vin;

    public static IEnumerable<TestCaseData> Cases()
    {
        yield return Identifier("Mrn_after_mrn_colon_is_an_mrn", "MRN: «00482913»", Mrn);
        yield return Identifier("Mrn_after_mrn_without_colon_is_an_mrn", "MRN «00482913» verified", Mrn);
        yield return Identifier("Letter_led_mrn_after_mr_hash_is_an_mrn", "MR# «A1234567»", Mrn);
        yield return Identifier("Mrn_after_medical_record_number_is_an_mrn", "Medical record number «00482913»", Mrn);
        yield return Identifier("Lower_case_mrn_label_in_chat_is_an_mrn", "my mrn is «00482913» if that helps", Mrn);

        yield return Identifier("Account_number_after_account_number_is_an_account_number", "Account number «99812345»", Account);
        yield return Identifier("Account_number_after_acct_hash_is_an_account_number", "Acct #: «99812345»", Account);

        yield return Identifier("Member_id_is_a_health_plan_id", "Member ID «XYZ123456789»", HealthPlan);
        yield return Identifier("Policy_number_after_policy_hash_is_a_health_plan_id", "Policy # «POL-2231-88»", HealthPlan);
        yield return Identifier("Group_number_is_a_health_plan_id", "Group number «GRP-5521»", HealthPlan);
        yield return Identifier("Subscriber_id_is_a_health_plan_id", "Subscriber ID: «XYZ123456789»", HealthPlan);
        yield return Identifier("Medicare_beneficiary_identifier_is_a_health_plan_id", "Medicare ID «1EG4-TE5-MK73»", HealthPlan);

        yield return Identifier("Drivers_license_number_is_a_license_number", "Driver's license «D1234567»", License);
        yield return Identifier("Dea_number_after_dea_is_a_license_number", "DEA «AB1234563»", License);
        yield return Identifier("Dea_number_with_valid_check_digit_without_dea_is_a_license_number", "Prescriber «AB1234563» signed the order.", License);

        yield return Identifier("Serial_number_after_serial_no_is_a_device_id", "Pump serial no. «SN-88421-X»", Device);
        yield return Identifier("Serial_number_after_serial_number_is_a_device_id", "Serial number: «SN-88421-X»", Device);
        yield return Identifier("Udi_device_identifier_is_a_device_id", "UDI «(01)00844588003288»", Device);
        yield return Identifier("Udi_with_serial_application_identifier_is_one_device_id", "UDI «(01)00844588003288(21)AX6496655»", Device);

        yield return Identifier("Vin_after_vin_is_a_vin", "VIN «1HGCM82633A004352»", Vin);
        yield return Identifier("Vin_with_valid_check_digit_without_vin_is_a_vin", "Car «1HGCM82633A004352» was towed.", Vin);

        yield return Identifier("Number_to_write_on_a_check_memo_line_is_an_account_number", "If paying by check, write «4410923-17» on the memo line.", Account);
        yield return Identifier("Record_number_after_an_unknown_last_first_header_is_an_mrn", "2023-11-08 1402  Mwangi-Otieno, Wanjiru  #«T5582013»\nSeen by", Mrn);
        yield return Identifier("Mrn_and_account_number_on_one_line_are_two_identifiers", "MRN «00482913», Acct «99812345»", Mrn, Account);
    }

    public static IEnumerable<TestCaseData> Negatives()
    {
        yield return PhiRow.FindsNo("Npi_is_not_an_identifier", "NPI 1234567893", PhiTypes.Identifiers);
        yield return PhiRow.FindsNo("Ndc_is_not_an_identifier", "NDC 0002-3227-30", PhiTypes.Identifiers);
        yield return PhiRow.FindsNo("Cpt_code_is_not_an_identifier", "CPT 99213", PhiTypes.Identifiers);
        yield return PhiRow.FindsNo("Lot_number_is_not_an_identifier", "Lot 4521A, exp 2026", PhiTypes.Identifiers);
        yield return PhiRow.FindsNo("Order_number_is_not_an_identifier", "Order #100045672 shipped.", PhiTypes.Identifiers);
        yield return PhiRow.FindsNo("Room_number_is_not_an_identifier", "Room 412", PhiTypes.Identifiers);
        yield return PhiRow.FindsNo("Dea_shape_with_wrong_check_digit_is_not_an_identifier", "Prescriber AB1234567 signed the order.", PhiTypes.Identifiers);
        yield return PhiRow.FindsNo("Vin_shape_with_wrong_check_digit_is_not_an_identifier", "Car 1HGCM82643A004352 was towed.", PhiTypes.Identifiers);
        yield return PhiRow.FindsNo("Icd10_code_is_not_an_identifier", "Dx E11.9, I10.", PhiTypes.Identifiers);
        yield return PhiRow.FindsNo("Order_number_on_a_memo_line_is_not_an_identifier", "Order #100045672 goes on the memo line.", PhiTypes.Identifiers);
        yield return PhiRow.FindsNo("Mrn_label_with_no_value_is_not_an_identifier", "MRN: pending", PhiTypes.Identifiers);
    }

    [TestCase("AB1234563", true, TestName = "Table_dea_number_has_a_valid_check_digit")]
    [TestCase("AB1234567", false, TestName = "Table_dea_shape_with_wrong_check_digit_is_invalid")]
    [TestCase("1HGCM82633A004352", true, TestName = "Table_vin_has_a_valid_check_digit")]
    [TestCase("1HGCM82643A004352", false, TestName = "Table_vin_shape_with_wrong_check_digit_is_invalid")]
    [TestCase("00844588003288", true, TestName = "Table_udi_gtin_has_a_valid_check_digit")]
    public void Table_check_digits_are_what_the_rows_say(string value, bool valid)
    {
        var actual = value.Length switch
        {
            9 => CheckDigits.IsDeaValid(value),
            14 => CheckDigits.IsGtinValid(value),
            _ => CheckDigits.IsVinValid(value),
        };
        Assert.That(actual, Is.EqualTo(valid));
    }

    [TestCaseSource(nameof(Cases))]
    public void Identifier_is_found_exactly(string marked, EntityType[] types, EntityType[] compared) =>
        PhiScanner.AssertFinds(marked, types, compared);

    [TestCaseSource(nameof(Negatives))]
    public void Not_an_identifier(string text, EntityType[] compared) => PhiScanner.AssertFindsNone(text, compared);

    private static TestCaseData Identifier(string name, string marked, params EntityType[] types) =>
        PhiRow.Compares(name, marked, PhiTypes.Identifiers, types);
}

using PrivateInference.Redactor.Tests.Phi.Support;

namespace PrivateInference.Redactor.Tests.Phi;

/// <summary>
/// Issue 3 PHONE (and fax): US and international numbers in their usual punctuation; ten plain digits only with
/// phone wording. NPIs, SSNs and dates are not phone numbers.
/// </summary>
public sealed class PhoneDetectionTests
{
    private const EntityType Phone = EntityType.Phone;

    public static IEnumerable<TestCaseData> Cases()
    {
        yield return PhiRow.Finds("Area_code_in_parentheses_is_a_phone", "Call «(555) 867-5309» after 5 pm.", Phone);
        yield return PhiRow.Finds("Dashed_number_is_a_phone", "Call «555-867-5309» after 5 pm.", Phone);
        yield return PhiRow.Finds("Dotted_number_is_a_phone", "Cell «555.867.5309»", Phone);
        yield return PhiRow.Finds("International_number_with_country_code_is_a_phone", "He can be reached at «+353 1 605 2520» abroad.", Phone);
        yield return PhiRow.Finds("Spaced_number_is_a_phone", "Cell: «555 867 5309»", Phone);
        yield return PhiRow.Finds("Plus_one_spaced_number_is_a_phone", "Reach her at «+1 555 867 5309».", Phone);
        yield return PhiRow.Finds("Plus_one_with_area_code_in_parentheses_is_a_phone", "Call «+1 (555) 867-5309».", Phone);
        yield return PhiRow.Finds("One_dash_number_is_a_phone", "Toll free «1-555-867-5309».", Phone);
        yield return PhiRow.Finds("Uk_number_with_plus_44_is_a_phone", "London office «+44 20 7946 0958».", Phone);
        yield return PhiRow.Finds("Fax_number_after_fax_label_is_a_phone", "Fax: «555-867-5310»", Phone);
        yield return PhiRow.Finds("Plain_ten_digits_after_phone_is_a_phone", "phone «5558675309»", Phone);
        yield return PhiRow.Finds("Plain_ten_digits_after_tel_is_a_phone", "Tel: «5558675309»", Phone);
        yield return PhiRow.Finds("Plain_ten_digits_after_call_me_at_is_a_phone", "you can call me at «5558675309» anytime", Phone);
        yield return PhiRow.Finds(
            "Phone_and_fax_on_one_line_are_two_phones",
            "Phone: «(555) 867-5309», Fax: «(555) 867-5310»",
            Phone,
            Phone);

        // A number that is another kind is not also a phone.
        yield return PhiRow.Compares("Ssn_is_an_ssn_not_a_phone", "SSN «219-09-9999»", [Phone, EntityType.Ssn], EntityType.Ssn);
        yield return PhiRow.Compares("Date_of_birth_is_a_date_not_a_phone", "DOB «03/14/1962»", [Phone, EntityType.Date], EntityType.Date);
        yield return PhiRow.Compares("Iso_date_is_a_date_not_a_phone", "Collected «2024-02-11»", [Phone, EntityType.Date], EntityType.Date);
    }

    public static IEnumerable<TestCaseData> Negatives()
    {
        yield return PhiRow.FindsNo("Npi_is_not_a_phone", "NPI 1234567893", Phone);
        yield return PhiRow.FindsNo("Unlabelled_ssn_is_not_a_phone", "Record 219-09-9999 updated", Phone);
        yield return PhiRow.FindsNo("Plain_ten_digits_without_phone_wording_are_not_a_phone", "Invoice 5558675309 paid in full.", Phone);
        yield return PhiRow.FindsNo("Order_number_is_not_a_phone", "Order #100045672 shipped.", Phone);
        yield return PhiRow.FindsNo("Slashed_date_is_not_a_phone", "Seen 03/14/1962 in clinic.", Phone);
        yield return PhiRow.FindsNo("Dotted_date_is_not_a_phone", "Seen 14.03.2024 in clinic.", Phone);
        yield return PhiRow.FindsNo("Ndc_is_not_a_phone", "NDC 0002-3227-30", Phone);
    }

    [TestCaseSource(nameof(Cases))]
    public void Phone_is_found_exactly(string marked, EntityType[] types, EntityType[] compared) =>
        PhiScanner.AssertFinds(marked, types, compared);

    [TestCaseSource(nameof(Negatives))]
    public void Not_a_phone(string text, EntityType[] compared) => PhiScanner.AssertFindsNone(text, compared);
}

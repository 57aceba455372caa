using PrivateInference.Redactor.Tests.Phi.Support;

namespace PrivateInference.Redactor.Tests.Phi;

/// <summary>
/// Issue 3 ADDRESS and ZIP: the street line through the state is one ADDRESS and the ZIP code is its own ZIP.
/// A ZIP needs address context; a bare five-digit number is not one. Rows compare both types.
/// </summary>
public sealed class AddressDetectionTests
{
    private const EntityType Address = EntityType.Address;
    private const EntityType Zip = EntityType.Zip;

    public static IEnumerable<TestCaseData> Cases()
    {
        yield return Location(
            "Street_unit_city_and_state_are_one_address_and_the_zip_is_separate",
            "Lives at «123 N Main St, Apt 4B, Springfield, IL» «62704».",
            Address,
            Zip);
        yield return Location("Po_box_city_and_state_are_one_address_with_a_zip_plus_four", "«P.O. Box 4521, Austin, TX» «78701-1234»", Address, Zip);
        yield return Location("Po_box_without_full_stops_is_an_address", "Mail to «PO Box 77, Salem, MA» «01970»", Address, Zip);
        yield return Location("Street_line_alone_is_an_address", "Lives at «500 Oak Avenue» with her son.", Address);
        yield return Location("Abbreviated_street_suffix_is_an_address", "Found outside «77 Sunset Blvd» last night.", Address);
        yield return Location("City_and_state_line_alone_is_an_address_with_its_zip", "«Springfield, IL» «62704»", Address, Zip);
        yield return Location(
            "Street_suite_city_and_state_are_one_address",
            "Clinic: «12 Willow Ln, Suite 300, Portland, OR» «97205»",
            Address,
            Zip);
        // Convention shared with eval/README.md: a "City, ST" line on its own is its own ADDRESS.
        yield return Location(
            "Street_and_city_lines_of_a_letter_are_two_addresses_and_a_zip",
            "Ms. Jane Doe\n«42 Elm Street»\n«Boston, MA» «02118»\n\nDear Ms. Doe,",
            Address,
            Address,
            Zip);
        yield return Location("Zip_after_zip_code_wording_is_a_zip", "zip code «02139»", Zip);
        yield return Location("Zip_after_upper_case_zip_label_is_a_zip", "ZIP: «97205»", Zip);
        yield return Location("Zip_after_postal_code_wording_is_a_zip", "postal code «30301»", Zip);
    }

    public static IEnumerable<TestCaseData> Negatives()
    {
        yield return PhiRow.FindsNo("Bare_five_digit_number_is_not_a_zip", "Order 62704 shipped.", PhiTypes.Location);
        yield return PhiRow.FindsNo("Five_digit_lab_value_is_not_a_zip", "Platelets 25000 after transfusion.", PhiTypes.Location);
        yield return PhiRow.FindsNo("Room_number_is_not_an_address", "Transferred to Room 412.", PhiTypes.Location);
        yield return PhiRow.FindsNo("Dose_and_drug_are_not_an_address", "Give 500 mg acetaminophen now.", PhiTypes.Location);
        yield return PhiRow.FindsNo("Walking_distance_is_not_an_address", "Walked 200 feet down the hall.", PhiTypes.Location);
        yield return PhiRow.FindsNo("Tumour_marker_ca_125_is_not_an_address_or_zip", "CA 125 was 35 U/mL.", PhiTypes.Location);
        yield return PhiRow.FindsNo("Five_digit_cpt_code_is_not_a_zip", "CPT 99213 billed.", PhiTypes.Location);
    }

    [TestCaseSource(nameof(Cases))]
    public void Address_is_found_exactly(string marked, EntityType[] types, EntityType[] compared) =>
        PhiScanner.AssertFinds(marked, types, compared);

    [TestCaseSource(nameof(Negatives))]
    public void Not_an_address_or_zip(string text, EntityType[] compared) => PhiScanner.AssertFindsNone(text, compared);

    private static TestCaseData Location(string name, string marked, params EntityType[] types) =>
        PhiRow.Compares(name, marked, PhiTypes.Location, types);
}

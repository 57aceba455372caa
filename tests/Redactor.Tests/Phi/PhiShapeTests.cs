using PrivateInference.Redactor.Tests.Phi.Support;

namespace PrivateInference.Redactor.Tests.Phi;

/// <summary>
/// Issue 3 determinism and shape: every PHI table text scans to well-formed results, the same on a second scan,
/// and one note holding every PHI type finds each of them exactly.
/// </summary>
public sealed class PhiShapeTests
{
    private const EntityType Person = EntityType.Person;

    /// <summary>A synthetic note with one or more entities of every PHI type.</summary>
    private const string Note =
        "Patient: «Doe, Jane»   MRN: «00482913»   DOB: «03/14/1962»\n"
        + "Address: «42 Elm Street, Boston, MA» «02118»   Phone: «(555) 867-5309»\n"
        + "Email: «jane.doe@example.com»   Member ID: «XYZ123456789»   Account number «99812345»\n"
        + "HPI: Ms. «Doe» is a «92»-year-old woman seen on «March 14th, 2024» by Dr. «Priya Patel».\n"
        + "Her son «Will» will drive her home. Portal «https://portal.example.com/me» used from «192.168.10.4».\n"
        + "Pacemaker serial no. «SN-88421-X». Vehicle VIN «1HGCM82633A004352». Driver's license «D1234567».\n"
        + "Signed: «Priya Patel», MD";

    private static readonly EntityType[] NoteTypes =
    [
        Person, EntityType.Mrn, EntityType.Date,
        EntityType.Address, EntityType.Zip, EntityType.Phone,
        EntityType.Email, EntityType.HealthPlanId, EntityType.AccountNumber,
        Person, EntityType.Age, EntityType.Date, Person,
        Person, EntityType.Url, EntityType.IpAddress,
        EntityType.DeviceId, EntityType.Vin, EntityType.LicenseNumber,
        Person,
    ];

    public static IEnumerable<TestCaseData> Families()
    {
        yield return Family("Person", PersonDetectionTests.Cases().Concat(PersonDetectionTests.Negatives()));
        yield return Family("Date", DateDetectionTests.Cases().Concat(DateDetectionTests.Negatives()));
        yield return Family("Age", AgeDetectionTests.Cases().Concat(AgeDetectionTests.Negatives()));
        yield return Family("Phone", PhoneDetectionTests.Cases().Concat(PhoneDetectionTests.Negatives()));
        yield return Family("Email_url_and_ip", NetworkDetectionTests.Cases().Concat(NetworkDetectionTests.Negatives()));
        yield return Family("Address_and_zip", AddressDetectionTests.Cases().Concat(AddressDetectionTests.Negatives()));
        yield return Family("Identifier", IdentifierDetectionTests.Cases().Concat(IdentifierDetectionTests.Negatives()));
        yield return Family("Hard_negative", PhiHardNegativeTests.Negatives());
        yield return Texts([MarkedText.Parse(Note).Text]).SetName("Mixed_note_scans_well_formed_and_the_same_twice");
    }

    [TestCaseSource(nameof(Families))]
    public void Same_result_twice(string[] texts) =>
        Assert.Multiple(() =>
        {
            foreach (var text in texts)
            {
                PhiScanner.AssertSameTwice(text);
            }
        });

    [Test]
    public void Mixed_note_finds_every_phi_entity_exactly() => PhiScanner.AssertFinds(Note, NoteTypes, PhiTypes.All);

    [Test]
    public void Mixed_note_holds_every_phi_type() => Assert.That(NoteTypes.Distinct(), Is.EquivalentTo(PhiTypes.All));

    private static TestCaseData Family(string name, IEnumerable<TestCaseData> rows) =>
        Texts(rows.Select(Row.TextOf).ToArray()).SetName($"Every_{name.ToLowerInvariant()}_table_text_scans_well_formed_and_the_same_twice");

    /// <summary>One argument holding all the texts (a bare string array would be spread over the parameters).</summary>
    private static TestCaseData Texts(string[] texts) => new((object)texts);
}

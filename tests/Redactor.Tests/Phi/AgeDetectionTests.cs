using PrivateInference.Redactor.Tests.Phi.Support;

namespace PrivateInference.Redactor.Tests.Phi;

/// <summary>Issue 3 AGE: only ages of 90 and over, and only the number.</summary>
public sealed class AgeDetectionTests
{
    private const EntityType Age = EntityType.Age;

    public static IEnumerable<TestCaseData> Cases()
    {
        yield return PhiRow.Finds("Hyphenated_year_old_of_92_is_an_age", "A «92»-year-old woman with a hip fracture.", Age);
        yield return PhiRow.Finds("Age_word_before_94_is_an_age", "age «94», lives alone", Age);
        yield return PhiRow.Finds("Aged_before_101_is_an_age", "Widower aged «101» admitted from home.", Age);
        yield return PhiRow.Finds("Age_in_parentheses_on_an_age_line_is_an_age", "DOB/Age: Aug 23, 1930 («95»)", Age);
        yield return PhiRow.Finds("Yo_after_95_is_an_age", "«95» yo male with pneumonia", Age);
        yield return PhiRow.Finds("Y_slash_o_after_90_is_an_age", "«90» y/o female, fall at home", Age);
        yield return PhiRow.Finds("Years_old_after_93_is_an_age", "She is «93» years old.", Age);
        yield return PhiRow.Finds("Unhyphenated_year_old_of_96_is_an_age", "«96» year old man, independent at baseline.", Age);
        yield return PhiRow.Finds("Age_label_with_colon_before_99_is_an_age", "Age: «99»", Age);
        yield return PhiRow.Finds("Hyphenated_year_old_of_100_is_an_age", "A «100»-year-old resident of the home.", Age);
        yield return PhiRow.Finds("Upper_case_yo_after_91_is_an_age", "«91» YO F, chest pain", Age);
        yield return PhiRow.Finds("Capitalized_age_word_before_90_is_an_age", "Age «90», DNR on file.", Age);
        yield return PhiRow.Finds("Years_of_age_after_97_is_an_age", "Patient is «97» years of age.", Age);
    }

    public static IEnumerable<TestCaseData> Negatives()
    {
        yield return PhiRow.FindsNo("Year_old_of_45_is_not_an_age", "45 year old man with back pain.", Age);
        yield return PhiRow.FindsNo("Hyphenated_year_old_of_45_is_not_an_age", "A 45-year-old man with back pain.", Age);
        yield return PhiRow.FindsNo("Age_89_is_not_an_age", "age 89, lives with family", Age);
        yield return PhiRow.FindsNo("Milligrams_of_92_are_not_an_age", "aspirin 92 mg once", Age);
        yield return PhiRow.FindsNo("Heart_rate_of_92_is_not_an_age", "HR 92 bpm, regular.", Age);
        yield return PhiRow.FindsNo("Oxygen_saturation_of_94_is_not_an_age", "SpO2 94% on room air.", Age);
        yield return PhiRow.FindsNo("Ninety_day_supply_is_not_an_age", "Dispense a 90-day supply.", Age);
        yield return PhiRow.FindsNo("Weight_of_95_kilograms_is_not_an_age", "Weight 95 kg, up 2 kg.", Age);
        yield return PhiRow.FindsNo("Room_number_of_93_is_not_an_age", "Transferred to room 93.", Age);
    }

    [TestCaseSource(nameof(Cases))]
    public void Age_is_found_exactly(string marked, EntityType[] types, EntityType[] compared) =>
        PhiScanner.AssertFinds(marked, types, compared);

    [TestCaseSource(nameof(Negatives))]
    public void Not_an_age(string text, EntityType[] compared) => PhiScanner.AssertFindsNone(text, compared);
}

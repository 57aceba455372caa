using PrivateInference.Redactor.Tests.Phi.Support;

namespace PrivateInference.Redactor.Tests.Phi;

/// <summary>
/// Issue 3 hard negatives: clinical and technical text that looks like PHI and is not. Every row compares every
/// entity type, card data included: nothing at all may be found.
/// </summary>
public sealed class PhiHardNegativeTests
{
    public static IEnumerable<TestCaseData> Negatives()
    {
        yield return Nothing("Eponymous_diseases_and_scores_are_nothing", "Parkinson's disease, Apgar score 9, Hodgkin lymphoma, Glasgow Coma Scale 15.");
        yield return Nothing("Foley_catheter_note_is_nothing", "Foley catheter placed, draining clear urine.");
        yield return Nothing("Drug_list_is_nothing", "Meds: Lisinopril 10 mg daily, Eliquis 5 mg BID, metformin 500 mg BID.");
        yield return Nothing("Section_headings_are_nothing", "ASSESSMENT AND PLAN\nSeen in the Emergency Department.\nREVIEW OF SYSTEMS: negative.");
        yield return Nothing("Common_words_that_are_also_names_are_nothing", "Will follow up. Heart rate rose to 140. We hope to bill the insurer.");
        yield return Nothing("Vital_signs_are_nothing", "BP 120/80, HR 72, RR 16, SpO2 98%, pain 7/10.");
        yield return Nothing("Fractions_and_doses_are_nothing", "Take 1/2 tab at night; 92 mg daily.");
        yield return Nothing("Bare_year_is_nothing", "Diagnosed with asthma in 2019.");
        yield return Nothing("May_as_a_verb_is_nothing", "She may go home today.");
        yield return Nothing("Ages_under_ninety_are_nothing", "A 45 year old man; his father, age 89, was present.");
        yield return Nothing("Iso_machine_timestamp_is_nothing", "2024-03-14T09:26:53Z INFO scan finished");
        yield return Nothing("Iso_timestamp_is_nothing", "2024-03-14T09:26:53Z scan finished");
        yield return Nothing("Clock_time_is_nothing", "Vitals at 09:26:53 stable.");
        yield return Nothing("Software_versions_are_nothing", "Client v2.14.3 on OS 10.0.19045.3570.");
        yield return Nothing("Npi_is_nothing", "NPI 1234567893");
        yield return Nothing("Ndc_is_nothing", "NDC 0002-3227-30");
        yield return Nothing("Cpt_code_is_nothing", "CPT 99213");
        yield return Nothing("Lot_number_is_nothing", "Lot 4521A");
        yield return Nothing("Order_number_is_nothing", "Order #100045672");
        yield return Nothing("Room_number_is_nothing", "Room 412");
        yield return Nothing("Bare_five_digit_number_is_nothing", "Step count 62704 this week.");
        yield return Nothing("Lab_panel_is_nothing", "Na 138, K 4.1, Cl 101, HCO3 24, BUN 18, Cr 1.1, glucose 112.");
        yield return Nothing(
            "Clinical_note_without_phi_is_nothing",
            "CHIEF COMPLAINT: cough.\nHISTORY OF PRESENT ILLNESS: Patient reports cough for 3 days, pain 4/10. "
            + "BP 128/82. Started Lisinopril 10 mg. Will follow up in 2 weeks; may return sooner if fever rises.\n"
            + "ASSESSMENT AND PLAN: viral URI. Foley not needed. CPT 99213. NPI 1234567893.");
    }

    [TestCaseSource(nameof(Negatives))]
    public void Phi_hard_negative(string text, EntityType[] compared) => PhiScanner.AssertFindsNone(text, compared);

    private static TestCaseData Nothing(string name, string text) => PhiRow.FindsNo(name, text, [.. EntityTypes.All]);
}

using System.Text;

namespace PrivateInference.Bench.Pipeline;

/// <summary>
/// The pipeline benchmark's document: a synthetic clinical note of about 2 KB with 20 identifiers, each of which the
/// benchmark tokenizes through the vault (as the Redactor would) before the note is rehydrated. Every value is
/// obviously fake: 555-01xx phone numbers, example.test addresses, sample names.
/// </summary>
internal static class PipelineNote
{
    /// <summary>The identifiers in the order the template uses them: entity type and value as written.</summary>
    public static readonly (string EntityType, string Value)[] Values =
    [
        ("PERSON", "Jane Samplewoman"),
        ("DATE", "03/14/1961"),
        ("MRN", "MRN-00418297"),
        ("HEALTH_PLAN_ID", "HPX-552-019-334"),
        ("ADDRESS", "742 Elm Street, Springfield, IL"),
        ("ZIP", "62704"),
        ("PHONE", "(555) 010-4477"),
        ("EMAIL", "jane.samplewoman@example.test"),
        ("DATE", "November 2, 2026"),
        ("PERSON", "Dr. Priya Examplesen"),
        ("DATE", "10/28/2026"),
        ("PERSON", "John Testperson"),
        ("PHONE", "555-0142"),
        ("DATE", "2026-10-31"),
        ("PERSON", "Maria Placeholder"),
        ("PHONE", "555-0199"),
        ("DATE", "11/16/2026"),
        ("PERSON", "Lars Fakename"),
        ("LICENSE_NUMBER", "RN-7730291"),
        ("DATE", "11/26/2026"),
    ];

    /// <summary>The note, {0}…{19} standing for <see cref="Values"/>.</summary>
    private const string Template =
        """
        PROGRESS NOTE — Internal Medicine Follow-up
        Patient: {0}    DOB: {1}    {2}
        Insurance member ID: {3}
        Address on file: {4} {5}; preferred contact {6}, {7}.
        Date of service: {8}. Attending: {9}.

        Subjective: 65-year-old patient seen for follow-up of type 2 diabetes (E11.9), essential hypertension (I10)
        and hyperlipidemia (E78.5). Reports good adherence to metformin 1000 mg twice daily and lisinopril 20 mg daily
        since the visit of {10}. Occasional morning dizziness, no syncope, no chest pain. Spouse {11} (contact
        {12}) confirms home BP readings of 128-142 systolic. Last fill at the pharmacy on {13}. Denies polyuria,
        polydipsia or visual changes; sleeps about seven hours a night; walks 20 minutes most days.

        Objective: BP 134/82 mmHg, HR 74, SpO2 97% on room air, weight 86.4 kg, BMI 29.8. Feet: intact sensation to
        monofilament, no ulcers. Labs: HbA1c 7.2% (previous 7.6%), eGFR 71 mL/min/1.73m², LDL 104 mg/dL, potassium
        4.3 mmol/L. Urine albumin-to-creatinine ratio 18 mg/g. TSH 2.1 mIU/L. CBC unremarkable; hemoglobin 14.1 g/dL.
        Review of systems otherwise negative: no fever, weight loss, dyspnea, orthopnea, edema, claudication, abdominal
        pain, changes in bowel habits, dysuria or new neurological symptoms. Medication list reconciled with the patient.

        Assessment and plan: glycemic control improving; continue metformin, add lifestyle counselling. Start
        atorvastatin 20 mg nightly, recheck lipid panel and CMP in 12 weeks. Referred to diabetes educator
        {14} (scheduling line {15}); first session booked for {16}. Retinal screening due this year.
        Discussed hypoglycemia symptoms and sick-day rules; patient verbalized understanding. Influenza vaccine given in
        the left deltoid, lot recorded in the immunization record. Return in three months, sooner if home BP readings
        stay above 150 systolic or fasting glucose above 200 mg/dL.
        Care coordination by {17}, {18}. Note signed electronically on {19}.
        """;

    /// <summary>The note as written, with the values in place.</summary>
    public static string Original() => Fill(Values.Select(v => v.Value).ToArray());

    /// <summary>The note as the model sees it, with <paramref name="tokens"/> (one per value) in place.</summary>
    public static string Tokenized(IReadOnlyList<string> tokens) => Fill(tokens.ToArray());

    /// <summary><paramref name="text"/> in pieces of <paramref name="size"/> UTF-16 code units (the last may be shorter).</summary>
    public static string[] Chunks(string text, int size)
    {
        var chunks = new List<string>();
        for (var i = 0; i < text.Length; i += size)
        {
            chunks.Add(text.Substring(i, Math.Min(size, text.Length - i)));
        }

        return [.. chunks];
    }

    public static int Utf8Bytes(string text) => Encoding.UTF8.GetByteCount(text);

    private static readonly CompositeFormat Format = CompositeFormat.Parse(Template);

    private static string Fill(string[] parts) => string.Format(System.Globalization.CultureInfo.InvariantCulture, Format, (object?[])parts);
}

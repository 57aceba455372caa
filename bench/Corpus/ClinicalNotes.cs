using System.Text;

namespace PrivateInference.Bench.Corpus;

/// <summary>
/// Outpatient progress notes: a header with name, birth date and record number, vitals, labs, medications
/// with doses, ICD-10 and CPT codes, phone numbers and dates, then prose. Numbers everywhere, card data
/// almost never (a copay paid over the phone, an SSN at registration).
/// </summary>
internal static class ClinicalNotes
{
    private static readonly string[] Clinics =
        ["Riverside Family Medicine", "Northgate Internal Medicine", "Lakeview Endocrinology", "Harbor Pediatrics", "Summit Cardiology"];

    private static readonly string[] Complaints =
    [
        "follow-up of type 2 diabetes", "elevated blood pressure readings at home", "low back pain for 3 weeks",
        "annual wellness visit", "shortness of breath on exertion", "medication refill", "fatigue and weight gain",
        "intermittent chest tightness", "recurrent headaches", "review of lab results",
    ];

    private static readonly string[] Medications =
    [
        "metformin {0} mg PO BID", "lisinopril {1} mg PO daily", "atorvastatin {2} mg PO qHS", "amlodipine 5 mg PO daily",
        "insulin glargine {3} units SC nightly", "levothyroxine 75 µg PO daily", "albuterol HFA 90 µg 2 puffs q4–6h PRN",
        "sertraline 50 mg PO daily", "omeprazole 20 mg PO daily before breakfast", "aspirin 81 mg PO daily",
        "empagliflozin 10 mg PO daily", "hydrochlorothiazide 12.5 mg PO daily",
    ];

    private static readonly string[] ProseSentences =
    [
        "Patient reports adherence to the current regimen and denies polyuria, polydipsia or blurred vision.",
        "She walks about 30 minutes 4–5 days a week and has cut back on sugary drinks since the last visit.",
        "Home glucose log reviewed: fasting readings mostly between 110 and 160 mg/dL, two readings above 200.",
        "No chest pain at rest; mild dyspnea after climbing 2 flights of stairs, unchanged from prior.",
        "Sleep is fair, 6–7 hours per night, wakes once to urinate.",
        "Discussed diet in detail; referred to the nutritionist for 2 sessions.",
        "Foot exam: monofilament sensation intact at 10/10 sites bilaterally, pedal pulses 2+.",
        "Lungs clear to auscultation bilaterally; heart regular rate and rhythm, no murmurs.",
        "Abdomen soft, non-tender; no hepatosplenomegaly.",
        "Reviewed risks and benefits of statin therapy; patient agrees to continue.",
        "Patient was counseled on hypoglycemia symptoms and the rule of 15.",
        "Vaccines: influenza given today, lot number recorded in the MAR; Tdap up to date.",
        "Retinal screening is due; ophthalmology referral placed.",
        "Will recheck labs in 3 months and adjust the dose if HbA1c remains above 7%.",
        "Caregiver present for the visit and participated in the plan.",
        "Denies tobacco use; alcohol 1–2 drinks per week.",
        "Pain rated 4/10 today, 7/10 at worst, worse in the morning and after prolonged sitting.",
        "Straight-leg raise negative bilaterally; strength 5/5 in all extremities.",
        "Encouraged home exercises 3 times a day for 2 weeks, then reassess.",
        "Total time spent on the date of the encounter: 32 minutes, more than half in counseling.",
        "Spoke with her daughter by phone at 3:15 PM; she will bring the glucometer to the next visit.",
        "Last colonoscopy in 2019 was normal; next due in 2029.",
        "He reports 2 episodes of dizziness in the past month, each lasting under a minute.",
        "Patient declined the pneumococcal vaccine today and will reconsider at the next visit.",
        "BP rechecked after 5 minutes of rest: improved, still above goal of 130/80.",
        "Weight down 2.4 kg since the visit on 1/9; praised progress.",
        "Ankle-brachial index 0.92 on the right, 1.01 on the left.",
        "ECG today: sinus rhythm at 72 bpm, PR 168 ms, QTc 421 ms, no acute ST changes.",
        "Prescription sent electronically to the pharmacy on file; 90-day supply with 3 refills.",
        "Patient prefers text reminders; consent for SMS documented.",
        "Interpreter (Spanish) used for the entire visit, ID 40217.",
        "Return precautions reviewed: go to the ED for chest pain lasting more than 5 minutes.",
    ];

    public static void Write(Fakes f, StringBuilder sb, int targetLength, Planted planted)
    {
        var prose = new Deck<string>(f, ProseSentences);
        sb.Append("PROGRESS NOTE — ").Append(f.Pick(Clinics)).Append('\n');
        sb.Append("Patient: ").Append(f.FullName()).Append("   DOB: ").Append(f.BirthDate())
            .Append("   MRN: ").Append(f.Mrn()).Append('\n');
        sb.Append("Date of service: ").Append(f.Date(2023, 2025)).Append(' ').Append(f.Time())
            .Append("   Provider: Dr. ").Append(f.FullName()).Append(", MD (NPI ").Append(f.Npi()).Append(")\n\n");
        sb.Append("Chief complaint: ").Append(f.Pick(Complaints)).Append(".\n");

        // The sections of a note in the usual order; a short note stops early, a long one gets addenda.
        Action[] sections =
        [
            () => Prose(f, sb, prose, "HPI: "),
            () => Vitals(f, sb),
            () => Labs(f, sb),
            () => Meds(f, sb),
            () => Prose(f, sb, prose, "Exam: "),
            () => Assessment(f, sb, prose),
            () => Coordination(f, sb, planted),
        ];
        foreach (var section in sections)
        {
            if (sb.Length >= targetLength)
            {
                return;
            }

            section();
        }

        while (sb.Length < targetLength)
        {
            if (f.Chance(0.4))
            {
                Coordination(f, sb, planted);
            }
            else
            {
                Prose(f, sb, prose, $"Addendum {f.Date(2023, 2025)} {f.Time()} ({f.FullName()}, RN): ");
            }
        }
    }

    private static void Vitals(Fakes f, StringBuilder sb)
    {
        var kg = f.Decimal(48, 130, 1);
        var cm = f.Between(150, 195);
        sb.Append("Vitals: BP ").Append(f.Between(104, 168)).Append('/').Append(f.Between(62, 98))
            .Append(" mmHg, HR ").Append(f.Between(54, 112)).Append(" bpm, RR ").Append(f.Between(12, 22))
            .Append(", Temp ").Append(f.Decimal(97.1, 100.4, 1)).Append(" °F, SpO2 ").Append(f.Between(92, 100))
            .Append("% on RA, Wt ").Append(kg).Append(" kg, Ht ").Append(cm).Append(" cm, BMI ")
            .Append(f.Decimal(19, 38, 1)).Append(" kg/m².\n");
    }

    private static void Labs(Fakes f, StringBuilder sb)
    {
        sb.Append("Labs (").Append(f.Date(2023, 2025)).Append("): HbA1c ").Append(f.Decimal(5.2, 10.5, 1))
            .Append("%, fasting glucose ").Append(f.Between(78, 240)).Append(" mg/dL, LDL ").Append(f.Between(48, 190))
            .Append(" mg/dL, HDL ").Append(f.Between(28, 82)).Append(" mg/dL, triglycerides ").Append(f.Between(60, 420))
            .Append(" mg/dL, creatinine ").Append(f.Decimal(0.6, 1.9, 2)).Append(" mg/dL, eGFR ").Append(f.Between(28, 118))
            .Append(" mL/min/1.73m², Na ").Append(f.Between(132, 146)).Append(" mmol/L, K ").Append(f.Decimal(3.3, 5.4, 1))
            .Append(" mmol/L, TSH ").Append(f.Decimal(0.4, 6.2, 2)).Append(" mIU/L, WBC ").Append(f.Decimal(3.8, 11.9, 1))
            .Append(" ×10⁹/L, Hgb ").Append(f.Decimal(10.5, 16.8, 1)).Append(" g/dL, platelets ").Append(f.Between(140, 420))
            .Append(" ×10⁹/L.\n");
    }

    private static void Meds(Fakes f, StringBuilder sb)
    {
        sb.Append("Medications:\n");
        var count = f.Between(2, 5);
        for (var i = 0; i < count; i++)
        {
            var line = string.Format(
                System.Globalization.CultureInfo.InvariantCulture,
                f.Pick(Medications),
                f.Pick([500, 850, 1000]),
                f.Pick([5, 10, 20, 40]),
                f.Pick([10, 20, 40, 80]),
                f.Between(8, 42));
            sb.Append("  - ").Append(line).Append(", last filled ").Append(f.Date(2024, 2025))
                .Append(", ").Append(f.Between(30, 90)).Append("-day supply\n");
        }
    }

    private static void Assessment(Fakes f, StringBuilder sb, Deck<string> prose)
    {
        sb.Append("Assessment/Plan:\n");
        var count = f.Between(1, 3);
        for (var i = 1; i <= count; i++)
        {
            sb.Append(i).Append(". ").Append(f.Pick(Complaints)).Append(" (").Append(f.Icd10()).Append(") — ")
                .Append(prose.Draw()).Append('\n');
        }

        sb.Append("Orders: CPT ").Append(f.Cpt()).Append(", ").Append(f.Cpt()).Append("; follow-up in ")
            .Append(f.Between(2, 12)).Append(" weeks (").Append(f.Date(2024, 2026)).Append(").\n");
    }

    private static void Coordination(Fakes f, StringBuilder sb, Planted planted)
    {
        switch (f.Random.Next(8))
        {
            case 0:
                sb.Append("Called pharmacy at ").Append(f.Phone()).Append(" on ").Append(f.Date()).Append(" at ")
                    .Append(f.Time()).Append(" to clarify the refill; spoke with ").Append(f.FirstName()).Append(".\n");
                break;
            case 1:
                sb.Append("Insurance: member ID ").Append(f.MemberId()).Append(", group ").Append(f.Digits(6))
                    .Append("; prior authorization #").Append(f.Digits(10)).Append(" approved ").Append(f.Date()).Append(".\n");
                break;
            case 2:
                sb.Append("Records faxed to ").Append(f.Phone()).Append(" (").Append(f.Between(3, 28))
                    .Append(" pages). Patient address on file: ").Append(f.Address()).Append(".\n");
                break;
            case 3:
                sb.Append("Emergency contact: ").Append(f.FullName()).Append(" (spouse), ").Append(f.Phone()).Append(".\n");
                break;
            case 4 when f.Chance(0.15):
                // Registration notes sometimes carry an SSN.
                sb.Append("Registration updated; SSN ").Append(f.Ssn()).Append(" verified against photo ID.\n");
                planted.Ssns++;
                break;
            case 5 when f.Chance(0.05):
                // Front desk takes a copay by phone and types the card into the note: the case the Redactor exists for.
                var pan = f.Pan(out var brand);
                sb.Append("Copay of ").Append(f.Amount()).Append(" taken by phone, ").Append(brand).Append(" card ")
                    .Append(f.FormatPan(pan)).Append(" exp ").Append(f.Expiry()).Append(".\n");
                planted.Pans++;
                planted.Expiries++;
                break;
            default:
                sb.Append("Copay ").Append(f.Amount()).Append(" collected at check-in, card ending in ").Append(f.Digits(4))
                    .Append(", receipt #").Append(f.Digits(7)).Append(".\n");
                break;
        }
    }

    private static void Prose(Fakes f, StringBuilder sb, Deck<string> prose, string heading)
    {
        sb.Append(heading);
        for (var i = f.Between(2, 5); i > 0; i--)
        {
            sb.Append(prose.Draw()).Append(' ');
        }

        sb.Length--;
        sb.Append('\n');
    }
}

using System.Globalization;

namespace PrivateInference.Eval.Corpus.Kinds;

internal sealed class LabReports : IDocumentKind
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public string Name => "lab_report";

    private static readonly (string Panel, (string Test, string Unit, double Low, double High, int Decimals)[] Rows)[] Panels =
    [
        ("BASIC METABOLIC PANEL",
        [
            ("Sodium", "mmol/L", 136, 145, 0), ("Potassium", "mmol/L", 3.5, 5.1, 1), ("Chloride", "mmol/L", 98, 107, 0),
            ("CO2", "mmol/L", 22, 29, 0), ("BUN", "mg/dL", 7, 20, 0), ("Creatinine", "mg/dL", 0.6, 1.3, 2),
            ("Glucose", "mg/dL", 70, 99, 0), ("Calcium", "mg/dL", 8.6, 10.3, 1),
        ]),
        ("COMPLETE BLOOD COUNT",
        [
            ("WBC", "K/uL", 4.0, 11.0, 1), ("RBC", "M/uL", 4.2, 5.9, 2), ("Hemoglobin", "g/dL", 12.0, 17.5, 1),
            ("Hematocrit", "%", 36, 52, 1), ("MCV", "fL", 80, 100, 0), ("Platelets", "K/uL", 150, 400, 0),
        ]),
        ("LIPID PANEL",
        [
            ("Cholesterol, total", "mg/dL", 100, 199, 0), ("Triglycerides", "mg/dL", 0, 149, 0), ("HDL", "mg/dL", 40, 90, 0),
            ("LDL (calc)", "mg/dL", 0, 99, 0),
        ]),
        ("THYROID / DIABETES",
        [
            ("TSH", "mIU/L", 0.45, 4.5, 2), ("Free T4", "ng/dL", 0.8, 1.8, 2), ("Hemoglobin A1c", "%", 4.0, 5.6, 1),
        ]),
        ("COAGULATION",
        [
            ("PT", "sec", 11.0, 13.5, 1), ("INR", "", 0.8, 1.1, 1), ("aPTT", "sec", 25, 35, 0),
        ]),
    ];

    private static readonly string[] Headers =
    [
        "{facility} — CLINICAL LABORATORY\n{addr.clinic}\nCLIA #{clia}\n\nPatient: {@pt.upper}   Sex: {sexletter}   DOB: {dob}   Age: {age}\nMRN: {mrn}   Account: {acct}\nOrdering: {@attending.lf}, MD   NPI: {npi}\nCollected: {date} {time}   Reported: {date} {time}\n",
        "LABORATORY REPORT\nName: {@pt.lf}\nDOB/Age: {dob} ({age})\nMR#: {mrn}\nLocation: {room}\nOrdered by: Dr. {@attending.full}\nSpecimen collected {date.iso} {time}\n",
        "{facility} Lab Services | Phone {phone.office} | Fax {fax}\nPATIENT {@pt.upper}   MRN {mrn}   DOB {dob}\nCOLLECTED {date} {time}\n",
        "ACCESSION REPORT\n{@pt.upper} ({mrn})   {sexletter}/{age}   {dob}\nRequested by {@attending.init} on {date.short} {time}\n",
        "Outreach draw at patient home: {addr}\nPatient: {@pt.full}   DOB: {dob}   Phone: {phone}\nInsurance: member {member}, group {group}\nDrawn {date} {time} by {@phlebotomist.full}\n",
    ];

    private static readonly string[] Comments =
    [
        "Critical value called to {@nurse}, RN at {time} on {date.short}; read back verified.",
        "Specimen hemolyzed; recollection requested. Questions: {phone.office}.",
        "Results reviewed by {@pathologist}, MD, Medical Director.",
        "{lab} was repeated on a second aliquot and confirmed.",
        "Patient fasting: yes. Last dose of {drug} at {time}.",
        "Previous result ({date.past}): {lab}.",
        "Analyzer {model}, software {version}.",
        "Billing: {cpt}, {cpt}, {cpt}; diagnosis {icd}.",
        "Results sent to {@attending.lf} by fax ({fax}) and to the patient portal {url.portal}.",
        "Patient {@pt.first} notified by phone at {phone} on {date.short}.",
        "Interpretation: findings consistent with {eponym}; correlate clinically.",
        "Please note the new reference interval for {lab} effective {year}.",
        "Sample received {dur.short} after collection; potassium may be falsely elevated.",
        "Copy to: {@pcp}, {=MD|NP} ({facility.other}).",
    ];

    public IEnumerable<string> Templates => [.. Headers, .. Comments];

    public void Write(Doc d)
    {
        d.One(Headers);
        d.Out.BlankLine();
        foreach (var (panel, rows) in d.Rng.Sample(Panels, d.Rng.Between(1, 3)))
        {
            d.Out.Line(panel);
            d.Out.Line("TEST                     RESULT    FLAG  UNITS      REFERENCE");
            foreach (var (test, unit, low, high, decimals) in rows)
            {
                var roll = d.Rng.NextDouble();
                var span = high - low;
                var value = roll < 0.15 ? low - (span * 0.3 * d.Rng.NextDouble()) : roll > 0.85 ? high + (span * 0.5 * d.Rng.NextDouble()) : low + (span * d.Rng.NextDouble());
                value = Math.Max(value, 0);
                var format = decimals == 0 ? "0" : "0." + new string('0', decimals);
                var result = value.ToString(format, Invariant);
                var flag = value < low ? "L" : value > high ? "H" : " ";
                var range = $"{low.ToString(format, Invariant)}-{high.ToString(format, Invariant)}";
                d.Out.Text(test.PadRight(25)).Negative("LAB_VALUE", result).Text(new string(' ', Math.Max(1, 10 - result.Length)))
                    .Text(flag.PadRight(6)).Text(unit.PadRight(11)).Negative("REFERENCE_RANGE", range).Text("\n");
            }

            d.Out.BlankLine();
        }

        d.Line("COMMENTS");
        d.Some(Comments, 2, 4, "\n");
        d.Out.BlankLine();
        d.Line(d.Rng.Chance(0.5) ? "Verified by {@tech.init}, MLS(ASCP)   {date.short} {time}" : "Final report. Performed at {facility}, {addr.clinic}.");
    }
}

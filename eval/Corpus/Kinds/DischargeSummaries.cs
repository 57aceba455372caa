namespace PrivateInference.Eval.Corpus.Kinds;

internal sealed class DischargeSummaries : IDocumentKind
{
    public string Name => "discharge_summary";

    private static readonly string[] Headers =
    [
        "{facility}\nDISCHARGE SUMMARY\n\nPatient: {@pt.upper}    MRN: {mrn}\nDOB: {dob}    Age: {age}    Sex: {sex}\nAdmission date: {date.adm}    Discharge date: {date}\nAttending: {@attending}, MD\nLocation: {room}\n",
        "DISCHARGE SUMMARY — {facility}\nName: {@pt.lf}\nMedical record #: {mrn}\nDate of birth: {dob}\nAdmitted: {date.adm}   Discharged: {date}\nAttending physician: Dr. {@attending.full}\nPCP: {@pcp.full}, {=MD|DO|NP}   Office {phone.office}\n",
        "Pt name: {@pt.full} (MR# {mrn})   DOB {dob}\nAdmit {date.adm} / D/C {date}   Unit: {room}\nDischarging provider: {@attending.init}, {=MD|DO}\n",
        "{facility} — Inpatient Medicine\nDischarge Summary for {@pt.full}, {age} y/o {sex}\nMRN {mrn} | Acct {acct} | DOB {dob}\nDates of stay: {date.adm} to {date}\n",
    ];

    private static readonly string[] Presentation =
    [
        "{@pt.full} is a {age}-year-old {man} with a history of {eponym}, type 2 diabetes ({icd}) and hypertension ({icd}) who presented to the emergency department on {date.adm} with {dur} of worsening dyspnea.",
        "{Mr} {@pt.last} is a {age} y/o {sex} admitted from {facility.other} after a fall at home on {date.adm.short}.",
        "The patient, aged {age}, was brought in by EMS; initial {vitals}, {vitals}.",
        "This {age}-year-old retired bus driver noted melena beginning {date.adm.short} and was found to have {lab} on arrival.",
        "History was obtained from the patient and {his} granddaughter {@granddaughter} at the bedside.",
        "{He} reports {dur} of intermittent chest pressure; troponin was negative x2 and {lab}.",
        "Baseline: ambulates with a walker; last hospitalized in {year} for {eponym}.",
        "{He} lives with {his} daughter, {@daughter}, who can be reached at {phone.alt}.",
        "{@pt.first} was transferred from {facility.other} on {date.adm} for management of {eponym}.",
        "Per the ED note, {he} was found down at {addr} by a neighbor, {@neighbor.full}, at approximately {time}.",
    ];

    private static readonly string[] Course =
    [
        "Started on {drug} and {drug}; {lab} on {date.adm.short} improved to {lab} by discharge.",
        "Cardiology ({@cardiologist.init}) was consulted and recommended {drug}.",
        "A {eponym} was placed on hospital day 2 and removed prior to discharge.",
        "Imaging ({cpt}) showed no acute intracranial process.",
        "Blood pressure {~COMMON_WORD:rose} to {bp} overnight and was controlled with {drug}.",
        "We {~COMMON_WORD:will} continue {drug} and hold {drug} until renal function recovers.",
        "Family meeting held on {date.short} with {@pt.first}'s niece, {@niece}, the health care proxy (phone {phone.alt}).",
        "Physical therapy evaluated on {date.short}; {eponym} 45, moderate fall risk.",
        "Home health referral faxed to {fax} on {date}.",
        "Pacemaker {model}, serial {serial}, interrogated by the device clinic without issues.",
        "Insulin pump {model} (SN {serial}) was suspended while NPO and resumed on {date.short}.",
        "There is {~COMMON_WORD:hope} that {he} can return to independent living with support.",
        "{His} {eponym} was managed conservatively; {lab} trended down.",
        "Palliative care (Dr. {@palliative.last}) met with {him} and {his} son, {@son.full}, on {date.short}.",
        "Wound care: stage 2 sacral ulcer, {eponym} 14; dressing changes daily.",
        "Telemetry showed paroxysmal atrial fibrillation ({icd}); {drug} was started.",
    ];

    private static readonly string[] FollowUp =
    [
        "Follow up with Dr. {@pcp.last} on {date.next} at {time}; call {phone.office} to confirm.",
        "Outpatient labs ({cpt}) in {dur}.",
        "Return precautions reviewed with {@pt.first} and {his} spouse {@spouse}.",
        "Discharged home to {addr}.",
        "Discharged to {facility.other}, {addr.other}; report called to {@snfnurse}, RN at {phone.any}.",
        "Dr. {@pcp.full} (NPI {npi}) notified via secure message.",
        "Visiting nurse to see {him} at home within {dur}; contact {@pt.first} at {phone}.",
        "Patient portal instructions sent to {email}.",
        "Medicare MBI {mbi} verified for home health; secondary plan member ID {member}.",
        "Cardiac monitor (device ID {serial}) to be returned by mail.",
    ];

    private static readonly string[] Signatures =
    [
        "Electronically signed by {@attending}, MD on {date} {time}",
        "Dictated by {@resident}, MD; cosigned by {@attending.full}, MD\nD: {date.short} {time}  T: {date.short} {time}",
        "{@attending.full}, {=MD|DO}\nHospital Medicine, {facility}\nPager {phone.any}",
    ];

    public IEnumerable<string> Templates => [.. Headers, .. Presentation, .. Course, .. FollowUp, .. Signatures];

    public void Write(Doc d)
    {
        d.One(Headers);
        d.Out.BlankLine();
        d.Line("PRINCIPAL DIAGNOSIS: {eponym} ({icd})");
        d.Line("SECONDARY: {icd}, {icd}");
        d.Out.BlankLine();
        d.Line("HISTORY OF PRESENT ILLNESS");
        d.Some(Presentation, 2, 4);
        d.Out.BlankLine();
        d.Line("HOSPITAL COURSE");
        d.Some(Course, 3, 6);
        d.Out.BlankLine();
        d.Line("DISCHARGE MEDICATIONS");
        for (var i = d.Rng.Between(2, 5); i > 0; i--)
        {
            d.Line(d.Rng.Chance(0.3) ? "- {drug} (NDC {ndc})" : "- {drug}");
        }

        d.Out.BlankLine();
        d.Line("FOLLOW-UP AND DISPOSITION");
        d.Some(FollowUp, 2, 4, "\n");
        d.Out.BlankLine();
        d.One(Signatures);
    }
}

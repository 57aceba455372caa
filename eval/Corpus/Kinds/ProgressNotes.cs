namespace PrivateInference.Eval.Corpus.Kinds;

internal sealed class ProgressNotes : IDocumentKind
{
    public string Name => "progress_note";

    private static readonly string[] Headers =
    [
        "PROGRESS NOTE   {date}   {time}\nPatient: {@pt} | MRN {mrn} | DOB {dob}\nProvider: {@attending}, {=MD|DO|NP|PA-C}\n",
        "Clinic: {facility}\nVisit date: {date}\nPt: {@pt.lf}   Age: {age}   MRN: {mrn}\n",
        "{facility} — Outpatient Follow-up\n{@pt.full} ({sexletter}, {age}) seen {date} by {@attending.init}\n",
        "NURSING PROGRESS NOTE — {room}\n{date} {time}\nPatient {@pt.upper}, MR# {mrn}\n",
        "Telehealth visit {date}, {time} (patient at home, {addr.city})\nPatient: {@pt.full}   DOB: {dob}\n",
        "{date.iso} {time}  {@pt.lf}  #{mrn}\nSeen by {@attending.full}, {=MD|NP}\n",
    ];

    private static readonly string[] Subjective =
    [
        "Pt reports {dur} of {=productive cough|left knee pain|fatigue|poor sleep|dizziness on standing}. Denies fever. Says {he} {~COMMON_WORD:will} try to cut back on salt.",
        "{age}-year-old {man} here for follow-up of {eponym}; {his} daughter {@daughter.first} drove {him} today.",
        "{age}yo {sexletter} w/ {eponym}, {icd}, here with {his} grandson {@grandson.first} for a med check.",
        "Pt is a {age} y.o. {sex}, lives alone, independent in ADLs.",
        "Seen for {icd} follow-up; last visit {date.past}. Reports good adherence to {drug}.",
        "Patient called on {date.short} reporting fingerstick glucose readings in the 200s.",
        "{He} {~COMMON_WORD:hopes} to return to work at the warehouse on {date.next}.",
        "Interval history: ED visit at {facility.other} on {date.past} for {eponym}.",
        "{He} brought a log from {his} home BP cuff; readings {bp} to {bp}.",
        "Caregiver {@caregiver} reports increased confusion at night over the past {dur}.",
        "Patient states {his} pharmacy on {addr.street} has been out of {drug}.",
        "Chief complaint: \"my {~COMMON_WORD:grace} period with the insurance ends soon\" — wants refills before {date.next}.",
    ];

    private static readonly string[] Objective =
    [
        "{vitals}, {vitals}, {vitals}. {eponym} negative.",
        "Labs from {date.short}: {lab}, {lab}, {lab}.",
        "CGM serial {serial} downloaded; time in range 62% over {dur}.",
        "Wound 2 x 3 cm, clean granulation; {eponym} in place, draining clear urine.",
        "Exam: alert, oriented x3. {eponym} absent. {vitals}.",
        "Weight down 2.1 kg since {date.past}; {lab}.",
        "Device check: {model}, serial {serial}, battery 7.5 years.",
    ];

    private static readonly string[] Assessment =
    [
        "A: {icd} — improving. {icd} — stable.",
        "Assessment: {eponym} ({icd}), on {drug}; {lab}.",
        "Impression: {icd} with poor control; contributing factors discussed.",
        "A/P: {age}-year-old with {eponym}, fall risk high ({eponym} 55).",
    ];

    private static readonly string[] Plan =
    [
        "Continue {drug}; increase {drug}. Recheck {lab} in {dur}.",
        "Refill sent to pharmacy (fax {fax}). RTC {date.next}.",
        "Referral to Dr. {@specialist.full} at {facility.other}, {phone.any}.",
        "Prior authorization submitted; member ID {member}, group {group}.",
        "Results released to the portal: {url.portal}.",
        "{~COMMON_WORD:Will} reassess at next visit. {He} agrees with the plan.",
        "Total time {dur.short} ({cpt}).",
        "Spoke with {@pt.first} by phone at {phone}; also reachable at {email}.",
        "Home health to visit {addr}; gate code given to agency.",
        "We {~COMMON_WORD:will} {~COMMON_WORD:bill} the insurer for the remote monitoring ({cpt}).",
        "Social work: verified identity for the disability application (SSN {ssn}, driver's license {dl}).",
        "Son {@son} at bedside, requests a call at {phone.alt} with any changes.",
        "Patient's wife {@wife.first} ({age.young}) will administer {drug}.",
        "Copay of {amount} collected at check-in, card {pan} exp {exp}.",
        "Vaccines: influenza ({cpt}) given today, lot on file; last Tdap {year}.",
    ];

    private static readonly string[] Signatures =
    [
        "— {@attending.init}, {=MD|DO|NP} {date.short} {time}",
        "Electronically signed: {@attending.full}, {=MD|PA-C}, {date} {time}",
        "{@nurse.full}, RN   {time}",
    ];

    public IEnumerable<string> Templates => [.. Headers, .. Subjective, .. Objective, .. Assessment, .. Plan, .. Signatures];

    public void Write(Doc d)
    {
        d.One(Headers);
        d.Out.BlankLine();
        d.Write("S: ").Some(Subjective, 2, 3).Line();
        d.Write("O: ").Some(Objective, 1, 3).Line();
        d.Some(Assessment, 1, 2).Line();
        d.Write("P: ").Some(Plan, 2, 5, "\n").Line();
        d.Out.BlankLine();
        d.One(Signatures);
    }
}

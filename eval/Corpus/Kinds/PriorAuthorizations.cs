namespace PrivateInference.Eval.Corpus.Kinds;

internal sealed class PriorAuthorizations : IDocumentKind
{
    public string Name => "prior_authorization";

    private static readonly string[] Plans =
        ["BlueCrest Health", "Pinnacle Care HMO", "Meridian Medicare Advantage", "Harbor State Medicaid", "Summit PPO", "Keystone Employee Health Plan"];

    private static readonly string[] MemberBlocks =
    [
        "MEMBER INFORMATION\nName: {@pt.lf}\nDOB: {dob}     Sex: {sexletter}\nMember ID: {member}     Group #: {group}\nAddress: {addr}\nPhone: {phone}\n",
        "Member: {@pt.full}   Date of birth: {dob}\nSubscriber ID: {member}   Policy: {policy}\nHome phone {phone}   Cell {phone.alt}\nMailing address:\n{addr.block}\n",
        "PATIENT\n  Name ............ {@pt.upper}\n  DOB ............. {dob} (age {age})\n  Plan ID ......... {member}\n  Medicare MBI .... {mbi}\n  Medicaid ID ..... {medicaid}\n",
        "Patient name: {@pt.full}   MRN {mrn}\nInsurance member number {member}, group number {group}\nEmail: {email}\n",
    ];

    private static readonly string[] PrescriberBlocks =
    [
        "PRESCRIBER INFORMATION\nName: {@prescriber}, {=MD|DO|NP}\nNPI: {npi}     DEA: {dea}     State license: {lic}\nOffice phone: {phone.office}     Fax: {fax}\nOffice address: {addr.clinic}\n",
        "Requesting provider: Dr. {@prescriber.full} (NPI {npi})\nPractice: {facility}\nPhone {phone.office} / Fax {fax}\nContact person: {@coordinator.full}, {email.@coordinator}\n",
        "Prescriber: {@prescriber.lf}, {=MD|PA-C}   DEA# {dea}   Lic. {lic}\n{addr.clinic.block}\nTel {phone.office}\n",
    ];

    private static readonly string[] Requests =
    [
        "MEDICATION REQUESTED\nDrug: {drug}   NDC: {ndc}   Quantity: 4 pens / 28 days\nDiagnosis: {icd} ({eponym})\n",
        "SERVICE REQUESTED\nProcedure: CPT {cpt}, {cpt}\nDiagnosis codes: {icd}, {icd}\nSite of service: {facility.other}\nRequested start date: {date.next}\n",
        "DURABLE MEDICAL EQUIPMENT\nItem: continuous glucose monitor, {model}\nPrior device serial {serial} (out of warranty)\nDiagnosis: {icd}\n",
    ];

    private static readonly string[] Rationale =
    [
        "Patient is a {age}-year-old {man} with {icd} inadequately controlled on {drug} for {dur}; most recent {lab} on {date.pastfull}.",
        "Step therapy completed: {drug} (started {date.month}) discontinued for GI intolerance.",
        "Patient has failed {drug} and {drug}; {drug} is contraindicated due to {eponym}.",
        "Requesting approval for {dur}. Chart notes from {date.past} attached.",
        "For questions contact {@coordinator}, prior authorization coordinator, at {phone.office} ext. {=204|17|3321} or {email.@coordinator}.",
        "Medicare beneficiary (MBI {mbi}); secondary coverage Medicaid ID {medicaid}.",
        "Urgent: delaying therapy could seriously jeopardize the life or health of the member.",
        "BMI 38.2 documented on {date.short}; {vitals}.",
        "Patient {~COMMON_WORD:will} be monitored with {lab} every {dur}.",
        "{He} resides at {facility.other} ({addr.other}); staff {~COMMON_WORD:will} administer doses.",
        "Previously approved under policy {policy}; approval lapsed on {date.past}.",
        "Baseline {lab} and {lab} on {date.short}; imaging ({cpt}) on {date.pastfull}.",
        "The member is {age} years old and has a documented allergy to {drug}.",
        "Tried and failed in {year}: {drug}. Adverse reaction: rash.",
        "Specialist consult with Dr. {@specialist.full} on {date.past} recommends {drug}.",
        "Caregiver {@caregiver.full} ({phone.alt}) manages medications at home.",
    ];

    private static readonly string[] Attestations =
    [
        "ATTESTATION: I certify that the information provided is accurate and supported by the medical record.\nSignature: {@prescriber}   Date: {date}",
        "Signed: {@prescriber.init}, {date}\nSubmitted via fax to {phone.tollfree} at {time}",
        "Prescriber signature on file. {date} {time}\nReturn determination to fax {fax}, attention {@coordinator.first}.",
    ];

    public IEnumerable<string> Templates => [.. MemberBlocks, .. PrescriberBlocks, .. Requests, .. Rationale, .. Attestations];

    public void Write(Doc d)
    {
        d.Line($"PRIOR AUTHORIZATION REQUEST — {d.Rng.Pick(Plans)}");
        d.Line("Date of request: {date}   Review type: {=Standard|Expedited}");
        d.Out.BlankLine();
        d.One(MemberBlocks);
        d.Out.BlankLine();
        d.One(PrescriberBlocks);
        d.Out.BlankLine();
        d.One(Requests);
        d.Out.BlankLine();
        d.Line("CLINICAL RATIONALE");
        d.Some(Rationale, 3, 6);
        d.Out.BlankLine();
        d.One(Attestations);
    }
}

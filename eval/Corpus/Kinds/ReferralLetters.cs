namespace PrivateInference.Eval.Corpus.Kinds;

internal sealed class ReferralLetters : IDocumentKind
{
    public string Name => "referral_letter";

    private static readonly string[] Letterheads =
    [
        "{facility}\n{addr.clinic.block}\nTel {phone.office}   Fax {fax}\n{url.org}\n",
        "{facility} · {addr.clinic} · Phone {phone.office}\n",
        "FROM THE OFFICE OF {@prescriber.full}, {=MD|DO}\n{addr.clinic.block}\nPhone: {phone.office} | Fax: {fax}\n",
    ];

    private static readonly string[] Addressees =
    [
        "Dr. {@specialist.full}\n{facility.other}\n{addr.other}\n",
        "{@specialist.full}, MD\nDepartment of {=Neurology|Cardiology|Gastroenterology|Rheumatology|Nephrology}\n{facility.other}\n",
        "To: Dr. {@specialist.last}, {facility.other}\nVia fax: {phone.any}\n",
    ];

    private static readonly string[] RegardingLines =
    [
        "Re: {@pt.full}   DOB: {dob}   MRN: {mrn}",
        "RE: {@pt.upper} (DOB {dob})",
        "Regarding: {Mr} {@pt.full}, date of birth {dob}, our chart #{mrn}",
    ];

    private static readonly string[] Body =
    [
        "Thank you for seeing {@pt.full}, a pleasant {age}-year-old {man} whom I have followed since {year} for {eponym} and hypertension ({icd}).",
        "{He} was last seen in my office on {date.past}, when {his} {lab} prompted this referral.",
        "{His} current medications include {drug}, {drug} and {drug}.",
        "Recent imaging ({cpt}) on {date.pastfull} demonstrated a 1.2 cm nodule in the right upper lobe.",
        "{He} has Medicare (MBI {mbi}) with a supplemental plan, member ID {member}, group {group}.",
        "Please contact {his} {=daughter|son|niece|nephew}, {@contact}, at {phone.alt} to schedule, as the patient is hard of hearing.",
        "{He} prefers to be contacted by email at {email}.",
        "I {~COMMON_WORD:hope} you {~COMMON_WORD:will} be able to see {him} within {dur}.",
        "Of note, {he} has a {eponym} and an implanted cardiac device (UDI {udi}).",
        "Family history is notable for {eponym} in {his} mother, who lived to {age.old}.",
        "{His} father, now {age.old}, lives in the same household at {addr}.",
        "Records, including the {date.month} colonoscopy report, are enclosed.",
        "Please send your consult note by fax to {fax} or by Direct message to {email.@prescriber}.",
        "{His} policy number with the secondary carrier is {policy}.",
        "An interpreter is needed (Spanish). Patient cell: {phone}; a relative abroad can be reached at {phone.intl}.",
        "Blood pressure today was {bp} with {vitals}.",
        "{He} was treated for {eponym} in {year} at {facility.other} and has been in remission since.",
        "Symptoms began around {date.past} and have progressed over {dur}.",
        "{He} is a retired {=engineer|nurse|farmer|teacher|mail carrier} and remains independent in ADLs.",
        "Given {his} {eponym}, I have held {drug} pending your evaluation.",
        "I {~COMMON_WORD:will} {~COMMON_WORD:mark} the chart to forward any results to you directly.",
        "Mailing address: {addr.block}",
    ];

    private static readonly string[] Closings =
    [
        "Sincerely,\n\n{@prescriber}, {=MD|DO}\nNPI {npi} | DEA {dea}\nLicense {lic}",
        "With kind regards,\n{@prescriber.full}, MD\n{facility}\nDirect line {phone.alt}",
        "Best regards,\n\nDr. {@prescriber.last}\nNPI: {npi}",
    ];

    public IEnumerable<string> Templates => [.. Letterheads, .. Addressees, .. RegardingLines, .. Body, .. Closings];

    public void Write(Doc d)
    {
        d.One(Letterheads);
        d.Out.BlankLine();
        d.Line("{date}");
        d.Out.BlankLine();
        d.One(Addressees);
        d.Out.BlankLine();
        d.One(RegardingLines);
        d.Out.BlankLine();
        d.Write(d.Rng.Chance(0.7) ? "Dear Dr. {@specialist.last},\n\n" : "Dear Colleague,\n\n");
        var sentences = d.Rng.Sample(Body, d.Rng.Between(4, 8));
        var half = sentences.Count / 2;
        d.All(sentences.Take(half));
        d.Out.BlankLine();
        d.All(sentences.Skip(half));
        d.Out.BlankLine();
        d.One(Closings);
    }
}

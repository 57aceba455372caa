namespace PrivateInference.Eval.Corpus.Kinds;

internal sealed class Emails : IDocumentKind
{
    public string Name => "email";

    // Three voices: the organisation writing to a patient or customer, the patient writing in, staff writing to staff.
    private static readonly string[] ToPatientHeaders =
    [
        "From: {@sender} <{email.@sender}>\nTo: {@pt.full} <{email}>\nDate: {date} {time}\nSubject: {=Your upcoming appointment|Records request|Your statement|Follow-up from today|Re: billing}\n",
        "From: {=Patient Access|Billing Office|Card Services} <{email.org}>\nTo: {email}\nSent: {date}\nSubject: {=Action needed on your account|Appointment confirmation|Your card}\n",
    ];

    private static readonly string[] FromPatientHeaders =
    [
        "From: \"{@pt.lf}\" <{email}>\nTo: {email.org}\nCc: {@cc.full} <{email.@cc}>\nSent: {date} {time}\nSubject: {=charge on my card|question about my bill|Fwd: lab results|please update my address}\nX-Originating-IP: [{ip}]\n",
        "-----Original Message-----\nFrom: {@pt.full} [mailto:{email}]\nSent: {date}\nTo: {@sender.full}\nSubject: RE: {=appointment|refund|prescription}\n",
        "From: {@pt} <{email}>\nDate: {date.any}, {time}\nTo: {@sender.first} <{email.@sender}>\nSubject: {=question|help!!|Re: your call|documents}\n",
    ];

    private static readonly string[] InternalHeaders =
    [
        "From: {email.@sender}\nTo: {email.@cc}\nSubject: {=Patient discharge today|Pt update|Re: referral|Records}\n",
        "From: {@sender.full} <{email.@sender}>\nTo: {@cc.full} <{email.@cc}>\nDate: {date} {time}\nSubject: {=FW: patient call|chart question|Re: prior auth}\n",
    ];

    private static readonly string[] ToPatientGreetings = ["Hi {@pt.first},", "Dear {Mr} {@pt.last},", "Hello {@pt.full},", "Good morning,"];

    private static readonly string[] FromPatientGreetings = ["Hello,", "Hi {@sender.first},", "To whom it may concern,", "hi"];

    private static readonly string[] InternalGreetings = ["Team,", "Hi {@cc.first},", "{@cc.first} -", "All,"];

    private static readonly string[] ToPatientBody =
    [
        "This is a reminder of your appointment with Dr. {@pcp.last} on {date.next} at {time} at our {addr.clinic} office.",
        "Please bring your insurance card (member ID {member}) and a photo ID.",
        "Attached are the records you requested for {@pt.full} (DOB {dob}, MRN {mrn}).",
        "Your statement for account {acct} shows a balance of {amount}. You can pay online at {url.portal}.",
        "We were unable to process the card ending in {last4}; please call us at {phone.tollfree}.",
        "Per our call, I updated your mailing address to:\n{addr.block}",
        "We {~COMMON_WORD:will} {~COMMON_WORD:bill} the insurer directly, so there is nothing due today.",
        "I {~COMMON_WORD:hope} this helps.",
        "Sign-in alert: a sign-in from {ip} ({ip6}) on {date} at {time} using {version}.",
        "Our office is moving to {addr.new} effective {date.next}.",
        "Tracking {tracking} shows the replacement meter was delivered.",
        "If you pay by check, please write {acct} on the memo line.",
        "The refund of {amount} to your card {masked} was issued on {date.short}.",
        "Dr. {@pcp.last} reviewed your results: {lab}. No changes to {drug} for now.",
    ];

    private static readonly string[] FromPatientBody =
    [
        "My card {pan} was charged {amount} on {date.txn} and I never authorized it.",
        "The card expires {exp} and the code on the back is {cvv}, if you need that.",
        "I've attached a photo of my license ({dl}) as requested.",
        "My new cell is {phone} and my old number {phone.alt} no longer works.",
        "I was diagnosed with {eponym} in {year} and have been on {drug} since.",
        "Can you send the form to my husband {@husband.full} at {email.@husband}?",
        "My daughter is {age.young} and needs to be added to policy {policy}.",
        "The monitor serial is {serial} and it stopped syncing {dur} ago.",
        "My SSN is {ssn} in case you need it for the form.",
        "You can reach me on WhatsApp at {phone.intl}.",
        "Please call my mother, {@mother}, who is {age.old}, before the visit.",
        "My new address is {addr}.",
        "Please wire the refund to IBAN {iban} (name: {@pt.full}).",
        "The courtesy car (VIN {vin}) was returned on {date.short} with a full tank.",
        "My Medicare number is {mbi} and my date of birth is {dob}.",
        "I {~COMMON_WORD:will} be away until {date.next}, so email is best.",
    ];

    private static readonly string[] InternalBody =
    [
        "Patient {@pt.init} ({age}) in {room} is ready for discharge; family ({@son.full}, {phone.alt}) has been notified.",
        "Could you confirm whether {@pt.first} is still taking {drug}?",
        "Pt {@pt.init} (chart {mrn}) needs a new referral before {date.next}.",
        "Dr. {@specialist.last} asked me to forward the results for {@pt.full}, MRN {mrn}: {lab} and {lab}.",
        "Follow-up visit coded as {cpt} with {icd}; claim sent on {date.short}.",
        "{Mr} {@pt.last} called from {phone} about the {eponym} referral; {he} is {age}.",
        "The prior auth for {drug} (member {member}) was denied; appeal due {date.next}.",
        "{He} lives at {addr} and asked that we not leave voicemails.",
        "Chart shows DOB {dob} but the insurance card says {date.pastfull}; please check.",
        "Device clinic needs the UDI from the implant log: {udi}.",
        "Please scan the fax from {fax} into {@pt.first}'s chart.",
        "Family asked us to contact {his} niece {@niece.full} at {email.@niece}.",
        "We {~COMMON_WORD:will} {~COMMON_WORD:mark} the account for review; no need to {~COMMON_WORD:bill} yet.",
    ];

    private static readonly string[] StaffSignatures =
    [
        "--\n{@sender}, {=RN|CPC|MSW|LPN}\n{=Patient Access Coordinator|Billing Specialist|Care Manager|Medical Records}\n{facility}\n{addr.clinic.block}\nTel {phone.office} | Fax {fax}\n{email.@sender}\n{url.org}",
        "Thanks,\n{@sender.first}\n\nSent from my iPhone",
        "Regards,\n{@sender.full} | {facility}\nDirect: {phone.office}",
        "{@sender.init}\n{facility} · {phone.office}",
    ];

    private static readonly string[] PatientSignatures =
    [
        "Best,\n{@pt.full}\n{phone}",
        "thanks\n{@pt.first}",
        "Sincerely,\n{@pt}\n{addr.block}",
        "{@pt.first}\n\nSent from my Galaxy",
    ];

    private const string Notice =
        "CONFIDENTIALITY NOTICE: This e-mail, including any attachments, is for the sole use of the intended recipient(s) and may contain protected health information. If you are not the intended recipient, please notify the sender and destroy all copies.";

    public IEnumerable<string> Templates =>
    [
        .. ToPatientHeaders, .. FromPatientHeaders, .. InternalHeaders, .. ToPatientGreetings, .. FromPatientGreetings, .. InternalGreetings,
        .. ToPatientBody, .. FromPatientBody, .. InternalBody, .. StaffSignatures, .. PatientSignatures,
    ];

    public void Write(Doc d)
    {
        var (headers, greetings, body, signatures) = d.Rng.Next(3) switch
        {
            0 => (ToPatientHeaders, ToPatientGreetings, ToPatientBody, StaffSignatures),
            1 => (FromPatientHeaders, FromPatientGreetings, FromPatientBody, PatientSignatures),
            _ => (InternalHeaders, InternalGreetings, InternalBody, StaffSignatures),
        };

        d.One(headers);
        d.Out.BlankLine();
        d.One(greetings);
        d.Out.BlankLine();
        var sentences = d.Rng.Sample(body, d.Rng.Between(3, 6));
        var half = d.Rng.Between(1, sentences.Count - 1);
        d.All(sentences.Take(half));
        d.Out.BlankLine();
        d.All(sentences.Skip(half));
        d.Out.BlankLine();
        d.One(signatures);
        if (signatures == StaffSignatures && d.Rng.Chance(0.5))
        {
            d.Out.BlankLine();
            d.Out.Text(Notice);
        }
    }
}

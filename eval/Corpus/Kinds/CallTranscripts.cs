namespace PrivateInference.Eval.Corpus.Kinds;

internal sealed class CallTranscripts : IDocumentKind
{
    public string Name => "call_transcript";

    private static readonly string[] Headers =
    [
        "CALL TRANSCRIPT — {=Member Services|Card Services|Billing Office|Pharmacy Help Desk|Scheduling} — {date} {time}\nCall ID {callid}   Duration {dur.short}\n",
        "Recorded line transcript\nQueue: {=cards-fraud|billing-tier1|nurse-advice|appointments}   Agent: {@agent.full}   Date: {date}\n",
        "[auto-transcribed, unreviewed] call {callid} started {time}\n",
    ];

    private static readonly string[] Openings =
    [
        "Thank you for calling {facility}, my name is {@agent.first}. Who am I speaking with?",
        "Card services, this is {@agent.first} on a recorded line. Can I have your full name, please?",
        "Hi, you've reached billing, {@agent.first} speaking. How can I help?",
        "Good morning, nurse advice line, this is {@agent.full}, RN. May I have the patient's name?",
    ];

    private static readonly string[] CallerIntroductions =
    [
        "Yes, hi, it's {@pt.full}.",
        "This is {@pt.full}, I'm calling about a charge.",
        "Hi, my name is {@pt} and I'm calling for my appointment.",
        "Um, yeah, it's {@pt.full}, {@pt.last} with {=an O|a capital letter|a hyphen}.",
        "I'm calling on behalf of my {=mother|father|aunt}, {@pt.full}. I'm {@relative.full}.",
    ];

    // An agent line and the caller's answer.
    private static readonly (string Agent, string Caller)[] Exchanges =
    [
        ("Can I get the date of birth?", "{dob}."),
        ("And your date of birth?", "It's the {dob.words}."),
        ("What's the card number?", "Sure, it's {pan}."),
        ("And the expiration date on the card?", "{exp}."),
        ("The three-digit code on the back?", "{cvv}."),
        ("Can you read me the card number, the expiration and the security code?", "{pan}, expires {exp}, code {cvv}."),
        ("Go ahead with the card whenever you're ready.", "OK. {pan}... expiration {exp}... and the CVV is {cvv}."),
        ("And your social, for the identity check?", "My social is {ssn.plain}."),
        ("What is the best number to reach you?", "{phone}, or my work line {phone.alt}."),
        ("Can you confirm the address we have on file?", "It's {addr}."),
        ("For verification I need your Social Security number.", "OK, it's {ssn}."),
        ("I just need the full social to pull up the account.", "{ssn.spaced}"),
        ("Do you have your member ID card handy?", "Yes, member ID {member}, group {group}."),
        ("What email should I send the confirmation to?", "{email}"),
        ("Do you have the MRN from the discharge papers?", "It says MRN {mrn}."),
        ("Is there a number on your hospital bracelet?", "Yeah, it's {mrn}."),
        ("What email do you want the receipt at?", "It's {email.spoken}."),
        ("Which pharmacy do you use?", "The one on {addr.street}."),
        ("Who is your primary doctor?", "Dr. {@pcp.full} over at {facility.other}."),
        ("Is the prescription for you?", "No, for my mother, {@mother}. She's {age.old}."),
        ("How old is the patient?", "{He}'s {age}."),
        ("What were the charges you're calling about?", "I was charged {amount} twice on {date.txn}."),
        ("I see two charges here, order {order}. Is that the one?", "Yes, that's it."),
        ("Can you give me your bank details for the refund?", "The IBAN is {iban}."),
        ("Does anyone else use the account?", "My husband {@husband.first}. His cell is {phone.any}."),
        ("What's the VIN on the vehicle?", "Hold on... {vin}."),
        ("Is there a fax number for your doctor's office?", "Yeah, it's {fax}."),
        ("Could you read me the serial number on the back of the meter?", "It says SN {serial}."),
        ("And the driver's license number for the claim?", "{dl}, issued in {=Texas|Ohio|California|Florida}."),
        ("Do you have the account number from the statement?", "Account {acct}."),
        ("When did you last see the doctor?", "Um, {date.past}, I think."),
        ("When is a good time for the nurse to call?", "Any time after {time}."),
        ("Can you spell the street?", "{addr.street}, yes."),
        ("What's your Medicare number?", "{mbi}."),
        ("Which card is this about?", "The one ending in {last4}."),
        ("Do you still live at {addr.street}?", "No, we moved to {addr.new}."),
        ("Can I get the name of the merchant?", "It says {merchant}."),
    ];

    private static readonly string[] AgentRemarks =
    [
        "I {~COMMON_WORD:will} put a note on the account and we {~COMMON_WORD:will} not {~COMMON_WORD:bill} you for that visit.",
        "I'm sending a confirmation to {email}; your reference number is {case}.",
        "Your new card ending in {last4} should arrive within {dur}.",
        "For security I can only read back {masked}.",
        "Our fax number is {fax} and our direct line is {phone.office}.",
        "I've scheduled you with Dr. {@pcp.last} on {date.next} at {time}.",
        "I {~COMMON_WORD:hope} that helps. Is there anything else?",
        "Let me {~COMMON_WORD:mark} that as resolved.",
        "The refund of {amount} was processed on {date.short}.",
        "I see you were prescribed {drug}; the plan needs a prior authorization with code {icd}.",
        "You can log in at {url.portal} to see the statement.",
    ];

    private static readonly string[] AgentClosings =
    [
        "Thanks, {@pt.first}. Have a good day.",
        "Thank you for calling, goodbye.",
        "Alright, you're all set. Bye now.",
        "Thank you, {Mr} {@pt.last}. Take care.",
    ];

    private static readonly string[] CallerClosings = ["OK, thanks {@agent.first}, bye.", "Thanks, bye.", "Great, thank you so much.", "No, that's all. Bye."];

    public IEnumerable<string> Templates =>
        [.. Headers, .. Openings, .. CallerIntroductions, .. Exchanges.Select(e => e.Agent), .. Exchanges.Select(e => e.Caller), .. AgentRemarks, .. AgentClosings, .. CallerClosings];

    public void Write(Doc d)
    {
        var (agent, caller) = d.Rng.Pick([("Agent", "Caller"), ("AGENT", "CUSTOMER"), ("Rep", "Member"), ("A", "C"), ("Speaker 1", "Speaker 2")]);
        var stamped = d.Rng.Chance(0.7);
        var seconds = d.Rng.Between(1, 6);

        d.One(Headers);
        d.Out.BlankLine();

        void Turn(string speaker, string template)
        {
            if (stamped)
            {
                d.Out.Text("[").Negative("TIME", TimeSpan.FromSeconds(seconds).ToString(@"hh\:mm\:ss", System.Globalization.CultureInfo.InvariantCulture)).Text("] ");
                seconds += d.Rng.Between(2, 25);
            }

            d.Out.Text(speaker).Text(": ");
            d.Line(template);
        }

        Turn(agent, d.Rng.Pick(Openings));
        Turn(caller, d.Rng.Pick(CallerIntroductions));
        foreach (var (question, answer) in d.Rng.Sample(Exchanges, d.Rng.Between(4, 8)))
        {
            Turn(agent, question);
            Turn(caller, answer);
            if (d.Rng.Chance(0.3))
            {
                Turn(agent, d.Rng.Pick(AgentRemarks));
            }
        }

        Turn(agent, d.Rng.Pick(AgentRemarks));
        if (d.Rng.Chance(0.5))
        {
            Turn(agent, d.Rng.Pick(AgentClosings));
        }
        else
        {
            Turn(caller, d.Rng.Pick(CallerClosings));
        }
    }
}

namespace PrivateInference.Eval.Corpus.Kinds;

internal sealed class SupportChats : IDocumentKind
{
    public string Name => "support_chat";

    private static readonly string[] Greetings =
    [
        "hi", "hello??", "hey there", "hi i need help pls", "helo", "good evening 🙂", "hi is anyone there", "yo",
    ];

    private static readonly string[] AgentGreetings =
    [
        "hi! thanks for reaching out, this is {@agent.first}. how can i help today?",
        "hello, you're chatting with {@agent.first} from support 😊 what can i do for you?",
        "Hi there, {@agent.first} here. What's going on?",
    ];

    private static readonly string[] UserLines =
    [
        "im locked out of my acount, email is {email}",
        "my name is {@pt} dob {dob}",
        "i tried to log in from {ip} and it says suspicious activity 😩",
        "app version is {version}, phone serial {serial.any} idk if that matters",
        "can u update my adress to {addr}",
        "new phone # is {phone}",
        "order {order} never came, tracking {tracking} says delivered 🙄",
        "i got charged {amount} twice wtf",
        "card is {pan} exp {exp} cvv {cvv}",
        "its the card ending {last4}",
        "here: {pan} {exp} {cvv}",
        "ssn {ssn.plain} if u need it",
        "my mrn is {mrn} if that helps",
        "its for my grandma {@grandma.first} shes {age.old} and cant use computers lol",
        "ok i {~COMMON_WORD:will} try again tmrw",
        "the home hub for my dads heart monitor shows ip {ip} and mac {mac}",
        "ugh fine my ssn is {ssn}",
        "member id {member} 👍",
        "my dr is dr {@pcp.last} at {facility.other}",
        "appt was {date.short} at {time}",
        "can you send it to {email} instead",
        "email me at {email.spoken} not the old one",
        "thx!! 🙏",
        "my insulin pump {model} sn {serial} keeps beeping 😭",
        "drivers license {dl} do u need a pic of it",
        "my router shows ipv6 {ip6} not sure what that means",
        "i'm {age} not a kid haha",
        "zip is {zip}",
        "it was {date.any} i think??",
        "wait its {pan}, sorry typo b4",
        "refund to my bank pls, iban {iban}",
        "my wife {@wife.first} set it up, her number is {phone.any}",
        "the link {url.portal} just spins 🌀",
        "acct number {acct}",
        "im at {addr.street} btw if ur sending someone",
        "my son is {age.young} and on my plan",
        "i {~COMMON_WORD:hope} this gets fixed soon",
        "the imei on my phone is {imei}",
    ];

    private static readonly string[] AgentLines =
    [
        "sorry about that! can you confirm the email on file?",
        "thanks {@pt.first}, i've sent a reset link to {email}.",
        "i see order {order}, refund of {amount} issued, should post in {dur}.",
        "for your security please don't share full card numbers in chat. i've masked it as {masked}.",
        "all set, i updated your address. anything else?",
        "our billing team can be reached at {phone.tollfree}.",
        "you can also use the portal: {url.portal}",
        "ticket {case} created ✅",
        "got it. can you verify your date of birth?",
        "I'll escalate to our device team; they {~COMMON_WORD:will} email you within {dur}.",
        "The pump {model} should be returned using the prepaid label to {addr.clinic}.",
        "Thanks! I see the charge from {merchant} on {date.txn}.",
        "That login from {ip.any} was blocked.",
        "Could you tell me your member ID and date of birth please?",
    ];

    private static readonly string[] Endings =
    [
        "ok thx bye", "👍👍", "that worked!! thank u so much", "ok", "cool ty 🙏", "still not working but whatever",
    ];

    public IEnumerable<string> Templates => [.. Greetings, .. AgentGreetings, .. UserLines, .. AgentLines, .. Endings];

    public void Write(Doc d)
    {
        d.LowerCase = d.Rng.Chance(0.75);
        var user = d.Rng.Pick(["user", "customer", "guest_4821", "visitor", "me", "member"]);
        var stamped = d.Rng.Chance(0.6);
        var minute = d.Rng.Between(0, 50);
        var hour = d.Rng.Between(7, 22);

        void Say(string speaker, string template)
        {
            if (stamped)
            {
                d.Out.Text("[").Negative("TIME", $"{hour:00}:{minute:00}").Text("] ");
                minute += d.Rng.Between(0, 2);
                if (minute > 59)
                {
                    minute -= 60;
                    hour = (hour + 1) % 24;
                }
            }

            d.Out.Text(speaker).Text(": ");
            d.Line(template);
        }

        var agent = d.Rng.Chance(0.5) ? "support" : "agent";
        if (d.Rng.Chance(0.3))
        {
            d.Line("chat started {date} · {=web|app|sms}");
        }

        Say(user, d.Rng.Pick(Greetings));
        Say(agent, d.Rng.Pick(AgentGreetings));
        var lines = d.Rng.Sample(UserLines, d.Rng.Between(4, 8));
        foreach (var line in lines)
        {
            Say(user, line);
            if (d.Rng.Chance(0.5))
            {
                Say(agent, d.Rng.Pick(AgentLines));
            }
        }

        Say(user, d.Rng.Pick(Endings));
    }
}

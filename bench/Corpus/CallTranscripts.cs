using System.Text;

namespace PrivateInference.Bench.Corpus;

/// <summary>
/// Speech-to-text transcripts of calls to a billing line: timestamps on every turn, birth dates and
/// callback numbers for verification, and in about one call in ten a card read out with its expiry and
/// security code (or an SSN).
/// </summary>
internal static class CallTranscripts
{
    private static readonly string[] Queues = ["Billing", "Card Services", "Patient Accounts", "Disputes", "Pharmacy Billing"];

    private static readonly string[] AgentLines =
    [
        "Thank you for calling, this call may be recorded for quality purposes. How can I help you today?",
        "I can help with that. Can I get your full name and date of birth to verify the account?",
        "Thanks, I see the account. I'm looking at the statement from last month now.",
        "I see a charge of {0} posted on {1}. Is that the one you're calling about?",
        "Let me put you on a brief hold while I check with the billing team, about 2 minutes.",
        "Okay, I've submitted the request. You should see the adjustment within 7 to 10 business days.",
        "Your reference number for this call is {2}. Is there anything else I can help with?",
        "Can you confirm the best callback number in case we get disconnected?",
    ];

    private static readonly string[] CallerLines =
    [
        "Hi, yes, I got a bill for {0} and I think I was already charged for that visit.",
        "Sure, it's {3}, born {4}.",
        "I called on {1} and someone told me it would be fixed, but it's still there.",
        "The best number is {5}, that's my cell.",
        "No, that's all, thank you so much for your help.",
        "I paid it online around {6}, I have the confirmation email somewhere.",
        "My insurance should have covered it, the claim number they gave me was {2}.",
        "Um, hold on, let me find the letter... okay, it says statement date {1}.",
    ];

    public static void Write(Fakes f, StringBuilder sb, int targetLength, Planted planted)
    {
        sb.Append("Call ID ").Append(f.Digits(4)).Append('-').Append(f.Digits(2)).Append('-').Append(f.Digits(4))
            .Append(" | ").Append(f.Timestamp()).Append(" | Duration ").Append(f.Clock(40)).Append(" | Queue: ")
            .Append(f.Pick(Queues)).Append(" | Agent ").Append(f.FirstName()).Append(" (ext. ").Append(f.Digits(4)).Append(")\n");

        var agentLines = new Deck<string>(f, AgentLines);
        var callerLines = new Deck<string>(f, CallerLines);
        var offset = 0;
        var cardAt = f.Chance(0.10) ? f.Between(2, 6) : -1;
        var ssnAt = f.Chance(0.03) ? f.Between(2, 8) : -1;
        for (var turn = 0; sb.Length < targetLength; turn++)
        {
            offset += f.Between(3, 40);
            if (turn == cardAt)
            {
                ReadCardAloud(f, sb, ref offset, planted);
                continue;
            }

            if (turn == ssnAt)
            {
                Turn(sb, offset, "Agent", "For verification, can I have the last four of your social, or the full number if you prefer?");
                offset += f.Between(3, 9);
                Turn(sb, offset, "Caller", $"Sure, my social security number is {f.Ssn()}.");
                planted.Ssns++;
                continue;
            }

            var agent = turn % 2 == 0;
            var line = string.Format(
                System.Globalization.CultureInfo.InvariantCulture,
                agent ? agentLines.Draw() : callerLines.Draw(),
                f.Amount(),
                f.Date(),
                f.Chance(0.5) ? f.Digits(10) : $"CLM-{f.Digits(8)}",
                f.FullName(),
                f.BirthDate(),
                f.Phone(),
                f.Time());
            Turn(sb, offset, agent ? "Agent" : "Caller", line);
        }
    }

    private static void ReadCardAloud(Fakes f, StringBuilder sb, ref int offset, Planted planted)
    {
        var pan = f.Pan(out var brand);
        Turn(sb, offset, "Agent", "I can take that payment now. What's the card number?");
        offset += f.Between(4, 15);
        Turn(sb, offset, "Caller", $"Okay, it's a {brand}, the number is {f.FormatPan(pan)}.");
        planted.Pans++;
        offset += f.Between(3, 9);
        Turn(sb, offset, "Agent", "Thank you. And the expiration date?");
        offset += f.Between(2, 6);
        Turn(sb, offset, "Caller", $"It expires {f.Expiry()}.");
        planted.Expiries++;
        offset += f.Between(2, 8);
        if (f.Chance(0.6))
        {
            Turn(sb, offset, "Caller", $"And the CVV is {f.Cvv(brand)}, if you need it.");
            planted.Cvvs++;
        }
        else
        {
            Turn(sb, offset, "Agent", "Great, and the security code on the back?");
            offset += f.Between(2, 6);
            Turn(sb, offset, "Caller", $"The security code is {f.Cvv(brand)}.");
            planted.Cvvs++;
        }
    }

    private static void Turn(StringBuilder sb, int offsetSeconds, string speaker, string text) =>
        sb.Append('[').Append(TimeSpan.FromSeconds(offsetSeconds).ToString(@"hh\:mm\:ss", System.Globalization.CultureInfo.InvariantCulture))
            .Append("] ").Append(speaker).Append(": ").Append(text).Append('\n');
}

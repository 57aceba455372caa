using System.Text;

namespace PrivateInference.Bench.Corpus;

/// <summary>
/// Point-of-sale and payment-gateway logs pasted into support tickets: dense timestamps, terminal and
/// batch numbers, amounts, masked PANs, and now and then a raw magnetic-stripe track that a misconfigured
/// terminal logged.
/// </summary>
internal static class TerminalLogs
{
    private static readonly string[] Events =
        ["AUTH_REQ", "AUTH_RESP", "SETTLE", "BATCH_CLOSE", "KEEPALIVE", "REVERSAL", "EMV_FALLBACK", "PIN_ENTRY"];

    public static void Write(Fakes f, StringBuilder sb, int targetLength, Planted planted)
    {
        sb.Append("Ticket INC").Append(f.Digits(7)).Append(": terminal TID ").Append(f.Digits(8)).Append(" at store #")
            .Append(f.Between(100, 9999)).Append(" declines contactless since ").Append(f.Date()).Append(". Log excerpt follows.\n\n");

        var trackAt = f.Chance(0.10) ? f.Between(3, 15) : -1;
        for (var line = 0; sb.Length < targetLength; line++)
        {
            sb.Append(f.Timestamp()).Append(" TID=").Append(f.Digits(8)).Append(" STAN=").Append(f.Digits(6)).Append(' ');
            if (line == trackAt)
            {
                var pan = f.Pan(out _);
                sb.Append("EMV_FALLBACK swipe raw=").Append(f.Chance(0.5) ? f.Track1(pan) : f.Track2(pan)).Append('\n');
                planted.Tracks++;
                continue;
            }

            var pan4 = f.Digits(4);
            sb.Append(f.Pick(Events)).Append(" amt=").Append(f.Decimal(0.5, 950, 2)).Append(" cur=840 pan=")
                .Append(f.Pick(["4", "5", "3", "6"])).Append("*******").Append(f.Digits(4)).Append(pan4)
                .Append(" rc=").Append(f.Pick(["00", "05", "51", "91", "Z3"])).Append(" rrn=").Append(f.Digits(12))
                .Append(" lat=").Append(f.Between(80, 2400)).Append("ms\n");
        }

        sb.Append("\nFirmware ").Append(f.Between(1, 9)).Append('.').Append(f.Between(0, 20)).Append('.').Append(f.Between(0, 99))
            .Append(" installed ").Append(f.Date()).Append("; vendor support line ").Append(f.Phone()).Append(".\n");
    }
}

using System.Text;

namespace PrivateInference.Bench.Corpus;

/// <summary>
/// Chargeback and dispute case narratives: case and order numbers, parcel tracking numbers, amounts,
/// timestamps, the last four digits of a card, and, in about one case in ten, the full card data a
/// customer pasted into a complaint (or an IBAN for a refund).
/// </summary>
internal static class PaymentDisputes
{
    private static readonly string[] Merchants =
        ["Acme Outdoor Supply", "Brightline Electronics", "Cafe Sample", "Example Air", "Globex Streaming", "Initech Home"];

    private static readonly string[] Reasons =
    [
        "merchandise not received", "item not as described", "duplicate processing", "cancelled recurring billing",
        "credit not processed", "unrecognized transaction", "incorrect amount",
    ];

    private static readonly string[] Narrative =
    [
        "The cardholder states the order never arrived even though the carrier shows it as delivered.",
        "Customer says she cancelled the subscription by phone and was charged again the following month.",
        "The merchant responded within 5 business days and provided proof of delivery with a signature.",
        "Cardholder was charged twice for the same purchase; the second authorization settled 2 days later.",
        "Customer returned the item using the prepaid label and has not received the refund after 3 weeks.",
        "The description on the statement did not match the store name, so the customer did not recognize it.",
        "Agent reviewed the transaction history for the last 90 days and found 3 similar charges.",
        "Provisional credit was issued and the case was forwarded to the acquirer for representment.",
        "Customer uploaded 2 screenshots of the chat with the merchant's support team.",
        "Merchant claims the service was used for 14 days before the cancellation request.",
        "Reason code assigned after review; documentation deadline is 30 days from today.",
        "The package weighed 2.3 kg according to the label, which matches a 55-inch TV box, not a phone case.",
        "Customer called back on Tuesday at 4:40 PM asking for an update; advised the case is still open.",
        "Merchant's descriptor shows a support number that goes to voicemail after 6 rings.",
        "The cardholder travelled abroad between the 3rd and the 17th and says the card never left her wallet.",
        "A partial refund of 25% was offered by the merchant and declined by the customer.",
        "Second presentment received; the acquirer attached an invoice dated 2 days before the shipment.",
        "Cardholder confirms the billing address and the last 4 digits on the statement match.",
    ];

    public static void Write(Fakes f, StringBuilder sb, int targetLength, Planted planted)
    {
        sb.Append("Dispute case DSP-").Append(f.Between(2021, 2025)).Append('-').Append(f.Digits(7))
            .Append(" — opened ").Append(f.Timestamp()).Append('\n');
        sb.Append("Cardholder: ").Append(f.FullName()).Append("; card ending in ").Append(f.Digits(4))
            .Append("; phone ").Append(f.Phone()).Append('\n');
        sb.Append("Transaction: ").Append(f.Date()).Append(", ").Append(f.Amount()).Append(" at ").Append(f.Pick(Merchants))
            .Append(" (MCC ").Append(f.Digits(4)).Append("), ARN ").Append(f.Digits(23)).Append(", auth code ")
            .Append(f.Digits(6)).Append('\n');
        sb.Append("Reason: ").Append(f.Pick(Reasons)).Append(" (").Append(f.Between(10, 13)).Append('.').Append(f.Between(1, 9))
            .Append(")\n\n");

        var narrative = new Deck<string>(f, Narrative);
        var sensitive = f.Chance(0.10);
        var refundToIban = f.Chance(0.04);
        while (sb.Length < targetLength)
        {
            switch (f.Random.Next(6))
            {
                case 0:
                    sb.Append("Order ").Append(f.OrderNumber()).Append(" placed ").Append(f.Date()).Append(" for ")
                        .Append(f.Amount()).Append(", shipped via tracking number ").Append(f.TrackingNumber())
                        .Append(" on ").Append(f.Date()).Append(".\n");
                    break;
                case 1:
                    sb.Append('[').Append(f.Timestamp()).Append("] Note by agent ").Append(f.FirstName()).Append(": ")
                        .Append(narrative.Draw()).Append('\n');
                    break;
                case 2 when sensitive:
                    CustomerStatement(f, sb, planted);
                    sensitive = false;
                    break;
                case 3 when refundToIban:
                    sb.Append("Customer asks for the refund of ").Append(f.Amount()).Append(" by bank transfer to IBAN ")
                        .Append(f.Iban()).Append(" (account holder ").Append(f.FullName()).Append(").\n");
                    planted.Ibans++;
                    refundToIban = false;
                    break;
                default:
                    for (var i = f.Between(1, 3); i > 0; i--)
                    {
                        sb.Append(narrative.Draw()).Append(' ');
                    }

                    sb.Length--;
                    sb.Append('\n');
                    break;
            }
        }
    }

    /// <summary>A complaint the customer wrote themselves, with the full card number and more.</summary>
    private static void CustomerStatement(Fakes f, StringBuilder sb, Planted planted)
    {
        var pan = f.Pan(out var brand);
        sb.Append("Customer statement (verbatim): \"I never authorized this. My ").Append(brand).Append(" card is ")
            .Append(f.FormatPan(pan));
        planted.Pans++;
        if (f.Chance(0.7))
        {
            sb.Append(", exp ").Append(f.Expiry());
            planted.Expiries++;
        }

        if (f.Chance(0.4))
        {
            sb.Append(f.Pick([", CVV ", ", security code ", " and the code on the back is ", ", cvc: "])).Append(f.Cvv(brand));
            planted.Cvvs++;
        }

        sb.Append(". Please reverse the charge of ").Append(f.Amount()).Append(" from ").Append(f.Date())
            .Append(" and call me at ").Append(f.Phone()).Append(".\"\n");
    }
}

namespace PrivateInference.Eval.Corpus.Kinds;

internal sealed class PaymentDisputes : IDocumentKind
{
    public string Name => "payment_dispute";

    private static readonly string[] Headers =
    [
        "DISPUTE NARRATIVE — case {case}\nCardholder: {@pt}\nCard: {masked}\nOpened: {date} by agent {@agent.full}\n",
        "Chargeback intake {date} {time}\nCase ID: {case}   Account: {acct}\nPrimary cardholder {@pt.lf}, phone {phone}\n",
        "Fraud claim — {=Card Services|Merchant Disputes|Risk Operations}\nCustomer: {@pt.full} ({email})\nReference: {case}\n",
        "Dispute form received {date}\nName on card: {@pt.upper}\nBilling address: {addr}\n",
    ];

    private static readonly string[] Narrative =
    [
        "On {date.txn} the cardholder, {@pt.full}, noticed a charge of {amount} from {merchant} that {he} does not recognize.",
        "Cardholder states the card {pan} was in {his} possession at all times.",
        "Card details given by the caller: {pan}, exp {exp}, CVV {cvv}.",
        "The merchant's order number {order} shows shipment with tracking {tracking}, but the cardholder says the package never arrived at {addr}.",
        "{He} contacted the merchant on {date.short} and was promised a refund within {dur}; none was received.",
        "Reported the card lost on {date.txn}. A replacement ending in {last4} was issued.",
        "Phone on file: {phone}; email on file: {email}.",
        "The recurring charge of {amount.any} continued after cancellation on {date.past}; confirmation was emailed to {email}.",
        "Identity verified with SSN {ssn} and date of birth {dob}.",
        "Cardholder read the card as {pan} (exp. {exp}, security code {cvv}).",
        "Card record from the merchant's export: {pan},{exp},{cvv}",
        "EMV fallback to magnetic stripe was logged; track 2 equivalent data: {track2}",
        "Customer's social is {ssn.plain}; verified against the application.",
        "Refund requested to IBAN {iban} (account holder {@pt.full}); merchant declined.",
        "The charge relates to a rental car (VIN {vin}); cardholder disputes the damage fee of {amount.any}.",
        "Counterfeit fraud suspected: the terminal log for the transaction shows {track2}.",
        "Skimming confirmed at the fuel pump; captured stripe data: {track1}",
        "Transaction was made from IP {ip}, which the cardholder does not recognize; {his} usual sign-ins come from {ip.any}.",
        "Device used for the wallet token: IMEI {imei}.",
        "ACH debit from checking account {acct.bank} (routing {routing}) was returned unpaid.",
        "We {~COMMON_WORD:will} not {~COMMON_WORD:bill} the late fee while the dispute is open.",
        "Agent {@agent.first} advised provisional credit of {amount} within {dur}.",
        "Card {masked} was used at a gas station at {time}, while the cardholder was at work.",
        "The cardholder's daughter, {@daughter}, is an authorized user on account {acct}.",
        "Chargeback filed under reason code {~REASON_CODE:10.4} on {date}.",
        "Merchant responded with a signed delivery receipt for {addr.new}; the cardholder says that address is not {his}.",
        "The cardholder, aged {age}, believes a relative may have used the card.",
        "Merchant claims the customer agreed to the charge in {~COMMON_WORD:good faith}; customer disagrees.",
        "Cardholder called from {phone.alt} on {date.short} at {time} to add information.",
        "Written statement and receipts were mailed to {addr.po} per the customer's request.",
        "Second card on the account, {pan.other}, is not affected.",
        "Duplicate processing: two authorizations of {amount} on {date.txn}, reason code {~REASON_CODE:12.6.1}.",
        "Merchant descriptor {merchant}, MCC 5812, terminal {version}.",
        "The customer's driver's license ({dl}) was presented at the rental counter, per the merchant.",
    ];

    private static readonly string[] Closings =
    [
        "Next steps: provisional credit issued; merchant response due {date.next}.",
        "Case routed to Fraud Ops queue {=A|B|C}. Agent: {@agent.init}",
        "Customer advised to monitor the account; new card mailed to {addr}.",
        "Status: pending merchant response ({dur}).",
    ];

    public IEnumerable<string> Templates => [.. Headers, .. Narrative, .. Closings];

    public void Write(Doc d)
    {
        d.One(Headers);
        d.Out.BlankLine();
        var sentences = d.Rng.Sample(Narrative, d.Rng.Between(4, 8));
        var half = d.Rng.Between(1, sentences.Count - 1);
        d.All(sentences.Take(half));
        d.Out.BlankLine();
        d.All(sentences.Skip(half));
        d.Out.BlankLine();
        d.One(Closings);
    }
}

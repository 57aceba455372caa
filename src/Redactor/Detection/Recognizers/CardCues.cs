using PrivateInference.Redactor.Detection.Text;

namespace PrivateInference.Redactor.Detection.Recognizers;

/// <summary>Wording that raises or lowers confidence in card data near a number.</summary>
internal static class CardCues
{
    /// <summary>Words that say a nearby number is a payment card.</summary>
    public static CueWords Card { get; } = new(
        "card", "cards", "credit", "debit", "visa", "mastercard", "mc", "amex", "american express", "discover",
        "jcb", "diners", "unionpay", "maestro", "mir", "rupay", "cc", "ccn", "pan", "cardholder", "card number",
        "card no", "card#", "cc#", "acct", "account", "charged", "payment", "paid", "prepaid", "ending");

    /// <summary>Words that say a nearby number is some other identifier (orders, parcels, terminals, …).</summary>
    public static CueWords OtherIdentifier { get; } = new(
        "order", "orders", "ord", "po", "tracking", "track#", "shipment", "parcel", "package", "waybill", "awb", "ups", "usps",
        "fedex", "dhl", "case", "ticket", "incident", "arn", "acquirer reference", "reference", "ref", "rrn", "stan",
        "terminal", "tid", "merchant", "mid", "invoice", "confirmation", "conf", "booking", "reservation", "claim",
        "batch", "lot", "serial", "imei", "meid", "iccid", "sim", "npi", "ndc", "dea", "sku", "upc", "ean", "gtin",
        "isbn", "issn", "barcode", "routing", "aba", "swift", "phone", "tel", "telephone", "fax", "mobile", "cell",
        "transaction id", "txn", "trace", "auth code", "approval code", "policy", "member", "group", "mrn",
        "patient id", "accession", "specimen", "guid", "uuid", "hash", "sha", "checksum", "version", "build");
}

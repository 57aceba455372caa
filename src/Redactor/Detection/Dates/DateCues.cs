using PrivateInference.Redactor.Detection.Text;

namespace PrivateInference.Redactor.Detection.Dates;

/// <summary>Wording that ties a bare day-and-month ("3/14") to a date rather than a ratio or a score.</summary>
internal static class DateCues
{
    public static CueWords Words { get; } = new(
        "on", "since", "from", "until", "till", "through", "by", "before", "after", "dated", "date", "dob", "d.o.b",
        "born", "birth", "birthday", "date of birth", "admitted", "admission", "admit", "discharged", "discharge",
        "seen", "visit", "visited", "appointment", "appt", "scheduled", "surgery", "procedure", "performed", "died",
        "death", "deceased", "expired on", "dos", "date of service", "service", "collected", "reported", "received",
        "drawn", "signed", "effective", "starting", "started", "ending", "ended", "follow-up", "follow up", "f/u",
        "returned", "presented", "onset", "last", "next", "week of", "as of", "of", "transaction", "charged", "posted",
        "purchase", "purchased", "ordered", "shipped", "delivered", "refund", "refunded", "disputed", "statement",
        "rtc", "return", "returning", "beginning", "begin", "began", "due", "around", "circa", "d/c", "admit date",
        "dc", "dated", "until", "thru", "effective", "expected", "edd", "lmp", "surgery on", "tx", "treated", "vaccinated",
        "given", "injected", "immunized", "tested", "screened", "biopsy", "scan", "mri", "ct", "x-ray", "xray", "labs");

    /// <summary>Month names and abbreviations with their numbers.</summary>
    public static IReadOnlyDictionary<string, int> Months { get; } = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase)
    {
        ["january"] = 1, ["jan"] = 1, ["february"] = 2, ["feb"] = 2, ["march"] = 3, ["mar"] = 3, ["april"] = 4,
        ["apr"] = 4, ["may"] = 5, ["june"] = 6, ["jun"] = 6, ["july"] = 7, ["jul"] = 7, ["august"] = 8, ["aug"] = 8,
        ["september"] = 9, ["sep"] = 9, ["sept"] = 9, ["october"] = 10, ["oct"] = 10, ["november"] = 11,
        ["nov"] = 11, ["december"] = 12, ["dec"] = 12,
    };

    public static readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> MonthLookup =
        ((Dictionary<string, int>)Months).GetAlternateLookup<ReadOnlySpan<char>>();
}

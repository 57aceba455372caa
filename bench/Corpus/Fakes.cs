using System.Globalization;
using System.Text;

namespace PrivateInference.Bench.Corpus;

/// <summary>
/// Obviously synthetic values in the shapes people type them: names, dates, phone numbers (555), codes,
/// and card data that passes the checks a detector applies (Luhn, IIN range, IBAN mod-97).
/// </summary>
internal sealed class Fakes(Random random)
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    private static readonly string[] FirstNames =
    [
        "Jane", "John", "Maria", "José", "Aisha", "Wei", "Olga", "Liam", "Noah", "Emma", "Sofia", "Mateo", "Chloé",
        "Priya", "Hiroshi", "Fatima", "Lars", "Zoë", "Kwame", "Dana", "Sam", "Avery", "Jordan", "Renée", "Tomás",
    ];

    private static readonly string[] LastNames =
    [
        "Doe", "Roe", "Testperson", "Sample", "Example", "Müller", "Núñez", "O'Neill", "Nguyen", "Okafor", "Kowalski",
        "Hansen", "García", "Smith-Jones", "Tanaka", "Ivanova", "Dubois", "Fakename", "Placeholder", "Lindqvist",
    ];

    private static readonly string[] Streets = ["Elm St", "Oak Avenue", "Maple Dr", "Main Street", "Birch Ln", "Cedar Ct", "Harbor Rd"];

    private static readonly string[] Cities = ["Springfield, IL", "Riverton, WY", "Fairview, OR", "Madison, WI", "Greenville, SC", "Salem, MA"];

    private static readonly string[] Months =
    [
        "January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December",
    ];

    private static readonly string[] MastercardPrefixes = ["51", "52", "53", "54", "55", "2221", "2720"];

    private static readonly string[] AmexPrefixes = ["34", "37"];

    private static readonly string[] GbBanks = ["NWBK", "BARC", "MIDL", "LOYD"];

    private static readonly string[] NlBanks = ["ABNA", "INGB", "RABO"];

    private static readonly string[] Icd10Codes =
        ["E11.9", "I10", "E78.5", "J45.909", "M54.50", "Z79.4", "E66.9", "F41.1", "K21.9", "N18.3", "R51.9", "Z00.00"];

    private static readonly string[] CptCodes = ["99213", "99214", "99215", "83036", "80053", "80061", "85025", "93000", "36415", "G0439"];

    public Random Random => random;

    public T Pick<T>(IReadOnlyList<T> items) => items[random.Next(items.Count)];

    public bool Chance(double probability) => random.NextDouble() < probability;

    public int Between(int min, int maxInclusive) => random.Next(min, maxInclusive + 1);

    public string Decimal(double min, double max, int decimals) =>
        (min + (random.NextDouble() * (max - min))).ToString("F" + decimals.ToString(Invariant), Invariant);

    public string Digits(int count)
    {
        Span<char> buffer = stackalloc char[count];
        for (var i = 0; i < count; i++)
        {
            buffer[i] = (char)('0' + random.Next(10));
        }

        return new string(buffer);
    }

    public string FirstName() => Pick(FirstNames);

    public string LastName() => Pick(LastNames);

    public string FullName() => $"{FirstName()} {LastName()}";

    public string Address() => $"{Between(10, 9899)} {Pick(Streets)}, {Pick(Cities)} {Digits(5)}";

    public DateTime DateTime(int fromYear = 2019, int toYear = 2025) =>
        new DateTime(fromYear, 1, 1, 0, 0, 0, DateTimeKind.Utc)
            .AddDays(random.Next((toYear - fromYear + 1) * 365))
            .AddSeconds(random.Next(86_400));

    /// <summary>A date in one of the ways clinicians and agents write them.</summary>
    public string Date(int fromYear = 2019, int toYear = 2025)
    {
        var d = DateTime(fromYear, toYear);
        return random.Next(6) switch
        {
            0 => d.ToString("MM/dd/yyyy", Invariant),
            1 => d.ToString("yyyy-MM-dd", Invariant),
            2 => $"{Months[d.Month - 1]} {d.Day}, {d.Year}",
            3 => d.ToString("d MMM yyyy", Invariant),
            4 => d.ToString("M/d/yy", Invariant),
            _ => d.ToString("dd.MM.yyyy", Invariant),
        };
    }

    public string BirthDate() => Date(1938, 2006);

    public string Time()
    {
        var d = DateTime();
        return Chance(0.5) ? d.ToString("HH:mm", Invariant) : d.ToString("h:mm tt", Invariant);
    }

    public string Timestamp()
    {
        var d = DateTime();
        return random.Next(3) switch
        {
            0 => d.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", Invariant),
            1 => d.ToString("yyyy-MM-dd HH:mm:ss.fff", Invariant),
            _ => d.ToString("MM/dd/yyyy hh:mm tt", Invariant),
        };
    }

    /// <summary>A duration or offset such as "00:07:42".</summary>
    public string Clock(int maxMinutes) =>
        TimeSpan.FromSeconds(random.Next(maxMinutes * 60)).ToString(@"hh\:mm\:ss", Invariant);

    /// <summary>A U.S. number in the reserved 555-01xx block, or a foreign one in a drama range.</summary>
    public string Phone()
    {
        var area = Between(201, 989).ToString(Invariant);
        var line = "01" + Digits(2);
        return random.Next(6) switch
        {
            0 => $"({area}) 555-{line}",
            1 => $"{area}-555-{line}",
            2 => $"{area}.555.{line}",
            3 => $"+1 {area} 555 {line}",
            4 => $"1-{area}-555-{line}",
            _ => $"+44 20 7946 0{Digits(3)}",
        };
    }

    public string Amount()
    {
        var value = (decimal)Math.Round(Math.Exp(random.NextDouble() * 8), 2);
        return random.Next(5) switch
        {
            0 => $"${value.ToString("N2", Invariant)}",
            1 => $"USD {value.ToString("N2", Invariant)}",
            2 => $"€{value.ToString("N2", Invariant)}",
            3 => $"£{value.ToString("F2", Invariant)}",
            _ => $"${value.ToString("F2", Invariant)}",
        };
    }

    public string OrderNumber() => random.Next(4) switch
    {
        0 => $"ORD-{Between(2019, 2025)}-{Digits(6)}",
        1 => $"#{Digits(3)}-{Digits(7)}-{Digits(7)}",
        2 => Digits(8),
        _ => $"WEB{Digits(9)}",
    };

    /// <summary>Parcel numbers: UPS, USPS (22 digits in groups of four), FedEx (12 digits).</summary>
    public string TrackingNumber() => random.Next(3) switch
    {
        0 => $"1Z{Digits(3)}AA1{Digits(10)}",
        1 => $"9400 {Digits(4)} {Digits(4)} {Digits(4)} {Digits(4)} {Digits(2)}",
        _ => Digits(12),
    };

    public string Mrn() => Chance(0.5) ? Digits(8) : $"MRN-{Digits(7)}";

    public string Npi() => "1" + Digits(9);

    public string MemberId() => $"{(char)('A' + random.Next(26))}{(char)('A' + random.Next(26))}{Digits(9)}";

    public string Icd10() => Pick(Icd10Codes);

    public string Cpt() => Pick(CptCodes);

    // ---- Card data. Every value is random, so it cannot be a real person's, yet it passes validation. ----

    /// <summary>A Luhn-valid PAN in a real IIN range; <paramref name="brand"/> says which network.</summary>
    public string Pan(out string brand)
    {
        var (prefix, length, name) = random.Next(10) switch
        {
            < 5 => ("4", 16, "Visa"),
            < 8 => (Pick(MastercardPrefixes), 16, "Mastercard"),
            8 => (Pick(AmexPrefixes), 15, "American Express"),
            _ => ("6011", 16, "Discover"),
        };
        brand = name;
        var body = prefix + Digits(length - prefix.Length - 1);
        return body + LuhnCheckDigit(body);
    }

    /// <summary>The PAN as people write it: grouped by spaces or dashes, ungrouped, Amex 4-6-5.</summary>
    public string FormatPan(string pan)
    {
        if (pan.Length == 15)
        {
            return random.Next(3) switch
            {
                0 => $"{pan[..4]} {pan[4..10]} {pan[10..]}",
                1 => $"{pan[..4]}-{pan[4..10]}-{pan[10..]}",
                _ => pan,
            };
        }

        return random.Next(4) switch
        {
            0 => string.Join(' ', pan.Chunk(4).Select(c => new string(c))),
            1 => string.Join('-', pan.Chunk(4).Select(c => new string(c))),
            2 => string.Join("  ", pan.Chunk(4).Select(c => new string(c))),
            _ => pan,
        };
    }

    public string Expiry()
    {
        var month = Between(1, 12);
        var year = Between(2025, 2031);
        return random.Next(5) switch
        {
            0 => $"{month:00}/{year % 100:00}",
            1 => $"{month:00}/{year}",
            2 => $"{month:00}{year % 100:00}",
            3 => $"{month}/{year % 100:00}",
            _ => $"{month:00}-{year % 100:00}",
        };
    }

    public string Cvv(string brand) => brand == "American Express" ? Digits(4) : Digits(3);

    /// <summary>An SSN outside the never-issued areas (000, 666, 900–999), dashed, spaced or plain.</summary>
    public string Ssn()
    {
        var area = Between(1, 665).ToString("000", Invariant);
        var group = Between(1, 99).ToString("00", Invariant);
        var serial = Between(1, 9999).ToString("0000", Invariant);
        return random.Next(5) switch
        {
            < 3 => $"{area}-{group}-{serial}",
            3 => $"{area} {group} {serial}",
            _ => area + group + serial,
        };
    }

    /// <summary>An IBAN with correct check digits, grouped in fours or compact.</summary>
    public string Iban()
    {
        var (country, bban) = random.Next(4) switch
        {
            0 => ("DE", Digits(18)),
            1 => ("GB", Pick(GbBanks) + Digits(14)),
            2 => ("FR", Digits(10) + Digits(11) + Digits(2)),
            _ => ("NL", Pick(NlBanks) + Digits(10)),
        };
        var iban = country + IbanCheckDigits(country, bban) + bban;
        return Chance(0.7) ? string.Join(' ', iban.Chunk(4).Select(c => new string(c))) : iban;
    }

    /// <summary>Track 1: <c>%B PAN ^ NAME ^ YYMM SVC DISCRETIONARY ?</c>.</summary>
    public string Track1(string pan)
    {
        var name = $"{LastName().ToUpperInvariant()}/{FirstName().ToUpperInvariant()}";
        name = new string(name.Where(c => char.IsAsciiLetter(c) || c == '/').ToArray());
        return $"%B{pan}^{name}^{Between(25, 31)}{Between(1, 12):00}101{Digits(13)}?";
    }

    /// <summary>Track 2: <c>; PAN = YYMM SVC DISCRETIONARY ?</c>.</summary>
    public string Track2(string pan) => $";{pan}={Between(25, 31)}{Between(1, 12):00}101{Digits(11)}?";

    private static char LuhnCheckDigit(string body)
    {
        var sum = 0;
        var doubleIt = true;
        for (var i = body.Length - 1; i >= 0; i--)
        {
            var d = body[i] - '0';
            if (doubleIt)
            {
                d *= 2;
                if (d > 9)
                {
                    d -= 9;
                }
            }

            sum += d;
            doubleIt = !doubleIt;
        }

        return (char)('0' + ((10 - (sum % 10)) % 10));
    }

    private static string IbanCheckDigits(string country, string bban)
    {
        var rearranged = new StringBuilder(bban.Length + 6).Append(bban).Append(country).Append("00");
        var remainder = 0;
        foreach (var c in rearranged.ToString())
        {
            remainder = char.IsAsciiDigit(c)
                ? ((remainder * 10) + (c - '0')) % 97
                : ((remainder * 100) + (c - 'A' + 10)) % 97;
        }

        return (98 - remainder).ToString("00", Invariant);
    }
}

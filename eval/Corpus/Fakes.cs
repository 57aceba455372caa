using System.Globalization;
using System.Text;

namespace PrivateInference.Eval.Corpus;

/// <summary>
/// Synthetic values in the shapes people write them. Identifiers carry valid check digits (Luhn, VIN,
/// DEA, NPI, GS1, IBAN mod 97) and SSNs respect the issuance rules, so a validating detector still fires.
/// </summary>
internal sealed class Fakes(Rng rng)
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    private static readonly string[] MonthNames =
    [
        "January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December",
    ];

    private static readonly string[] MonthAbbreviations = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

    private static readonly string[] StreetNames =
    [
        "Maple", "Oak", "Cedar", "Elm", "Washington", "Lincoln", "Park", "Lake", "Hillcrest", "Sunset", "Highland", "Church",
        "Mill", "River", "Spring", "Ridge", "Willow", "Chestnut", "Magnolia", "Dogwood", "Peachtree", "Martin Luther King Jr",
        "El Camino Real", "Via del Mar", "Juniper", "Prospect", "Pleasant", "Jefferson", "Franklin", "Madison", "Water", "Market",
        "Orchard", "Harbor", "Bayview", "Canyon", "Mesa Verde", "Cottonwood", "Aspen", "Old Farm", "Meadowbrook", "Kingsley",
        "Rosewood", "Grace", "Hope", "Liberty", "Union", "Front", "Second", "Third", "Fifth", "Eighth", "Twelfth", "Wabash",
        "Alameda", "Camino de la Reina", "Saint Anne", "Beacon", "Commonwealth", "Young", "Brown", "Lafayette", "Ponce de León",
    ];

    private static readonly string[] StreetSuffixes =
    [
        "St", "Street", "Ave", "Avenue", "Blvd", "Rd", "Road", "Dr", "Drive", "Ln", "Lane", "Ct", "Way", "Pl", "Ter", "Pkwy", "Cir", "St.", "Ave.", "Hwy",
    ];

    private static readonly string[] Directions = ["N", "S", "E", "W", "NE", "SW", "North", "West"];

    private static readonly (string City, string State, string ZipPrefix)[] Cities =
    [
        ("Springfield", "IL", "627"), ("Columbus", "OH", "432"), ("Fairview", "OR", "970"), ("Madison", "WI", "537"),
        ("Greenville", "SC", "296"), ("Salem", "MA", "019"), ("Austin", "TX", "787"), ("El Paso", "TX", "799"),
        ("San José", "CA", "951"), ("Fresno", "CA", "937"), ("Oakland", "CA", "946"), ("Tucson", "AZ", "857"),
        ("Albuquerque", "NM", "871"), ("Denver", "CO", "802"), ("Boise", "ID", "837"), ("Spokane", "WA", "992"),
        ("Tacoma", "WA", "984"), ("Portland", "ME", "041"), ("Burlington", "VT", "054"), ("Hartford", "CT", "061"),
        ("Newark", "NJ", "071"), ("Yonkers", "NY", "107"), ("Buffalo", "NY", "142"), ("Scranton", "PA", "185"),
        ("Baltimore", "MD", "212"), ("Richmond", "VA", "232"), ("Durham", "NC", "277"), ("Savannah", "GA", "314"),
        ("Tampa", "FL", "336"), ("Hialeah", "FL", "330"), ("Birmingham", "AL", "352"), ("Jackson", "MS", "392"),
        ("Baton Rouge", "LA", "708"), ("Little Rock", "AR", "722"), ("Tulsa", "OK", "741"), ("Wichita", "KS", "672"),
        ("Omaha", "NE", "681"), ("Sioux Falls", "SD", "571"), ("Fargo", "ND", "581"), ("Duluth", "MN", "558"),
        ("Des Moines", "IA", "503"), ("St. Louis", "MO", "631"), ("Louisville", "KY", "402"), ("Knoxville", "TN", "379"),
        ("Dayton", "OH", "454"), ("Flint", "MI", "485"), ("Gary", "IN", "464"), ("Reno", "NV", "895"),
        ("Honolulu", "HI", "968"), ("Anchorage", "AK", "995"), ("Cheyenne", "WY", "820"), ("Billings", "MT", "591"),
        ("Hope", "AR", "718"), ("Independence", "MO", "640"), ("Grace", "ID", "832"),
    ];

    private static readonly string[] PersonalDomains =
        ["gmail.com", "yahoo.com", "outlook.com", "hotmail.com", "icloud.com", "aol.com", "proton.me", "comcast.net", "att.net", "live.com"];

    public static readonly string[] OrgDomains =
    [
        "mercyvalleyhealth.org", "riversidegeneral.org", "lakeshorecardio.com", "northgate-dialysis.com", "summitridgeortho.com",
        "bluecrest-health.com", "pinnaclecarehmo.com", "stbrigids.org", "cedargrovesnf.com", "hopevalleyhospice.org",
        "paylynx.com", "cardservices-help.com", "firstharborbank.com", "meridianpay.net", "orbitmerchant.com",
    ];

    private static readonly string[] Icd10Codes =
    [
        "E11.9", "I10", "E78.5", "J45.909", "M54.50", "Z79.4", "E66.9", "F41.1", "K21.9", "N18.3", "S72.001A", "I48.91",
        "J44.1", "N39.0", "I50.9", "G20", "F32.A", "R07.9", "Z95.0", "C81.90", "K50.90", "E03.9", "M17.11", "L40.0",
        "G43.909", "R55", "A41.9", "J18.9", "T78.40XA", "Z87.891", "E11.65", "I25.10", "M81.0", "G30.9", "F03.90", "E87.1",
    ];

    private static readonly string[] CptCodes =
    [
        "99213", "99214", "99215", "99223", "99239", "83036", "80053", "85025", "93000", "36415", "71046", "70450",
        "27447", "43239", "45378", "97110", "90471", "G0439", "93306", "78452", "95810", "64483", "20610", "J1745",
    ];

    private static readonly string[] Drugs =
    [
        "metformin 500 mg BID", "lisinopril 10 mg daily", "atorvastatin 40 mg nightly", "apixaban 5 mg twice daily",
        "levothyroxine 75 mcg daily", "insulin glargine 22 units at bedtime", "furosemide 40 mg PO daily",
        "metoprolol succinate 25 mg daily", "amlodipine 5 mg daily", "sertraline 50 mg daily",
        "albuterol 90 mcg 2 puffs q4h PRN", "pantoprazole 40 mg before breakfast", "gabapentin 300 mg TID",
        "prednisone 40 mg x 5 days", "amoxicillin-clavulanate 875-125 mg BID", "ceftriaxone 1 g IV q24h",
        "vancomycin 1.25 g IV q12h", "heparin 5,000 units SC q8h", "enoxaparin 40 mg SC daily",
        "acetaminophen 650 mg q6h PRN", "oxycodone 5 mg q4h PRN", "ondansetron 4 mg IV q6h PRN", "tamsulosin 0.4 mg daily",
        "donepezil 10 mg nightly", "carbidopa-levodopa 25/100 mg TID", "warfarin 5 mg daily", "clopidogrel 75 mg daily",
        "aspirin 81 mg daily", "semaglutide 0.5 mg weekly", "adalimumab 40 mg SC every other week", "methotrexate 15 mg weekly",
        "potassium chloride 20 mEq daily", "magnesium oxide 400 mg BID", "vitamin D3 2,000 IU daily", "ferrous sulfate 325 mg daily",
        "hydrochlorothiazide 12.5 mg daily", "losartan 50 mg daily", "empagliflozin 10 mg daily", "dulaglutide 1.5 mg weekly",
        "budesonide-formoterol 160/4.5 mcg 2 puffs BID", "Eliquis 2.5 mg BID", "Lasix 20 mg IV once", "Keppra 500 mg BID",
        "Xarelto 20 mg with supper", "Humira 40 mg/0.4 mL pen", "Ozempic 1 mg weekly", "Entresto 24/26 mg BID",
    ];

    private static readonly string[] LabValues =
    [
        "K 4.1 mmol/L", "Na 138 mmol/L", "HbA1c 7.2%", "creatinine 1.14 mg/dL", "WBC 11.2 x10^9/L", "Hgb 10.8 g/dL",
        "Plt 243 K/uL", "glucose 184 mg/dL", "BUN 22 mg/dL", "INR 2.4", "TSH 3.12 mIU/L", "LDL 131 mg/dL",
        "troponin I <0.01 ng/mL", "eGFR 58 mL/min/1.73m2", "lactate 2.1 mmol/L", "ALT 34 U/L", "CRP 48 mg/L",
        "BNP 412 pg/mL", "Mg 1.9 mg/dL", "HbA1c 9.1%", "K 5.6 mmol/L", "Na 129 mmol/L", "Hgb 7.9 g/dL", "procalcitonin 0.8 ng/mL",
    ];

    private static readonly string[] Eponyms =
    [
        "Parkinson's disease", "Apgar score", "Foley catheter", "Glasgow Coma Scale", "Hodgkin lymphoma", "Crohn's disease",
        "Bell's palsy", "Alzheimer's dementia", "Cushing's syndrome", "Graves' disease", "Babinski sign", "Murphy's sign",
        "Homans' sign", "Swan-Ganz catheter", "Whipple procedure", "Epley maneuver", "Guillain-Barré syndrome",
        "Ménière's disease", "Sjögren's syndrome", "Hashimoto's thyroiditis", "Barrett's esophagus", "Raynaud's phenomenon",
        "Kussmaul breathing", "Cheyne-Stokes respirations", "Wells score", "Braden scale", "Morse Fall Scale", "Addison's disease",
        "Tinel's sign", "Baker's cyst", "Colles fracture", "Bowen's disease", "Mallory-Weiss tear", "Wernicke encephalopathy",
    ];

    private static readonly string[] Facilities =
    [
        "Mercy Valley Medical Center", "Riverside General Hospital", "Lakeshore Cardiology Associates", "St. Brigid's Infirmary",
        "Cedar Grove Skilled Nursing", "Summit Ridge Orthopedics", "Northgate Dialysis Unit", "Hope Valley Hospice",
        "King's Crossing Pediatrics", "St. Mark's Medical Plaza", "Young Family Practice", "Grace Memorial Hospital",
        "Brown County Health Center", "Will County Rehabilitation", "Sacred Heart Urgent Care", "Bayview Imaging",
    ];

    private static readonly string[] Merchants =
    [
        "ORBIT*ELECTRONICS", "SQ *HARBOR CAFE", "AMZN Mktp US", "PAYLYNX*FITCLUB", "UBER *TRIP", "DELTA AIR 0062",
        "SP * GLOWSKIN CO", "HOTEL LE PETIT PARIS", "CITY PARKING #114", "WALGREENS #4471", "APPLE.COM/BILL", "Netflix.com",
    ];

    public Rng Rng => rng;

    public string Merchant() => rng.Pick(Merchants);

    // ---- people ----

    public Person NewPerson(bool? female = null)
    {
        var isFemale = female ?? rng.Chance(0.5);
        var first = rng.Pick(isFemale ? Names.Female : Names.Male);
        var middle = rng.Chance(0.35) ? rng.Pick(isFemale ? Names.Female : Names.Male) : null;
        var last = rng.Pick(Names.Surnames);
        return new Person(first, middle, last, isFemale);
    }

    // ---- dates ----

    public static string MonthName(int month) => MonthNames[month - 1];

    public static string Ordinal(int day) => day + (day % 100 is 11 or 12 or 13 ? "th" : (day % 10) switch
    {
        1 => "st",
        2 => "nd",
        3 => "rd",
        _ => "th",
    });

    /// <summary>A full date (day, month and year) in one of the many ways people write it.</summary>
    public string FullDate(DateOnly d)
    {
        var abbreviation = MonthAbbreviations[d.Month - 1];
        return rng.Next(14) switch
        {
            0 or 1 => d.ToString("MM/dd/yyyy", Invariant),
            2 => d.ToString("M/d/yyyy", Invariant),
            3 => $"{d.Day} {abbreviation} {d.Year}",
            4 => $"{MonthName(d.Month)} {d.Day}, {d.Year}",
            5 => $"{MonthName(d.Month)} {Ordinal(d.Day)}, {d.Year}",
            6 => d.ToString("yyyy-MM-dd", Invariant),
            7 => $"{abbreviation}{(d.Month == 5 ? "" : ".")} {d.Day}, {d.Year}",
            8 => d.ToString("M/d/yy", Invariant),
            9 => $"{d.Day:00}-{abbreviation.ToUpperInvariant()}-{d.Year}",
            10 => d.ToString("MM-dd-yyyy", Invariant),
            11 => d.ToString("dd.MM.yyyy", Invariant),
            12 => $"{d.Day} {MonthName(d.Month)} {d.Year}",
            _ => $"{abbreviation} {d.Day}, {d.Year}",
        };
    }

    /// <summary>A date without a year: 3/14, March 14th, 14th of March, Mar 14.</summary>
    public string ShortDate(DateOnly d) => rng.Next(7) switch
    {
        0 => $"{d.Month}/{d.Day}",
        1 => $"{MonthName(d.Month)} {Ordinal(d.Day)}",
        2 => $"{Ordinal(d.Day)} of {MonthName(d.Month)}",
        3 => $"{MonthAbbreviations[d.Month - 1]} {d.Day}",
        4 => $"{d.Day} {MonthName(d.Month)}",
        5 => $"{MonthName(d.Month)} {d.Day}",
        _ => d.ToString("MM/dd", Invariant),
    };

    /// <summary>Month and year: still a date under HIPAA.</summary>
    public string MonthYear(DateOnly d) => rng.Next(3) switch
    {
        0 => $"{MonthName(d.Month)} {d.Year}",
        1 => $"{MonthAbbreviations[d.Month - 1]} {d.Year}",
        _ => $"{MonthName(d.Month)} of {d.Year}",
    };

    public string AnyDate(DateOnly d)
    {
        var roll = rng.Next(10);
        return roll < 6 ? FullDate(d) : roll < 9 ? ShortDate(d) : MonthYear(d);
    }

    // ---- contact ----

    private string AreaCode() => $"{rng.Between(2, 9)}{rng.Digit()}{rng.Between(0, 8)}";

    private string Exchange() => $"{rng.Between(2, 9)}{rng.Digits(2)}";

    public string UsPhone()
    {
        var area = AreaCode();
        var exchange = rng.Chance(0.3) ? "555" : Exchange();
        var line = rng.Chance(0.3) ? "01" + rng.Digits(2) : rng.Digits(4);
        return rng.Next(10) switch
        {
            0 or 1 or 2 => $"({area}) {exchange}-{line}",
            3 or 4 => $"{area}-{exchange}-{line}",
            5 => $"{area}.{exchange}.{line}",
            6 => $"+1 {area}-{exchange}-{line}",
            7 => $"+1 ({area}) {exchange}-{line}",
            8 => $"{area} {exchange} {line}",
            _ => $"1-{area}-{exchange}-{line}",
        };
    }

    public string TollFree() => $"1-{rng.Pick(["800", "888", "877", "866"])}-{Exchange()}-{rng.Digits(4)}";

    public string IntlPhone() => rng.Next(11) switch
    {
        0 => $"+44 20 {rng.Number(4)} {rng.Digits(4)}",
        1 => $"+44 7700 {rng.Digits(6)}",
        2 => $"+49 30 {rng.Number(8)}",
        3 => $"+33 1 {rng.Digits(2)} {rng.Digits(2)} {rng.Digits(2)} {rng.Digits(2)}",
        4 => $"+34 91{rng.Digit()} {rng.Digits(3)} {rng.Digits(3)}",
        5 => $"+91 9{rng.Digits(4)} {rng.Digits(5)}",
        6 => $"+52 55 {rng.Digits(4)} {rng.Digits(4)}",
        7 => $"+81 3-{rng.Digits(4)}-{rng.Digits(4)}",
        8 => $"+61 2 {rng.Digits(4)} {rng.Digits(4)}",
        9 => $"+234 80{rng.Digit()} {rng.Digits(3)} {rng.Digits(4)}",
        _ => $"+353 1 {rng.Digits(3)} {rng.Digits(4)}",
    };

    private static string Ascii(string text)
    {
        var decomposed = text.Normalize(NormalizationForm.FormD);
        var builder = new StringBuilder();
        foreach (var c in decomposed)
        {
            if (c is >= 'a' and <= 'z' or >= 'A' and <= 'Z' or >= '0' and <= '9')
            {
                builder.Append(char.ToLowerInvariant(c));
            }
            else if (c is 'ł' or 'Ł')
            {
                builder.Append('l');
            }
            else if (c == 'ß')
            {
                builder.Append("ss");
            }
            else if (c == 'ı')
            {
                builder.Append('i');
            }
        }

        return builder.ToString();
    }

    public string PersonalEmail(Person p)
    {
        var first = Ascii(p.First);
        var last = Ascii(p.Last);
        var domain = rng.Pick(PersonalDomains);
        return rng.Next(6) switch
        {
            0 => $"{first}.{last}@{domain}",
            1 => $"{first}{last}{rng.Between(1, 99)}@{domain}",
            2 => $"{first[0]}{last}@{domain}",
            3 => $"{first}_{last}{rng.Between(60, 99)}@{domain}",
            4 => $"{last}.{first}{rng.Digits(2)}@{domain}",
            _ => $"{first}.{last[0]}{rng.Between(1, 9)}@{domain}",
        };
    }

    public string WorkEmail(Person p, string domain)
    {
        var first = Ascii(p.First);
        var last = Ascii(p.Last);
        return rng.Next(3) switch
        {
            0 => $"{first}.{last}@{domain}",
            1 => $"{first[0]}{last}@{domain}",
            _ => $"{last}{first[0]}@{domain}",
        };
    }

    public string PersonalUrl(Person p)
    {
        var first = Ascii(p.First);
        var last = Ascii(p.Last);
        return rng.Next(6) switch
        {
            0 => $"https://www.facebook.com/{first}.{last}.{rng.Digits(4)}",
            1 => $"www.linkedin.com/in/{first}-{last}-{rng.Digits(2)}a{rng.Digits(3)}",
            2 => $"https://instagram.com/{first}_{last}{rng.Digits(2)}",
            3 => $"https://www.gofundme.com/f/help-{first}-{last}-recover",
            4 => $"http://{first}{last}.blogspot.com",
            _ => $"https://x.com/{first}{last[0]}{rng.Digits(3)}",
        };
    }

    public string PortalUrl(string domain, string id) => rng.Next(5) switch
    {
        0 => $"https://mychart.{domain}/patient/{id}",
        1 => $"https://portal.{domain}/records?mrn={id}",
        2 => $"https://telehealth.{domain}/visit/{rng.Letters(4)}-{rng.Digits(4)}",
        3 => $"https://{domain}/billing/statement/{rng.Digits(9)}",
        _ => $"https://share.{domain}/s/{rng.Letters(3, "abcdefghjkmnpqrstuvwxyz")}{rng.Digits(2)}{rng.Letters(4, "ABCDEFGHJKMNPQRSTUVWXYZabcdefghjkmnpqrstuvwxyz")}",
    };

    public string Ipv4() => rng.Next(6) switch
    {
        0 => $"10.{rng.Between(0, 255)}.{rng.Between(0, 255)}.{rng.Between(1, 254)}",
        1 => $"192.168.{rng.Between(0, 20)}.{rng.Between(2, 254)}",
        2 => $"172.{rng.Between(16, 31)}.{rng.Between(0, 255)}.{rng.Between(1, 254)}",
        3 => $"203.0.113.{rng.Between(1, 254)}",
        4 => $"198.51.100.{rng.Between(1, 254)}",
        _ => $"{rng.Pick([24, 66, 73, 98, 107, 174, 185, 216])}.{rng.Between(1, 255)}.{rng.Between(0, 255)}.{rng.Between(1, 254)}",
    };

    public string Ipv6()
    {
        string Hex(int max) => rng.Between(1, max).ToString("x", Invariant);
        return rng.Next(4) switch
        {
            0 => $"2001:db8:{Hex(0xffff)}:{Hex(0xffff)}::{Hex(0xffff)}",
            1 => $"fe80::{Hex(0xfff)}:{Hex(0xffff)}:{Hex(0xffff)}:{Hex(0xffff)}",
            2 => $"2600:1700:{Hex(0xffff)}:{Hex(0xffff)}::{Hex(0xff)}",
            _ => $"2a02:{Hex(0xfff)}:{Hex(0xffff)}:{Hex(0xffff)}:{Hex(0xffff)}:{Hex(0xffff)}:{Hex(0xffff)}:{Hex(0xffff)}",
        };
    }

    // ---- addresses ----

    public Address NewAddress()
    {
        var number = rng.Chance(0.15) ? rng.Between(1, 99).ToString(Invariant) : rng.Between(100, 19999).ToString(Invariant);
        var direction = rng.Chance(0.2) ? rng.Pick(Directions) + " " : "";
        var street = $"{number} {direction}{rng.Pick(StreetNames)} {rng.Pick(StreetSuffixes)}";
        string? unit = rng.Next(10) switch
        {
            0 => $"Apt {rng.Between(1, 40)}{rng.Letter("ABCDEF")}",
            1 => $"Apt. {rng.Between(1, 999)}",
            2 => $"Unit {rng.Between(100, 999)}",
            3 => $"Suite {rng.Between(100, 2200)}",
            4 => $"#{rng.Between(2, 40)}",
            5 => $"Ste {rng.Between(100, 500)}",
            _ => null,
        };
        var (city, state, prefix) = rng.Pick(Cities);
        var zip = prefix + rng.Digits(2);
        if (rng.Chance(0.25))
        {
            zip += "-" + rng.Digits(4);
        }

        return new Address(street, unit, city, state, zip, PoBox: null);
    }

    public Address NewPoBox()
    {
        var box = rng.Next(3) switch
        {
            0 => $"PO Box {rng.Between(1, 9999)}",
            1 => $"P.O. Box {rng.Between(1, 999)}",
            _ => $"Post Office Box {rng.Between(1, 99)}",
        };
        var (city, state, prefix) = rng.Pick(Cities);
        return new Address(box, null, city, state, prefix + rng.Digits(2), PoBox: box);
    }

    // ---- identifiers ----

    public string Mrn() => rng.Next(7) switch
    {
        0 or 1 => "00" + rng.Digits(6),
        2 => rng.Letter("AEHMK") + rng.Number(7),
        3 => rng.Number(7),
        4 => $"{rng.Digits(2)}-{rng.Digits(3)}-{rng.Digits(3)}",
        5 => $"E{rng.Digits(7)}",
        _ => $"{rng.Letters(2)}{rng.Number(6)}",
    };

    public string AccountNumber() => rng.Next(6) switch
    {
        0 => rng.Number(8),
        1 => $"PA-{rng.Number(7)}",
        2 => $"{rng.Number(4)}-{rng.Digits(3)}-{rng.Digits(2)}",
        3 => $"ACC{rng.Digits(9)}",
        4 => rng.Number(10),
        _ => $"{rng.Number(3)}{rng.Digits(4)}-{rng.Digits(2)}",
    };

    public string BankAccount() => rng.Chance(0.5) ? "000" + rng.Digits(rng.Between(6, 8)) : rng.Number(rng.Between(8, 11));

    public string RoutingNumber()
    {
        // ABA: 3(d1+d4+d7) + 7(d2+d5+d8) + (d3+d6+d9) ≡ 0 mod 10.
        var d = rng.Pick(["0", "1", "2", "3"]) + rng.Digits(7);
        var sum = (3 * ((d[0] - '0') + (d[3] - '0') + (d[6] - '0'))) + (7 * ((d[1] - '0') + (d[4] - '0') + (d[7] - '0'))) + (d[2] - '0') + (d[5] - '0');
        return d + (char)('0' + ((10 - (sum % 10)) % 10));
    }

    public string MemberId() => rng.Next(6) switch
    {
        0 => $"{rng.Letters(3)}{rng.Number(9)}",
        1 => $"W{rng.Number(9)}",
        2 => $"{rng.Number(9)}-0{rng.Between(1, 4)}",
        3 => $"{rng.Letters(1)}{rng.Digits(8)}",
        4 => $"{rng.Letters(3)}{rng.Digits(2)}-{rng.Digits(4)}-{rng.Digits(3)}",
        _ => $"ZGP{rng.Number(8)}",
    };

    public string GroupNumber() => rng.Next(4) switch
    {
        0 => "00" + rng.Digits(5),
        1 => $"GRP-{rng.Number(5)}",
        2 => $"{rng.Number(6)}-{rng.Letters(1)}{rng.Digits(2)}",
        _ => $"{rng.Letters(2)}{rng.Number(5)}",
    };

    public string PolicyNumber() => rng.Next(4) switch
    {
        0 => $"PLC-{rng.Number(4)}-{rng.Digits(5)}",
        1 => $"H{rng.Number(8)}",
        2 => $"{rng.Letters(3)}-{rng.Number(7)}",
        _ => $"{rng.Number(3)} {rng.Digits(3)} {rng.Digits(3)}",
    };

    /// <summary>Medicare Beneficiary Identifier: C A AN N A AN N A A N N, no S L O I B Z.</summary>
    public string Mbi()
    {
        const string letters = "ACDEFGHJKMNPQRTUVWXY";
        const string alnum = "ACDEFGHJKMNPQRTUVWXY0123456789";
        var mbi = $"{rng.Between(1, 9)}{rng.Letter(letters)}{rng.Letter(alnum)}{rng.Digit()}{rng.Letter(letters)}{rng.Letter(alnum)}{rng.Digit()}{rng.Letter(letters)}{rng.Letter(letters)}{rng.Digit()}{rng.Digit()}";
        return rng.Chance(0.5) ? $"{mbi[..4]}-{mbi[4..7]}-{mbi[7..]}" : mbi;
    }

    public string MedicaidId() => rng.Chance(0.5) ? $"{rng.Letters(2)}{rng.Digits(5)}{rng.Letter()}" : rng.Number(10);

    public string DriversLicense() => rng.Next(6) switch
    {
        0 => $"{rng.Letter()}{rng.Digits(7)}",
        1 => $"{rng.Number(3)} {rng.Digits(3)} {rng.Digits(3)}",
        2 => $"{rng.Letter()}{rng.Digits(3)}-{rng.Digits(4)}-{rng.Digits(4)}",
        3 => rng.Number(8),
        4 => $"{rng.Letter()}{rng.Digits(3)}-{rng.Digits(3)}-{rng.Digits(2)}-{rng.Digits(3)}-{rng.Digit()}",
        _ => $"{rng.Letters(2)}{rng.Digits(6)}",
    };

    /// <summary>A DEA registration number: registrant type, surname initial, six digits, check digit.</summary>
    public string Dea(string surname)
    {
        var initial = char.ToUpperInvariant(Ascii(surname).FirstOrDefault('x'));
        var six = rng.Digits(6);
        return $"{rng.Letter("ABFGM")}{initial}{six}{Checksums.DeaCheckDigit(six)}";
    }

    public string Npi()
    {
        var nine = rng.Pick(["1", "2"]) + rng.Digits(8);
        return nine + Checksums.NpiCheckDigit(nine);
    }

    public string ProfessionalLicense() => rng.Next(6) switch
    {
        0 => $"RN{rng.Number(6)}",
        1 => $"G{rng.Number(5)}",
        2 => $"MD.{rng.Number(6)}",
        3 => $"{rng.Number(3)}.{rng.Digits(6)}",
        4 => $"PA-{rng.Digits(5)}",
        _ => $"LPN{rng.Digits(7)}",
    };

    public string DeviceSerial() => rng.Next(6) switch
    {
        0 => $"{rng.Letters(3)}{rng.Number(6)}{rng.Letter()}",
        1 => $"{rng.Letters(1)}{rng.Digits(1)}{rng.Letters(1)}{rng.Digits(1)}-{rng.Digits(2)}{rng.Letter()}{rng.Digit()}-{rng.Digits(4)}",
        2 => $"SN{rng.Digits(10)}",
        3 => $"{rng.Number(4)}{rng.Letters(2)}{rng.Digits(5)}",
        4 => $"NG{rng.Number(7)}H",
        _ => $"{rng.Letters(2)}-{rng.Digits(3)}-{rng.Digits(5)}",
    };

    /// <summary>A GS1 UDI: (01) GTIN-14 with check digit, (17) expiry, (10) lot, (21) serial.</summary>
    public string Udi()
    {
        var gtin = "0" + rng.Number(12);
        gtin += Checksums.Gs1CheckDigit(gtin);
        var year = rng.Between(25, 31);
        var month = rng.Between(1, 12);
        return rng.Chance(0.7)
            ? $"(01){gtin}(17){year:00}{month:00}{rng.Between(1, 28):00}(10){rng.Letter()}{rng.Digits(4)}{rng.Letter()}(21){rng.Digits(6)}"
            : $"(01){gtin}(21){rng.Letters(2)}{rng.Digits(7)}";
    }

    public string Imei()
    {
        var fourteen = rng.Pick(["35", "86", "01", "99"]) + rng.Digits(12);
        var imei = fourteen + Checksums.LuhnCheckDigit(fourteen);
        return rng.Chance(0.5) ? imei : $"{imei[..2]}-{imei[2..8]}-{imei[8..14]}-{imei[14]}";
    }

    public string MacAddress()
    {
        var octets = Enumerable.Range(0, 6).Select(_ => rng.Between(0, 255).ToString("X2", Invariant));
        return string.Join(rng.Chance(0.7) ? ":" : "-", octets);
    }

    public string Vin()
    {
        const string vinChars = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789";
        var wmi = rng.Pick(["1HG", "1FT", "2T1", "3VW", "5YJ", "JTD", "WBA", "KMH", "1G1", "4T1", "5NP", "JN1", "WVW", "1C4"]);
        var vds = rng.Letters(5, vinChars);
        var year = rng.Letter("ABCDEFGHJKLMNPRST");
        var plant = rng.Letter("ABCDEFGHJKLMNPRSTUVWXYZ0123456789");
        var serial = rng.Digits(6);
        var draft = $"{wmi}{vds}0{year}{plant}{serial}";
        return string.Concat(draft.AsSpan(0, 8), Checksums.VinCheckDigit(draft).ToString(), draft.AsSpan(9));
    }

    // ---- card data ----

    public Card NewCard()
    {
        var network = rng.Next(10);
        string digits;
        switch (network)
        {
            case <= 3:
                digits = Luhn("4" + rng.Digits(14));
                break;
            case <= 5:
                digits = Luhn(rng.Pick(["51", "52", "53", "54", "55"]) + rng.Digits(13));
                break;
            case 6:
                digits = Luhn("2" + rng.Between(221, 720).ToString(Invariant) + rng.Digits(11));
                break;
            case 7:
                digits = Luhn(rng.Pick(["34", "37"]) + rng.Digits(12));
                break;
            case 8:
                digits = Luhn("6011" + rng.Digits(11));
                break;
            default:
                digits = Luhn(rng.Between(3528, 3589).ToString(Invariant) + rng.Digits(11));
                break;
        }

        var expiry = new DateOnly(2026 + rng.Next(5), rng.Between(1, 12), 1);
        var cvv = digits.Length == 15 ? rng.Digits(4) : rng.Digits(3);
        return new Card(digits, expiry, cvv);
    }

    private static string Luhn(string payload) => payload + Checksums.LuhnCheckDigit(payload);

    public string FormatPan(string digits)
    {
        if (digits.Length == 15)
        {
            var separator = rng.Pick([" ", " ", "-", ""]);
            return $"{digits[..4]}{separator}{digits[4..10]}{separator}{digits[10..]}";
        }

        return rng.Next(6) switch
        {
            0 or 1 or 2 => Group4(digits, " "),
            3 => Group4(digits, "-"),
            _ => digits,
        };
    }

    private static string Group4(string digits, string separator) =>
        string.Join(separator, Enumerable.Range(0, (digits.Length + 3) / 4).Select(i => digits.Substring(i * 4, Math.Min(4, digits.Length - (i * 4)))));

    public string FormatExpiry(DateOnly expiry) => rng.Next(5) switch
    {
        0 or 1 => $"{expiry.Month:00}/{expiry.Year % 100:00}",
        2 => $"{expiry.Month:00}/{expiry.Year}",
        3 => $"{expiry.Month}/{expiry.Year % 100:00}",
        _ => $"{expiry.Month:00}-{expiry.Year % 100:00}",
    };

    public string Track1(Card card, Person holder)
    {
        var name = $"{Ascii(holder.Last).ToUpperInvariant()}/{Ascii(holder.First).ToUpperInvariant()}";
        var body = $"B{card.Digits}^{name}^{card.Expiry.Year % 100:00}{card.Expiry.Month:00}{rng.Pick(["101", "201", "121"])}{rng.Digits(rng.Between(10, 18))}";
        return rng.Chance(0.8) ? $"%{body}?" : body;
    }

    public string Track2(Card card)
    {
        var body = $"{card.Digits}={card.Expiry.Year % 100:00}{card.Expiry.Month:00}{rng.Pick(["101", "201", "121"])}{rng.Digits(rng.Between(10, 15))}";
        return rng.Chance(0.8) ? $";{body}?" : body;
    }

    public string Ssn()
    {
        int area;
        do
        {
            area = rng.Between(1, 899);
        }
        while (area == 666);

        return $"{area:000}-{rng.Between(1, 99):00}-{rng.Between(1, 9999):0000}";
    }

    public string Iban()
    {
        string country;
        string bban;
        switch (rng.Next(8))
        {
            case 0:
                country = "GB";
                bban = rng.Pick(["NWBK", "BARC", "MIDL", "LOYD", "HBUK"]) + rng.Digits(14);
                break;
            case 1:
                country = "DE";
                bban = rng.Digits(18);
                break;
            case 2:
                country = "FR";
                bban = rng.Digits(23);
                break;
            case 3:
                country = "NL";
                bban = rng.Pick(["ABNA", "INGB", "RABO", "TRIO"]) + rng.Digits(10);
                break;
            case 4:
                country = "ES";
                bban = rng.Digits(20);
                break;
            case 5:
                country = "IE";
                bban = rng.Pick(["AIBK", "BOFI"]) + rng.Digits(14);
                break;
            case 6:
                country = "CH";
                bban = rng.Digits(17);
                break;
            default:
                country = "BE";
                bban = rng.Digits(12);
                break;
        }

        var iban = country + Checksums.IbanCheckDigits(country, bban) + bban;
        return rng.Chance(0.6) ? Group4(iban, " ") : iban;
    }

    // ---- hard negatives ----

    public string Drug() => rng.Pick(Drugs);

    public string Icd10() => rng.Pick(Icd10Codes);

    public string Cpt() => rng.Pick(CptCodes);

    public string Ndc() => rng.Next(3) switch
    {
        0 => $"{rng.Digits(4)}-{rng.Digits(4)}-{rng.Digits(2)}",
        1 => $"{rng.Digits(5)}-{rng.Digits(3)}-{rng.Digits(2)}",
        _ => $"{rng.Digits(5)}-{rng.Digits(4)}-{rng.Digit()}",
    };

    public string LabValue() => rng.Pick(LabValues);

    public string Vitals() => rng.Next(8) switch
    {
        0 or 1 => $"BP {rng.Between(96, 178)}/{rng.Between(54, 104)}",
        2 => $"HR {rng.Between(48, 132)}",
        3 => $"T {rng.Between(361, 391) / 10.0:0.0} °C",
        4 => $"RR {rng.Between(12, 28)}",
        5 => $"SpO2 {rng.Between(86, 100)}% on RA",
        6 => $"Wt {rng.Between(450, 1300) / 10.0:0.0} kg",
        _ => $"BP {rng.Between(96, 178)}/{rng.Between(54, 104)} mmHg",
    };

    public string BloodPressure() => $"{rng.Between(96, 178)}/{rng.Between(54, 104)}";

    public string Eponym() => rng.Pick(Eponyms);

    public string Facility() => rng.Pick(Facilities);

    public string Room() => rng.Next(5) switch
    {
        0 => $"Room {rng.Between(100, 999)}{rng.Letter("AB")}",
        1 => $"Rm {rng.Between(1, 60)}",
        2 => $"Bed {rng.Between(1, 4)}",
        3 => $"room {rng.Between(100, 1299)}, bed {rng.Between(1, 2)}",
        _ => $"Bay {rng.Between(1, 24)}",
    };

    /// <summary>How long something lasted in a clinical or customer story: days to years.</summary>
    public string Duration() => rng.Next(7) switch
    {
        0 or 1 => $"{rng.Between(2, 10)} days",
        2 => $"{rng.Between(2, 6)} weeks",
        3 => $"{rng.Between(2, 11)} months",
        4 => $"{rng.Between(2, 20)} years",
        5 => "1 week",
        _ => $"{rng.Between(3, 14)} days",
    };

    /// <summary>Minutes and hours: visit time, call length, transport delay.</summary>
    public string ShortDuration() => rng.Next(3) switch
    {
        0 => $"{rng.Between(10, 90)} minutes",
        1 => $"{rng.Between(2, 48)} hours",
        _ => $"{rng.Between(3, 59)} min",
    };

    public string Amount() => rng.Next(7) switch
    {
        0 or 1 => $"${rng.Between(5, 2500)}.{rng.Digits(2)}",
        2 => $"${rng.Between(1, 9)},{rng.Digits(3)}.{rng.Digits(2)}",
        3 => $"USD {rng.Between(10, 900)}.{rng.Digits(2)}",
        4 => $"€{rng.Between(10, 900)},{rng.Digits(2)}",
        5 => $"£{rng.Between(5, 400)}.{rng.Digits(2)}",
        _ => $"${rng.Between(10, 999)}",
    };

    public string MaskedPan(string lastFour) => rng.Next(5) switch
    {
        0 => $"**** **** **** {lastFour}",
        1 => $"XXXX-XXXX-XXXX-{lastFour}",
        2 => $"{rng.Pick(["411111", "545454", "601100"])}******{lastFour}",
        3 => $"************{lastFour}",
        _ => $"x{lastFour}",
    };

    public string OrderNumber() => rng.Next(5) switch
    {
        0 => $"{rng.Digits(3)}-{rng.Digits(7)}-{rng.Digits(7)}",
        1 => $"ORD-{rng.Number(6)}",
        2 => $"W{rng.Number(8)}",
        3 => $"SO-{rng.Number(7)}",
        _ => $"{rng.Number(10)}",
    };

    public string TrackingNumber() => rng.Next(4) switch
    {
        0 => $"1Z{rng.Letters(3, "0123456789ABCDEFGHJKLMNPRSTUVWXY")}{rng.Digits(3)}{rng.Digits(2)}{rng.Digits(8)}",
        1 => $"9400 {rng.Digits(4)} {rng.Digits(4)} {rng.Digits(4)} {rng.Digits(4)} {rng.Digits(2)}",
        2 => $"{rng.Number(4)} {rng.Digits(4)} {rng.Digits(4)}",
        _ => $"TBA{rng.Number(12)}",
    };

    public string CaseNumber() => rng.Next(4) switch
    {
        0 => $"CB-{rng.Number(4)}-{rng.Digits(4)}",
        1 => $"DSP-{rng.Digits(7)}",
        2 => $"{rng.Between(23, 25)}-{rng.Number(3)}-{rng.Digits(4)}",
        _ => $"INC{rng.Digits(7)}",
    };

    public string Version() => rng.Next(6) switch
    {
        0 => $"v{rng.Between(1, 9)}.{rng.Between(0, 20)}.{rng.Between(0, 9)}",
        1 => $"{rng.Between(1, 12)}.{rng.Between(0, 9)}.{rng.Between(0, 9)}.{rng.Between(1000, 9999)}",
        2 => $"iOS {rng.Between(15, 18)}.{rng.Between(0, 6)}.{rng.Between(1, 3)}",
        3 => $"Android {rng.Between(11, 15)}",
        4 => $"build {rng.Between(1000, 99999)}",
        _ => $"{rng.Between(2, 6)}.{rng.Between(0, 40)}",
    };

    public string ModelNumber() => rng.Next(4) switch
    {
        0 => $"MMT-{rng.Between(500, 1899)}",
        1 => $"Model {rng.Between(1000, 9999)}{rng.Letters(2)}",
        2 => $"t:slim X{rng.Between(2, 3)}",
        _ => $"G{rng.Between(5, 7)}",
    };

    public string Time() => rng.Next(5) switch
    {
        0 => $"{rng.Between(0, 23):00}:{rng.Between(0, 59):00}",
        1 => $"{rng.Between(0, 23):00}{rng.Between(0, 59):00}",
        2 => $"{rng.Between(1, 12)}:{rng.Between(0, 59):00} {rng.Pick(["AM", "PM", "am", "pm"])}",
        3 => $"{rng.Between(1, 12)}:{rng.Between(0, 59):00}{rng.Pick(["a", "p"])}",
        _ => $"{rng.Between(0, 23):00}:{rng.Between(0, 59):00}:{rng.Between(0, 59):00}",
    };

    public int YoungAge() => rng.Chance(0.2) ? rng.Between(1, 17) : rng.Between(18, 89);

    public int OldAge() => rng.Chance(0.85) ? rng.Between(90, 99) : rng.Between(100, 106);
}

internal sealed record Address(string Street, string? Unit, string City, string State, string Zip, string? PoBox)
{
    public string StreetLine => Unit is null ? Street : $"{Street}, {Unit}";

    public string CityState => $"{City}, {State}";
}

internal sealed record Card(string Digits, DateOnly Expiry, string Cvv)
{
    public string LastFour => Digits[^4..];
}

using System.Globalization;

namespace PrivateInference.Eval.Corpus;

/// <summary>
/// One document being composed: its people, dates and identifiers (so the patient keeps one name and one
/// MRN throughout) and the expansion of template slots into labeled fragments.
/// </summary>
/// <remarks>
/// Template syntax: <c>{slot}</c> expands a slot (see <see cref="Resolve"/>); <c>{=a|b|c}</c> picks one
/// plain alternative; <c>{~LABEL:text}</c> writes <c>text</c> as a hard negative with that label.
/// </remarks>
internal sealed class Doc
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>Relatives write from personal mailboxes; everyone else from the organisation's domain.</summary>
    private static readonly HashSet<string> FamilyRoles =
        new(["husband", "wife", "spouse", "son", "daughter", "niece", "nephew", "grandson", "granddaughter", "mother", "relative", "caregiver", "contact"], StringComparer.Ordinal);

    private readonly Dictionary<string, Person> _people = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Address> _addresses = new(StringComparer.Ordinal);

    public Doc(Fakes fakes, DocumentBuilder builder, bool veryOld)
    {
        Fakes = fakes;
        Rng = fakes.Rng;
        Out = builder;
        Patient = fakes.NewPerson();
        _people["pt"] = Patient;
        Age = veryOld ? fakes.OldAge() : fakes.Rng.Between(19, 89);
        Today = new DateOnly(2022, 1, 1).AddDays(Rng.Next(4 * 365));
        Dob = Today.AddYears(-Age).AddDays(-Rng.Between(1, 360));
        Admitted = Today.AddDays(-Rng.Between(1, 12));
        Card = fakes.NewCard();
        OrgDomain = Rng.Pick(Fakes.OrgDomains);
    }

    public Fakes Fakes { get; }

    public Rng Rng { get; }

    public DocumentBuilder Out { get; }

    public Person Patient { get; }

    public int Age { get; }

    public DateOnly Today { get; }

    public DateOnly Dob { get; }

    public DateOnly Admitted { get; }

    public Card Card { get; }

    public string OrgDomain { get; }

    /// <summary>Chat style: every slot value written in lower case.</summary>
    public bool LowerCase { get; set; }

    public Person PersonFor(string role)
    {
        if (!_people.TryGetValue(role, out var person))
        {
            person = Fakes.NewPerson();
            _people[role] = person;
        }

        return person;
    }

    private string Value(string key, Func<string> create)
    {
        if (!_values.TryGetValue(key, out var value))
        {
            value = create();
            _values[key] = value;
        }

        return value;
    }

    private Address AddressFor(string role)
    {
        if (!_addresses.TryGetValue(role, out var address))
        {
            address = role == "po" || (role == "pt" && Rng.Chance(0.12)) ? Fakes.NewPoBox() : Fakes.NewAddress();
            _addresses[role] = address;
        }

        return address;
    }

    // ---- writing ----

    public Doc Write(string template)
    {
        var i = 0;
        while (i < template.Length)
        {
            var open = template.IndexOf('{', i);
            if (open < 0)
            {
                Out.Text(template[i..]);
                break;
            }

            Out.Text(template[i..open]);
            var close = template.IndexOf('}', open);
            if (close < 0)
            {
                throw new FormatException($"unclosed slot in template: {template}");
            }

            var slot = template[(open + 1)..close];
            if (slot.StartsWith('='))
            {
                Out.Text(Rng.Pick(slot[1..].Split('|')));
            }
            else if (slot.StartsWith('~'))
            {
                var colon = slot.IndexOf(':', StringComparison.Ordinal);
                Out.Negative(slot[1..colon], slot[(colon + 1)..]);
            }
            else
            {
                var fragment = Resolve(slot);
                Out.Append(LowerCase ? fragment.Lower() : fragment);
            }

            i = close + 1;
        }

        return this;
    }

    public Doc Line(string template = "")
    {
        Write(template);
        Out.Text("\n");
        return this;
    }

    /// <summary>Writes one template picked from the pool.</summary>
    public Doc One(IReadOnlyList<string> pool) => Write(Rng.Pick(pool));

    /// <summary>Writes a few distinct templates from the pool, joined by a separator.</summary>
    public Doc Some(IReadOnlyList<string> pool, int min, int max, string separator = " ")
    {
        var chosen = Rng.Sample(pool, Rng.Between(min, max));
        for (var i = 0; i < chosen.Count; i++)
        {
            if (i > 0)
            {
                Out.Text(separator);
            }

            Write(chosen[i]);
        }

        return this;
    }

    /// <summary>Writes the given templates in order, joined by a separator.</summary>
    public Doc All(IEnumerable<string> templates, string separator = " ")
    {
        var first = true;
        foreach (var template in templates)
        {
            if (!first)
            {
                Out.Text(separator);
            }

            Write(template);
            first = false;
        }

        return this;
    }

    // ---- slots ----

    private static Fragment G(string type, string text) => Fragment.Gold(type, text);

    private static Fragment N(string label, string text) => Fragment.Negative(label, text);

    /// <summary>Expands one slot. People are <c>@role</c> with an optional form after a dot.</summary>
    public Fragment Resolve(string slot)
    {
        if (slot.StartsWith('@'))
        {
            return ResolvePerson(slot[1..]);
        }

        if (slot.StartsWith("email.@", StringComparison.Ordinal))
        {
            var role = slot["email.@".Length..];
            var person = PersonFor(role);
            return G("EMAIL", Value(slot, () => FamilyRoles.Contains(role) ? Fakes.PersonalEmail(person) : Fakes.WorkEmail(person, OrgDomain)));
        }

        switch (slot)
        {
            // dates
            case "dob":
                return G("DATE", Fakes.FullDate(Dob));
            case "date":
                return G("DATE", Fakes.FullDate(Today));
            case "date.any":
                return G("DATE", Fakes.AnyDate(Today.AddDays(-Rng.Between(0, 30))));
            case "date.adm":
                return G("DATE", Fakes.FullDate(Admitted));
            case "date.adm.short":
                return G("DATE", Fakes.ShortDate(Admitted));
            case "date.short":
                return G("DATE", Fakes.ShortDate(Today.AddDays(-Rng.Between(0, 6))));
            case "date.next":
                return G("DATE", Fakes.AnyDate(Today.AddDays(Rng.Between(5, 60))));
            case "date.past":
                return G("DATE", Fakes.AnyDate(Today.AddDays(-Rng.Between(40, 2000))));
            case "date.pastfull":
                return G("DATE", Fakes.FullDate(Today.AddDays(-Rng.Between(40, 2000))));
            case "date.month":
                return G("DATE", Fakes.MonthYear(Today.AddDays(-Rng.Between(60, 1500))));
            case "date.iso":
                return G("DATE", Today.ToString("yyyy-MM-dd", Invariant));
            case "date.words":
                return G("DATE", $"{Fakes.Ordinal(Today.Day)} of {Fakes.MonthName(Today.Month)}");
            case "dob.words":
                return G("DATE", $"{Fakes.Ordinal(Dob.Day)} of {Fakes.MonthName(Dob.Month)}{(Rng.Chance(0.5) ? "," : "")} {Dob.Year}");
            case "date.txn":
                return G("DATE", Fakes.AnyDate(Today.AddDays(-Rng.Between(3, 75))));

            // ages
            case "age":
                return AgeFragment(Age);
            case "age.young":
                return N("AGE_UNDER_90", Fakes.YoungAge().ToString(Invariant));
            case "age.old":
                return G("AGE", Fakes.OldAge().ToString(Invariant));

            // contact
            case "phone":
                return G("PHONE", Value("phone", Fakes.UsPhone));
            case "phone.alt":
                return G("PHONE", Value("phone.alt", Fakes.UsPhone));
            case "phone.any":
                return G("PHONE", Fakes.UsPhone());
            case "phone.office":
                return G("PHONE", Value("phone.office", Fakes.UsPhone));
            case "phone.tollfree":
                return G("PHONE", Value("phone.tollfree", Fakes.TollFree));
            case "phone.intl":
                return G("PHONE", Value("phone.intl", Fakes.IntlPhone));
            case "fax":
                return G("PHONE", Value("fax", Fakes.UsPhone));
            case "email":
                return G("EMAIL", Value("email", () => Fakes.PersonalEmail(Patient)));
            case "email.org":
                return G("EMAIL", Value("email.org", () => $"{Rng.Pick(["billing", "records", "support", "frontdesk"])}@{OrgDomain}"));
            case "email.spoken":
                return G("EMAIL", Value("email.spoken", () => SpokenEmail(Value("email", () => Fakes.PersonalEmail(Patient)))));
            case "url":
                return G("URL", Value("url", () => Fakes.PersonalUrl(Patient)));
            case "url.portal":
                return G("URL", Value("url.portal", () => Fakes.PortalUrl(OrgDomain, Value("mrn", Fakes.Mrn))));
            case "ip":
                return G("IP_ADDRESS", Value("ip", Fakes.Ipv4));
            case "ip.any":
                return G("IP_ADDRESS", Fakes.Ipv4());
            case "ip6":
                return G("IP_ADDRESS", Value("ip6", Fakes.Ipv6));

            // addresses (the patient's unless a role is given: addr.clinic)
            case "addr":
                return AddressLine(AddressFor("pt"));
            case "addr.block":
                return AddressBlock(AddressFor("pt"));
            case "addr.street":
                return G("ADDRESS", AddressFor("pt").StreetLine);
            case "addr.city":
                return G("ADDRESS", AddressFor("pt").CityState);
            case "zip":
                return G("ZIP", AddressFor("pt").Zip);
            case "addr.clinic":
                return AddressLine(AddressFor("clinic"));
            case "addr.clinic.block":
                return AddressBlock(AddressFor("clinic"));
            case "addr.other":
                return AddressLine(AddressFor("other"));
            case "addr.po":
                return AddressLine(AddressFor("po"));
            case "addr.new":
                return AddressLine(Fakes.NewAddress());

            // identifiers
            case "mrn":
                return G("MRN", Value("mrn", Fakes.Mrn));
            case "acct":
                return G("ACCOUNT_NUMBER", Value("acct", Fakes.AccountNumber));
            case "acct.bank":
                return G("ACCOUNT_NUMBER", Value("acct.bank", Fakes.BankAccount));
            case "routing":
                return N("ROUTING_NUMBER", Value("routing", Fakes.RoutingNumber));
            case "member":
                return G("HEALTH_PLAN_ID", Value("member", Fakes.MemberId));
            case "group":
                return G("HEALTH_PLAN_ID", Value("group", Fakes.GroupNumber));
            case "policy":
                return G("HEALTH_PLAN_ID", Value("policy", Fakes.PolicyNumber));
            case "mbi":
                return G("HEALTH_PLAN_ID", Value("mbi", Fakes.Mbi));
            case "medicaid":
                return G("HEALTH_PLAN_ID", Value("medicaid", Fakes.MedicaidId));
            case "dl":
                return G("LICENSE_NUMBER", Value("dl", Fakes.DriversLicense));
            case "dea":
                return G("LICENSE_NUMBER", Value("dea", () => Fakes.Dea(PersonFor("prescriber").Last)));
            case "lic":
                return G("LICENSE_NUMBER", Value("lic", Fakes.ProfessionalLicense));
            case "serial":
                return G("DEVICE_ID", Value("serial", Fakes.DeviceSerial));
            case "serial.any":
                return G("DEVICE_ID", Fakes.DeviceSerial());
            case "udi":
                return G("DEVICE_ID", Value("udi", Fakes.Udi));
            case "imei":
                return G("DEVICE_ID", Value("imei", Fakes.Imei));
            case "mac":
                return G("DEVICE_ID", Value("mac", Fakes.MacAddress));
            case "vin":
                return G("VIN", Value("vin", Fakes.Vin));

            // card data and bank identifiers
            case "pan":
                return G("PAN", Value("pan", () => Fakes.FormatPan(Card.Digits)));
            case "pan.other":
                return G("PAN", Value("pan.other", () => Fakes.FormatPan(Fakes.NewCard().Digits)));
            case "track1":
                return G("TRACK_DATA", Fakes.Track1(Card, Patient));
            case "track2":
                return G("TRACK_DATA", Fakes.Track2(Card));
            case "cvv":
                return G("CVV", Card.Cvv);
            case "exp":
                return G("EXPIRY", Value("exp", () => Fakes.FormatExpiry(Card.Expiry)));
            case "ssn":
                return G("SSN", Value("ssn", Fakes.Ssn));
            case "ssn.spaced":
                return G("SSN", Value("ssn", Fakes.Ssn).Replace('-', ' '));
            case "ssn.plain":
                return G("SSN", Value("ssn", Fakes.Ssn).Replace("-", "", StringComparison.Ordinal));
            case "iban":
                return G("IBAN", Value("iban", Fakes.Iban));

            // hard negatives
            case "drug":
                return N("DRUG", Fakes.Drug());
            case "icd":
                return N("ICD10", Fakes.Icd10());
            case "cpt":
                return N("CPT", Fakes.Cpt());
            case "ndc":
                return N("NDC", Fakes.Ndc());
            case "npi":
                return N("NPI", Value("npi", Fakes.Npi));
            case "lab":
                return N("LAB_VALUE", Fakes.LabValue());
            case "vitals":
                return N("VITAL_SIGN", Fakes.Vitals());
            case "bp":
                return N("VITAL_SIGN", Fakes.BloodPressure());
            case "eponym":
                return N("EPONYM", Fakes.Eponym());
            case "facility":
                return N("FACILITY", Value("facility", Fakes.Facility));
            case "facility.other":
                return N("FACILITY", Fakes.Facility());
            case "room":
                return N("ROOM", Fakes.Room());
            case "year":
                return N("YEAR", Rng.Between(1975, 2023).ToString(Invariant));
            case "dur":
                return N("DURATION", Fakes.Duration());
            case "dur.short":
                return N("DURATION", Fakes.ShortDuration());
            case "amount":
                return N("AMOUNT", Value("amount", Fakes.Amount));
            case "amount.any":
                return N("AMOUNT", Fakes.Amount());
            case "masked":
                return N("MASKED_PAN", Fakes.MaskedPan(Card.LastFour));
            case "last4":
                return N("MASKED_PAN", Card.LastFour);
            case "order":
                return N("ORDER_NUMBER", Value("order", Fakes.OrderNumber));
            case "tracking":
                return N("TRACKING_NUMBER", Value("tracking", Fakes.TrackingNumber));
            case "case":
                return N("CASE_NUMBER", Value("case", Fakes.CaseNumber));
            case "version":
                return N("VERSION", Fakes.Version());
            case "model":
                return N("MODEL_NUMBER", Value("model", Fakes.ModelNumber));
            case "time":
                return N("TIME", Fakes.Time());
            case "merchant":
                // Descriptors such as APPLE.COM/BILL are web addresses, and every URL is labeled.
                var merchant = Fakes.Merchant();
                return merchant.Contains(".com", StringComparison.OrdinalIgnoreCase) ? G("URL", merchant) : Fragment.Plain(merchant);
            case "callid":
                return N("CALL_ID", Value("callid", () => $"{Rng.Letters(2)}-{Rng.Number(8)}"));
            case "clia":
                return N("CLIA", Value("clia", () => $"{Rng.Digits(2)}D{Rng.Digits(7)}"));
            case "url.org":
                return G("URL", Value("url.org", () => Rng.Chance(0.5) ? $"https://www.{OrgDomain}" : $"www.{OrgDomain}/contact"));

            // plain words that follow the patient's sex
            case "he":
                return Fragment.Plain(Patient.He);
            case "He":
                return Fragment.Plain(Cap(Patient.He));
            case "his":
                return Fragment.Plain(Patient.His);
            case "His":
                return Fragment.Plain(Cap(Patient.His));
            case "him":
                return Fragment.Plain(Patient.Him);
            case "man":
                return Fragment.Plain(Patient.Female ? "woman" : "man");
            case "sex":
                return Fragment.Plain(Patient.Female ? "female" : "male");
            case "sexletter":
                return Fragment.Plain(Patient.Female ? "F" : "M");
            case "Mr":
                return Fragment.Plain(Patient.Title);
            default:
                throw new FormatException($"unknown slot {{{slot}}}");
        }
    }

    private static Fragment AgeFragment(int age) =>
        age >= 90 ? G("AGE", age.ToString(Invariant)) : N("AGE_UNDER_90", age.ToString(Invariant));

    private Fragment ResolvePerson(string spec)
    {
        var dot = spec.IndexOf('.', StringComparison.Ordinal);
        var role = dot < 0 ? spec : spec[..dot];
        var form = dot < 0 ? "" : spec[(dot + 1)..];
        var p = PersonFor(role);
        var text = form switch
        {
            "" => Rng.Chance(0.25) ? p.WithMiddleInitial : p.Full,
            "full" => p.Full,
            "first" => p.First,
            "last" => p.Last,
            "lf" => p.LastFirst,
            "upper" => p.LastFirst.ToUpperInvariant(),
            "init" => p.Initial,
            _ => throw new FormatException($"unknown person form {form}"),
        };
        return G("PERSON", text);
    }

    /// <summary>Street, unit, city and state on one line are one ADDRESS; the ZIP is its own span.</summary>
    private Fragment AddressLine(Address a)
    {
        var f = new Fragment().AddGold("ADDRESS", $"{a.StreetLine}, {a.CityState}");
        return f.AddPlain(Rng.Chance(0.15) ? "  " : " ").AddGold("ZIP", a.Zip);
    }

    /// <summary>Street line and "City, ST ZIP" line: two ADDRESS spans and a ZIP.</summary>
    private static Fragment AddressBlock(Address a) =>
        new Fragment()
            .AddGold("ADDRESS", a.StreetLine)
            .AddPlain("\n")
            .AddGold("ADDRESS", a.CityState)
            .AddPlain(" ")
            .AddGold("ZIP", a.Zip);

    /// <summary>An address said aloud or typed to dodge filters: "jane.doe at gmail dot com", "jane.doe[at]gmail.com".</summary>
    private string SpokenEmail(string email)
    {
        var at = email.IndexOf('@', StringComparison.Ordinal);
        var local = email[..at];
        var domain = email[(at + 1)..];
        return Rng.Next(3) switch
        {
            0 => $"{local} at {domain.Replace(".", " dot ", StringComparison.Ordinal)}",
            1 => $"{local}[at]{domain}",
            _ => $"{local} (at) {domain}",
        };
    }

    private static string Cap(string word) => char.ToUpperInvariant(word[0]) + word[1..];
}

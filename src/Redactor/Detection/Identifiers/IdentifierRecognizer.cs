using PrivateInference.Redactor.Detection.Text;

namespace PrivateInference.Redactor.Detection.Identifiers;

/// <summary>
/// Record, account, health-plan, licence and device identifiers: an alphanumeric value with digits
/// ("00482913", "XYZ123456789", "MR-2231-88") bound to the wording that names it ("MRN:", "Member ID",
/// "policy #", "DL", "serial no."). The nearest bound cue decides the type; cues of identifiers that are
/// not PHI (NPI, NDC, CPT, lot, order, tracking, …) bind too, and then nothing is reported. DEA numbers
/// are also recognized by their check digit without wording.
/// </summary>
internal sealed class IdentifierRecognizer : IWordRecognizer
{
    private const int NotPhi = 1000;
    private const int MaxValueLength = 32;

    private static readonly CueWords Cues = new(
    [
        .. Tag(EntityType.Mrn, "mrn", "mrn#", "medical record", "medical record number", "medical record no", "med rec",
            "record number", "record no", "record #", "chart", "chart number", "chart no", "patient id", "pt id", "patient number",
            "patient no", "hospital number", "hospital no", "unit number", "ehr id", "emr", "emr number", "mr number", "mr no",
            "bracelet", "hospital bracelet", "wristband", "armband", "patient identifier"),
        .. Tag(EntityType.AccountNumber, "account", "account number", "account no", "acct", "acct no", "acct number",
            "a/c", "billing account", "checking account", "savings account", "bank account", "customer number",
            "customer id", "customer no", "client id", "patient account", "guarantor account", "hospital account", "har", "fin"),
        .. Tag(EntityType.HealthPlanId, "member id", "member", "member number", "member no", "subscriber id", "subscriber",
            "subscriber number", "subscriber no", "policy", "policy number", "policy no", "policy id", "group number",
            "group no", "group id", "group", "plan id", "plan number", "insurance id", "insurance number", "insurance no",
            "medicaid id", "medicaid", "medicaid number", "medicare", "medicare id", "medicare number", "mbi", "hicn",
            "beneficiary id", "health plan id", "health plan", "id card", "insured id", "cert", "certificate number",
            "carrier", "secondary carrier", "primary carrier", "insurance carrier", "secondary insurance", "primary insurance"),
        .. Tag(EntityType.LicenseNumber, "license", "licence", "license number", "licence number", "license no",
            "licence no", "driver's license", "drivers license", "driver license", "driver's licence", "driving licence",
            "dl number", "dl no", "dea", "dea number", "dea no", "dea registration", "state license",
            "medical license", "nursing license", "rn license", "lic", "lic no", "permit", "permit number", "passport",
            "passport number", "passport no"),
        .. Tag(EntityType.DeviceId, "serial", "serial number", "serial no", "s/n", "udi", "device id",
            "device identifier", "device serial", "imei", "meid", "mac", "mac address", "implant id", "pump id",
            "model/serial", "asset tag", "device"),
        .. Tag(EntityType.Vin, "vin", "vehicle identification number", "vin number", "vin no"),
        .. Tag((EntityType)NotPhi, "npi", "ndc", "cpt", "icd", "icd-10", "hcpcs", "lot", "lot number", "batch", "order", "order number",
            "order no", "tracking", "tracking number", "invoice", "case", "case number", "ticket", "confirmation",
            "reference", "ref", "rx", "rx number", "prescription number", "version", "build", "model", "room", "bed",
            "extension", "ext", "code", "sku", "claim", "claim number", "arn", "terminal", "merchant", "auth", "authorization"),
    ]);

    // Wording after the value that names it: "please write 1232488-49 on the memo line" (a check's memo carries
    // the payer's account number).
    private static readonly CueWords AccountCuesAfter = new("memo", "memo line", "memo field");

    public string Name => "identifier";

    public void Inspect(ReadOnlySpan<char> text, in Word word, ScanState state)
    {
        if (!word.HasDigit || word.Start < state.IdentifierScanEnd)
        {
            return;
        }

        // GS1 UDI element strings: "(01)00844588003288(17)271023(21)AX6496655".
        var udiEnd = Gs1ElementStringEnd(text, word.Start);
        if (udiEnd > 0)
        {
            state.Add(EntityType.DeviceId, word.Start - 1, udiEnd, 0.95, Name);
            state.IdentifierScanEnd = udiEnd;
            return;
        }

        var (start, end) = ExpandToken(text, word.Start, word.End);

        // "722 447 869": a value in spaced digit groups is read whole (it still needs a cue below).
        end = ExtendSpacedGroups(text, start, end);
        state.IdentifierScanEnd = end;
        var alnum = 0;
        var digits = 0;
        foreach (var c in text[start..end])
        {
            if (char.IsAsciiLetterOrDigit(c))
            {
                alnum++;
                digits += char.IsAsciiDigit(c) ? 1 : 0;
            }
        }

        if (alnum < 4 || end - start > MaxValueLength || IsPartOfNumberExpression(text, start, end))
        {
            return;
        }

        if (Vin.IsValid(text[start..end]))
        {
            state.Add(EntityType.Vin, start, end, 0.95, Name);
            return;
        }

        if (Dea.IsValid(text[start..end]))
        {
            state.Add(EntityType.LicenseNumber, start, end, 0.85, Name);
        }

        // An SSN-shaped value (AAA GG SSSS, AAA-GG-SSSS) is the SSN recognizer's.
        if (IsSsnShaped(text[start..end]))
        {
            return;
        }

        // A card number is the PAN recognizer's, whatever label precedes it: a PAN must never be
        // reported as a lesser identifier.
        if (digits == alnum && digits is >= 12 and <= 19 && IsCardNumber(text[start..end]))
        {
            return;
        }

        int fillers;
        int tag;
        int cueStart;
        if (AbbreviationBefore(text, start, out var abbreviation))
        {
            // The label right before the value ("SN 8420TC10892") beats any cue further back ("Model …").
            fillers = 0;
            tag = (int)abbreviation;
            cueStart = -1;
        }
        else
        {
            fillers = Context.TaggedCueBefore(text, start, Cues, 4, 44, out tag, out cueStart);
        }

        if (fillers >= 0 && cueStart >= 0 && IsRoleWord(text, cueStart) && Context.IsSpeakerLabel(text, cueStart))
        {
            // "Member: DH506430" answers the question on the line before; "Member" is who speaks.
            fillers = -1;
            tag = -1;
        }

        var type = (EntityType)tag;
        if (fillers < 0 && IsMrHash(text, start))
        {
            fillers = 0;
            type = EntityType.Mrn;
        }
        else if (fillers < 0)
        {
            var asked = Context.PreviousTurnCue(text, start, Cues, NotPhi);
            if (asked >= 0)
            {
                fillers = 1;
                tag = asked;
                type = (EntityType)asked;
            }
        }

        if (fillers < 0 && digits >= 5 && Context.CueAfter(text, end, AccountCuesAfter, 2, 24))
        {
            fillers = 1;
            tag = (int)EntityType.AccountNumber;
            type = EntityType.AccountNumber;
        }

        // Identifiers are codes, not words: "32-year-old" is not a licence number.
        if (HasLowerCaseWord(text[start..end]))
        {
            return;
        }

        if (fillers < 0 || tag == NotPhi)
        {
            return;
        }

        // A bare four-digit number a few words after the cue is more often a year than the identifier,
        // and far from its cue a value must look like a code (several digits).
        if ((alnum == 4 && digits == 4 && fillers > 0) || (fillers > 2 && digits < 5))
        {
            return;
        }

        if (type == EntityType.Vin && alnum != 17)
        {
            return;
        }

        state.Add(type, start, end, fillers == 0 ? 0.9 : 0.8, Name);
    }

    /// <summary>Cue words that also name who speaks in a transcript ("Member:", "Subscriber:").</summary>
    private static bool IsRoleWord(ReadOnlySpan<char> text, int wordStart)
    {
        var word = text[wordStart..CueWords.WordEndAfter(text, wordStart)];
        foreach (var role in (ReadOnlySpan<string>)["member", "subscriber", "customer", "client", "insured", "beneficiary", "caller", "patient"])
        {
            if (word.Equals(role, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>"722 447 869": a labelled value written in spaced digit groups is one value.</summary>
    private static int ExtendSpacedGroups(ReadOnlySpan<char> text, int start, int end)
    {
        if (end - start is < 2 or > 4 || text[start..end].ContainsAnyExceptInRange('0', '9'))
        {
            return end;
        }

        var groups = 1;
        while (end + 2 < text.Length && text[end] == ' ' && char.IsAsciiDigit(text[end + 1]) && groups < 5)
        {
            var next = end + 1;
            while (next < text.Length && char.IsAsciiDigit(text[next]))
            {
                next++;
            }

            if (next - end - 1 is < 2 or > 4 || (next < text.Length && char.IsLetter(text[next])))
            {
                break;
            }

            end = next;
            groups++;
        }

        return end;
    }

    /// <summary>End of a GS1 element string that starts with "(01)" + GTIN-14 at <paramref name="digits"/>
    /// (the "01" right after '('), or -1.</summary>
    private static int Gs1ElementStringEnd(ReadOnlySpan<char> text, int digits)
    {
        if (digits < 1 || text[digits - 1] != '(' || digits + 17 > text.Length || !text.Slice(digits, 3).SequenceEqual("01)"))
        {
            return -1;
        }

        var p = digits + 3;
        for (var i = 0; i < 14; i++)
        {
            if (!char.IsAsciiDigit(text[p + i]))
            {
                return -1;
            }
        }

        p += 14;
        // Further "(AI)value" elements: lot (10), expiry (17), serial (21), …
        while (p + 4 < text.Length && text[p] == '(' && char.IsAsciiDigit(text[p + 1]) && char.IsAsciiDigit(text[p + 2]))
        {
            var close = text[(p + 1)..Math.Min(text.Length, p + 6)].IndexOf(')');
            if (close < 2)
            {
                break;
            }

            var valueStart = p + 1 + close + 1;
            var valueEnd = valueStart;
            while (valueEnd < text.Length && valueEnd - valueStart < 30 && char.IsAsciiLetterOrDigit(text[valueEnd]))
            {
                valueEnd++;
            }

            if (valueEnd == valueStart)
            {
                break;
            }

            p = valueEnd;
        }

        return p;
    }

    private static bool IsSsnShaped(ReadOnlySpan<char> value) =>
        value.Length == 11 && value[3] == value[6] && value[3] is ' ' or '-'
        && !value[..3].ContainsAnyExceptInRange('0', '9') && !value[4..6].ContainsAnyExceptInRange('0', '9') && !value[7..].ContainsAnyExceptInRange('0', '9');

    private static bool IsCardNumber(ReadOnlySpan<char> value)
    {
        Span<byte> digits = stackalloc byte[19];
        var n = 0;
        foreach (var c in value)
        {
            if (char.IsAsciiDigit(c))
            {
                digits[n++] = (byte)(c - '0');
            }
        }

        var pan = digits[..n];
        return Validation.Luhn.IsValid(pan) && Validation.CardBrands.Match(pan) is not null;
    }

    private static bool HasLowerCaseWord(ReadOnlySpan<char> value)
    {
        var run = 0;
        foreach (var c in value)
        {
            run = char.IsAsciiLetterLower(c) ? run + 1 : 0;
            if (run >= 4)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Upper-case abbreviations that are labels only in capitals right before the value ("DL 123…",
    /// "SN: 88421"); in lower case they are units or words ("mg/dL 70-99").</summary>
    private static bool AbbreviationBefore(ReadOnlySpan<char> text, int start, out EntityType type)
    {
        type = default;
        var p = start;
        while (p > 0 && text[p - 1] is ' ' or ':' or '#' && start - p < 3)
        {
            p--;
        }

        var wordStart = CueWords.WordStartBefore(text, p);
        if (wordStart > 0 && !(text[wordStart - 1] is ' ' or '\n' or '(' or ',' or ';'))
        {
            return false;
        }

        // Case-insensitive, but only as a standalone label: "mg/dL 70-99" has a '/' before "dL".
        var word = text[wordStart..p];
        if (word.Equals("DL", StringComparison.OrdinalIgnoreCase))
        {
            type = EntityType.LicenseNumber;
            return true;
        }

        if (word.Equals("SN", StringComparison.OrdinalIgnoreCase))
        {
            type = EntityType.DeviceId;
            return true;
        }

        return false;
    }

    private static IEnumerable<(string, int)> Tag(EntityType type, params string[] phrases) =>
        phrases.Select(p => (p, (int)type));

    /// <summary>Grows a word into the identifier token around it: letters and digits joined by single '-'.</summary>
    private static (int Start, int End) ExpandToken(ReadOnlySpan<char> text, int start, int end)
    {
        // "MD.609739": a letter prefix joined by a dot belongs to the code.
        if (start > 2 && text[start - 1] == '.' && char.IsAsciiLetter(text[start - 2]))
        {
            var prefixStart = CueWords.WordStartBefore(text, start - 1);
            if (start - 1 - prefixStart is >= 2 and <= 4 && text[prefixStart..(start - 1)].ContainsAnyExceptInRange('a', 'z'))
            {
                start = prefixStart;
            }
        }

        while (start > 1 && text[start - 1] == '-' && char.IsAsciiLetterOrDigit(text[start - 2]))
        {
            start = CueWords.WordStartBefore(text, start - 1);
        }

        while (end + 1 < text.Length && text[end] == '-' && char.IsAsciiLetterOrDigit(text[end + 1]))
        {
            end = CueWords.WordEndAfter(text, end + 1);
        }

        // "MD.609739", "426.323276": a dot inside a code, not a decimal ("4.1") or a sentence end.
        if (end + 1 < text.Length && text[end] == '.' && char.IsAsciiLetterOrDigit(text[end + 1]))
        {
            var after = CueWords.WordEndAfter(text, end + 1);
            var before = text[start..end];
            if (after - end - 1 >= 4 && (before.Length >= 2 || before.ContainsAnyExceptInRange('0', '9')))
            {
                end = after;
            }
        }

        return (start, end);
    }

    /// <summary>Dates, times, decimals, ratios and amounts are not identifiers.</summary>
    private static bool IsPartOfNumberExpression(ReadOnlySpan<char> text, int start, int end)
    {
        if (start > 0 && text[start - 1] is '/' or ':' or '$' or '.' or ',' or '+')
        {
            return true;
        }

        return end + 1 < text.Length && text[end] is '/' or ':' or '.' or ',' && char.IsAsciiDigit(text[end + 1]);
    }

    /// <summary>"MR# 1234567" / "MR #1234567": "MR" alone is a title, so it counts only before '#'.</summary>
    private static bool IsMrHash(ReadOnlySpan<char> text, int start)
    {
        var p = start;
        while (p > 0 && text[p - 1] is ' ' or ':')
        {
            p--;
        }

        if (p == 0 || text[p - 1] != '#')
        {
            return false;
        }

        p--;
        while (p > 0 && text[p - 1] == ' ')
        {
            p--;
        }

        return p >= 2 && text.Slice(p - 2, 2).Equals("mr", StringComparison.OrdinalIgnoreCase) && (p == 2 || !char.IsLetter(text[p - 3]));
    }
}

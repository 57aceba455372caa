namespace PrivateInference.Redactor.Detection.Identifiers;

/// <summary>
/// A record number written right after a patient's name in a header or a list: "Long, Jennifer  #00259874",
/// "ELLISON, ERIC (WY556479)". The code must look like one (six or more letters and digits, five or more
/// digits, no words) and be joined to the name by '#', '(' or a column gap; it is reported as an MRN.
/// </summary>
/// <remarks>Runs after the person recognizer and reads the names it found.</remarks>
internal sealed class RecordNumberAfterNameRecognizer : ITextRecognizer
{
    public string Name => "record_after_name";

    public void Recognize(ReadOnlySpan<char> text, ScanState state)
    {
        var count = state.Candidates.Count;
        for (var i = 0; i < count; i++)
        {
            var person = state.Candidates[i];
            if (person.Type != EntityType.Person)
            {
                continue;
            }

            var p = person.End;
            var joined = false;
            var spaces = 0;
            while (p < text.Length && p - person.End < 5 && text[p] is ' ' or '#' or '(' or '\t')
            {
                joined |= text[p] is '#' or '(' or '\t';
                spaces += text[p] == ' ' ? 1 : 0;
                p++;
            }

            if (!(joined || spaces >= 2))
            {
                continue;
            }

            var start = p;
            var digits = 0;
            var alnum = 0;
            while (p < text.Length && p - start < 20 && (char.IsAsciiLetterOrDigit(text[p]) || (text[p] == '-' && p + 1 < text.Length && char.IsAsciiLetterOrDigit(text[p + 1]))))
            {
                if (char.IsAsciiLetterOrDigit(text[p]))
                {
                    alnum++;
                    digits += char.IsAsciiDigit(text[p]) ? 1 : 0;
                }

                p++;
            }

            var end = p;
            var lowerRun = 0;
            var hasWord = false;
            foreach (var c in text[start..end])
            {
                lowerRun = char.IsAsciiLetterLower(c) ? lowerRun + 1 : 0;
                hasWord |= lowerRun >= 3;
            }

            var continuesAsNumber = end < text.Length && text[end] is '/' or ':' or '.' or ',' && end + 1 < text.Length && char.IsAsciiDigit(text[end + 1]);
            if (alnum >= 6 && digits >= 5 && !hasWord && !continuesAsNumber && (end >= text.Length || !char.IsLetterOrDigit(text[end])) && !state.IsCovered(start, end))
            {
                state.Add(EntityType.Mrn, start, end, 0.75, Name);
            }
        }
    }
}

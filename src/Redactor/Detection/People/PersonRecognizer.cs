using PrivateInference.Redactor.Detection.Lexicon;
using PrivateInference.Redactor.Detection.Text;

namespace PrivateInference.Redactor.Detection.People;

/// <summary>
/// Names of people: runs of capitalized words judged against given-name and surname dictionaries, common
/// English words and known non-names (eponyms, drugs, departments), with titles ("Dr. Patel"), person cues
/// ("pt", "spoke with", "Dear", "Signed:", "cc:"), "Last, First", initials, ALL-CAPS names and lower-case
/// names after chat cues ("my name is …"). A name part found once is found again elsewhere in the document.
/// </summary>
/// <remarks>
/// Words that are also ordinary words ("Will", "Rose", "Hope", "Bill", "Brown") count as names only with
/// support: a title, a cue, or a strong name beside them. Titles and suffixes ("MD", "Jr.") are not part
/// of the span.
/// </remarks>
internal sealed class PersonRecognizer : ITextRecognizer
{
    private const int MaxRunTokens = 5;
    private const int StrongFirstNameCount = 2000;

    private static readonly CueWords PersonCues = new(
        "patient", "pt", "patient name", "name", "spoke with", "spoke to", "talked to", "talked with", "called",
        "cardholder", "card holder", "caller", "customer", "client", "member", "dear", "hi", "hello", "hey", "signed",
        "signed by", "electronically signed by", "cc", "from", "to", "attn", "attention", "by", "with", "per",
        "husband", "wife", "son", "daughter", "mother", "father", "mom", "dad", "sister", "brother", "spouse", "partner",
        "friend", "neighbor", "caregiver", "guardian", "agent", "representative", "rep", "referred by", "referring",
        "attending", "nurse", "physician", "surgeon", "provider", "pcp", "seen by", "discussed with", "accompanied by",
        "thanks", "thank you", "regards", "sincerely", "best", "cheers", "contact", "emergency contact", "next of kin",
        "authorized by", "approved by", "reviewed by", "dictated by", "transcribed by", "verified by", "sent by",
        "insured", "subscriber", "policyholder", "beneficiary", "account holder", "applicant", "resident", "tenant",
        "mr", "mrs", "ms", "dr", "miss", "prof", "sir", "madam", "ma'am", "grandson", "granddaughter", "grandmother",
        "grandfather", "aunt", "uncle", "cousin", "fiance", "fiancee", "boyfriend", "girlfriend", "coworker", "manager",
        "supervisor", "technician", "therapist", "pharmacist", "dentist", "doctor", "np", "pa", "rn", "md", "lpn",
        "case manager", "social worker", "chaplain", "interpreter");

    private static readonly CueWords ChatCues = new(
        "my name is", "name is", "this is", "i'm", "im", "i am", "it's", "its", "call me", "ask for", "spoke to",
        "spoke with", "talked to", "talked with", "name", "hi", "hello", "hey", "thanks", "thank you", "dear", "ask");

    private static readonly string[] Particles = ["van", "von", "de", "der", "den", "del", "della", "da", "di", "du", "la", "le", "bin", "ibn", "al", "el", "st"];

    public string Name => "person";

    public void Recognize(ReadOnlySpan<char> text, ScanState state)
    {
        var lexicon = NameLexicon.Shared;
        var tokens = ReadTokens(text);
        var found = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var i = 0;
        while (i < tokens.Count)
        {
            var t = tokens[i];
            if (t.Upper)
            {
                var runEnd = RunEnd(text, tokens, i);
                var consumed = EvaluateRun(text, tokens, i, runEnd, lexicon, state, found);
                i = Math.Max(runEnd, consumed) + 1;
                continue;
            }

            if (t.Lower && Context.CueBefore(text, t.Start, ChatCues, 0, 16))
            {
                EvaluateLowerCase(text, tokens, i, lexicon, state, found);
            }

            i++;
        }

        if (found.Count > 0)
        {
            Propagate(text, tokens, found, state);
        }
    }

    /// <summary>Judges the run first..last; returns the last token consumed (beyond the run for "Last, First").</summary>
    private int EvaluateRun(ReadOnlySpan<char> text, List<NameToken> tokens, int first, int last, NameLexicon lexicon, ScanState state, HashSet<string> found)
    {
        var t = first;
        var titled = false;
        var cued = Context.CueBefore(text, tokens[first].Start, PersonCues, 1, 32);
        while (t <= last)
        {
            var word = tokens[t].Span(text);
            if (lexicon.IsTitle(word) && t < last)
            {
                titled = true;
                t++;
            }
            else if (IsExcluded(text, tokens[t], lexicon))
            {
                cued |= PersonCues.EndsAt(text, tokens[t].Start, tokens[t].End);
                titled = false;
                t++;
            }
            else
            {
                break;
            }
        }

        if (t > last)
        {
            return last;
        }

        // "Doe, Jane": a surname, a comma, then a given name.
        if (t == last)
        {
            var commaEnd = TryLastCommaFirst(text, tokens, t, lexicon, cued || titled, state, found);
            if (commaEnd > 0)
            {
                return commaEnd;
            }
        }

        var m = t;
        while (m + 1 <= last && m + 1 - t < MaxRunTokens && !IsExcluded(text, tokens[m + 1], lexicon) && !lexicon.IsSuffix(tokens[m + 1].Span(text)))
        {
            m++;
        }

        var score = Judge(text, tokens, t, m, lexicon, titled, cued);
        if (score > 0)
        {
            Emit(text, tokens, t, m, score, state, found, lexicon);
        }

        return m < last ? EvaluateRun(text, tokens, m + 1, last, lexicon, state, found) : last;
    }

    private static double Judge(ReadOnlySpan<char> text, List<NameToken> tokens, int t, int m, NameLexicon lexicon, bool titled, bool cued)
    {
        var first = tokens[t];
        var lastToken = tokens[m];
        var firstWord = first.Span(text);
        var lastWord = lastToken.Span(text);
        if (titled)
        {
            return 0.95;
        }

        var firstCount = lexicon.FirstNameCount(firstWord);
        var firstCommon = IsCommon(firstWord, lexicon);
        var lastRank = lexicon.SurnameRank(lastWord);
        var lastCommon = IsCommon(lastWord, lexicon);
        var nameLike = firstCount > 0 || lexicon.SurnameRank(firstWord) > 0 || !firstCommon;
        if (cued)
        {
            return nameLike && !(first.AllCaps && firstCount == 0 && lexicon.SurnameRank(firstWord) == 0) ? 0.9 : 0;
        }

        if (m == t)
        {
            return firstCount >= StrongFirstNameCount && !firstCommon && !first.AllCaps ? 0.8 : 0;
        }

        var strongFirst = firstCount > 0 && !firstCommon;
        var weakFirst = firstCount > 0 && firstCommon;
        var surnameLike = lastRank > 0 || (!lastCommon && !lastToken.AllCaps);
        var strongLast = lastRank > 0 && !lastCommon;
        if (first.Initial)
        {
            return strongLast || (surnameLike && !lastCommon) ? 0.85 : 0;
        }

        if (strongFirst && surnameLike)
        {
            return 0.92;
        }

        if (weakFirst && strongLast)
        {
            return 0.85;
        }

        // An unknown given name before a known surname ("Xiomara Kowalski"), never two ordinary words.
        return !firstCommon && firstCount == 0 && strongLast && !first.AllCaps ? 0.75 : 0;
    }

    /// <summary>Emits "Last, First [I.]" starting at token t; returns its last token index, or -1.</summary>
    private int TryLastCommaFirst(ReadOnlySpan<char> text, List<NameToken> tokens, int t, NameLexicon lexicon, bool supported, ScanState state, HashSet<string> found)
    {
        if (t + 1 >= tokens.Count)
        {
            return -1;
        }

        var surname = tokens[t];
        var given = tokens[t + 1];
        var gap = text[surname.End..given.Start];
        if (!gap.SequenceEqual(", ") || !given.Upper)
        {
            return -1;
        }

        // A surname that is also a word ("Doe", "Young") needs support: a cue, a title, or ALL CAPS records.
        var bothCaps = surname.AllCaps && given.AllCaps;
        var surnameOk = lexicon.SurnameRank(surname.Span(text)) > 0 && (supported || bothCaps || !IsCommon(surname.Span(text), lexicon));
        var givenCount = lexicon.FirstNameCount(given.Span(text));
        if (!(surnameOk && givenCount > 0 && (supported || bothCaps || !IsCommon(given.Span(text), lexicon))))
        {
            return -1;
        }

        var end = t + 1;
        if (end + 1 < tokens.Count && tokens[end + 1].Initial && text[tokens[end].End..tokens[end + 1].Start].SequenceEqual(" "))
        {
            end++;
        }

        Emit(text, tokens, t, end, 0.9, state, found, lexicon);
        return end;
    }

    private void EvaluateLowerCase(ReadOnlySpan<char> text, List<NameToken> tokens, int i, NameLexicon lexicon, ScanState state, HashSet<string> found)
    {
        var word = tokens[i].Span(text);
        var count = lexicon.FirstNameCount(word);
        if (count < StrongFirstNameCount || lexicon.IsNotName(word) || (IsCommon(word, lexicon) && lexicon.CommonWordRank(word) < 20000))
        {
            return;
        }

        var end = i;
        if (i + 1 < tokens.Count && text[tokens[i].End..tokens[i + 1].Start].SequenceEqual(" "))
        {
            var next = tokens[i + 1].Span(text);
            if (lexicon.SurnameRank(next) > 0 && !IsCommon(next, lexicon))
            {
                end = i + 1;
            }
        }

        Emit(text, tokens, i, end, 0.8, state, found, lexicon);
    }

    private void Emit(ReadOnlySpan<char> text, List<NameToken> tokens, int first, int last, double score, ScanState state, HashSet<string> found, NameLexicon lexicon)
    {
        var start = tokens[first].Start;
        var end = tokens[last].End;
        if (tokens[last].Initial && end < text.Length && text[end] == '.')
        {
            end++;
        }

        state.Add(EntityType.Person, start, end, score, Name);
        for (var k = first; k <= last; k++)
        {
            var word = tokens[k].Span(text);
            if (word.Length >= 3 && !IsCommon(word, lexicon) && !lexicon.IsNotName(word))
            {
                found.Add(word.ToString());
            }
        }
    }

    /// <summary>Every other capitalized occurrence of a name part already found is the same person.</summary>
    private void Propagate(ReadOnlySpan<char> text, List<NameToken> tokens, HashSet<string> found, ScanState state)
    {
        var lookup = found.GetAlternateLookup<ReadOnlySpan<char>>();
        foreach (var t in tokens)
        {
            if (t.Upper && lookup.Contains(t.Span(text)))
            {
                state.Add(EntityType.Person, t.Start, t.End, 0.85, Name);
            }
        }
    }

    private static bool IsExcluded(ReadOnlySpan<char> text, NameToken token, NameLexicon lexicon)
    {
        var word = token.Span(text);
        if (lexicon.IsTitle(word))
        {
            return true;
        }

        // Known non-names (eponyms, drugs, departments) block a word, except a real name used as a name:
        // "Dr. Murphy" is a person, "Murphy's sign" is not.
        if (lexicon.IsNotName(word))
        {
            var isName = lexicon.FirstNameCount(word) > 0 || lexicon.SurnameRank(word) > 0;
            var possessive = token.End < text.Length && text[token.End] is '\'' or '\u2019';
            if (!isName || possessive)
            {
                return true;
            }
        }

        // An ALL-CAPS word that is no known name is an acronym or a heading.
        if (token.AllCaps && !token.Initial && lexicon.FirstNameCount(word) == 0 && lexicon.SurnameRank(word) == 0)
        {
            return true;
        }

        return !token.Initial && IsCommon(word, lexicon) && lexicon.FirstNameCount(word) == 0 && lexicon.SurnameRank(word) == 0;
    }

    private static bool IsCommon(ReadOnlySpan<char> word, NameLexicon lexicon)
    {
        var rank = lexicon.CommonWordRank(word);
        return rank > 0 && rank <= 25000;
    }

    /// <summary>The last token of the run of capitalized tokens starting at <paramref name="first"/>: joined by
    /// single spaces (". " after an initial or title), with lower-case particles ("van der") inside.</summary>
    private static int RunEnd(ReadOnlySpan<char> text, List<NameToken> tokens, int first)
    {
        var last = first;
        while (last + 1 < tokens.Count && last - first < MaxRunTokens + 1)
        {
            var current = tokens[last];
            var next = tokens[last + 1];
            var gap = text[current.End..next.Start];
            var joined = gap.SequenceEqual(" ") || (gap.SequenceEqual(". ") && (current.Initial || IsTitleLike(text, current)));
            if (!joined)
            {
                break;
            }

            if (next.Upper)
            {
                last++;
                continue;
            }

            if (IsParticle(next.Span(text)) && last + 2 < tokens.Count && tokens[last + 2].Upper
                && text[next.End..tokens[last + 2].Start].SequenceEqual(" "))
            {
                last += 2;
                continue;
            }

            break;
        }

        return last;
    }

    private static bool IsTitleLike(ReadOnlySpan<char> text, NameToken token) =>
        token.Length <= 4 && NameLexicon.Shared.IsTitle(token.Span(text));

    private static bool IsParticle(ReadOnlySpan<char> word)
    {
        foreach (var p in Particles)
        {
            if (word.SequenceEqual(p))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Words of letters, joined across "-" and "'" inside names (O'Brien, Smith-Jones); a possessive
    /// "'s" is not part of the name.</summary>
    private static List<NameToken> ReadTokens(ReadOnlySpan<char> text)
    {
        var tokens = new List<NameToken>();
        var p = 0;
        while (p < text.Length)
        {
            var c = text[p];
            if (!char.IsLetter(c))
            {
                if (char.IsDigit(c))
                {
                    // A number breaks any run: skip past it.
                    while (p < text.Length && char.IsLetterOrDigit(text[p]))
                    {
                        p++;
                    }

                    continue;
                }

                p++;
                continue;
            }

            var start = p;
            var allCaps = true;
            while (p < text.Length)
            {
                var ch = text[p];
                if (char.IsLetter(ch))
                {
                    allCaps &= char.IsUpper(ch);
                    p++;
                }
                else if (ch is '-' or '\'' or '\u2019' && p + 1 < text.Length && char.IsLetter(text[p + 1])
                    && !(ch != '-' && (text[p + 1] | 0x20) == 's' && (p + 2 >= text.Length || !char.IsLetter(text[p + 2]))))
                {
                    p++;
                }
                else
                {
                    break;
                }
            }

            if (p < text.Length && char.IsDigit(text[p]))
            {
                while (p < text.Length && char.IsLetterOrDigit(text[p]))
                {
                    p++;
                }

                continue;
            }

            var length = p - start;
            var upper = char.IsUpper(text[start]);
            var initial = length == 1 && upper && p < text.Length && text[p] == '.';
            tokens.Add(new NameToken(start, p, upper, upper && allCaps && length > 1, char.IsLower(text[start]), initial));
        }

        return tokens;
    }

    private readonly record struct NameToken(int Start, int End, bool Upper, bool AllCaps, bool Lower, bool Initial)
    {
        public int Length => End - Start;

        public ReadOnlySpan<char> Span(ReadOnlySpan<char> text) => text[Start..End];
    }
}

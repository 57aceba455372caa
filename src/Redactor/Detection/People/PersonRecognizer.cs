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

    // Cues that name a person's role right before the name: the name may be an ordinary word ("son Will").
    private static readonly CueWords StrongCues = new(
        "patient", "pt", "patient name", "name", "spoke with", "spoke to", "talked to", "talked with",
        "cardholder", "card holder", "dear", "signed", "signed by", "electronically signed by", "cc", "attn",
        "attention", "husband", "wife", "son", "daughter", "mother", "father", "mom", "dad", "sister", "brother",
        "spouse", "partner", "friend", "neighbor", "caregiver", "guardian", "referred by", "seen by", "discussed with",
        "accompanied by", "emergency contact", "next of kin", "authorized by", "approved by", "reviewed by",
        "dictated by", "transcribed by", "verified by", "policyholder", "account holder", "grandson", "granddaughter",
        "grandmother", "grandfather", "grandma", "grandpa", "aunt", "uncle", "cousin", "niece", "nephew", "fiance",
        "fiancee", "boyfriend", "girlfriend", "name on card", "cardholder name", "patient name", "insured name",
        "subscriber name", "member name", "guarantor", "prescriber", "provider name", "requested by", "ordered by",
        "my name is", "name is", "this is", "i am", "i m", "it s", "it is", "hi", "hello", "re", "hi there",
        "hello there", "dr", "mr", "mrs", "ms", "miss", "prof", "doctor", "thanks", "thank you", "regards",
        "best regards", "kind regards", "sincerely", "best", "cheers", "contact person", "person", "signature",
        "prescriber", "ordering", "ordering provider", "pcp", "attending", "referring provider", "copy to");

    // Cues that often precede a name but also precede ordinary words ("Member: Um, yeah"): the name must be
    // a known given name or surname that is not an ordinary word.
    private static readonly CueWords WeakCues = new(
        "called", "caller", "customer", "client", "member", "hey", "from", "to", "by", "with", "per",
        "agent", "representative", "rep", "referring", "nurse", "physician", "surgeon", "provider",
        "contact", "insured", "subscriber",
        "beneficiary", "applicant", "resident", "tenant", "coworker", "manager", "supervisor", "technician",
        "therapist", "pharmacist", "dentist", "doctor", "np", "pa", "rn", "md", "lpn", "case manager",
        "social worker", "chaplain", "interpreter", "speaker");

    // Words after a capitalized run that make it an eponym, a facility or an organization, not a person.
    private static readonly HashSet<string> NotPersonFollowers = new(StringComparer.OrdinalIgnoreCase)
    {
        "scale", "score", "syndrome", "disease", "sign", "signs", "test", "tear", "respiration", "respirations",
        "breathing", "maneuver", "manoeuvre", "procedure", "catheter", "tube", "position", "reflex", "criteria",
        "classification", "phenomenon", "triad", "law", "fracture", "operation", "repair", "stain", "solution",
        "hospital", "medical", "center", "centre", "clinic", "clinics", "health", "healthcare", "pharmacy",
        "associates", "group", "partners", "orthopedics", "cardiology", "pediatrics", "oncology", "labs", "lab",
        "laboratory", "laboratories", "imaging", "radiology", "urgent", "care", "institute", "foundation",
        "university", "college", "school", "church", "bank", "credit", "insurance", "inc", "llc", "corp",
        "corporation", "company", "ltd", "services", "systems", "solutions", "market", "mart", "store", "restaurant",
        "cafe", "hotel", "infirmary", "hospice", "rehab", "rehabilitation", "nursing", "home", "homes", "memorial",
        "general", "regional", "community", "county", "city", "valley", "heights", "park", "plaza", "mall",
        "family", "practice", "practices", "skilled", "primary", "pediatric", "dental", "dentistry", "surgical",
        "surgery", "wellness", "behavioral", "physicians", "specialists", "specialty", "diagnostics", "dermatology",
        "neurology", "urology", "gastroenterology", "obstetrics", "gynecology", "podiatry", "chiropractic",
    };

    private static readonly HashSet<string> BusinessWords = new(StringComparer.OrdinalIgnoreCase)
    {
        "hotel", "motel", "inn", "restaurant", "cafe", "café", "bar", "grill", "bistro", "pizzeria", "bakery", "shop",
        "store", "market", "supermarket", "boutique", "salon", "spa", "casino", "resort", "airlines", "airways",
    };

    private static readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> BusinessWordsLookup =
        BusinessWords.GetAlternateLookup<ReadOnlySpan<char>>();

    private static readonly CueWords ChatCues = new(
        "my name is", "name is", "this is", "i'm", "im", "i am", "it's", "its", "call me", "ask for", "spoke to",
        "spoke with", "talked to", "talked with", "name", "hi", "hello", "hey", "thanks", "thank you", "dear", "ask",
        "chatting with", "speaking with", "speaking to", "dr", "doctor", "nurse", "son", "daughter", "wife", "husband",
        "mom", "dad", "grandma", "grandpa", "agent", "hi there", "hello there", "i m", "it s");

    private static readonly CueWords Introductions = new(
        "my name is", "name is", "this is", "i m", "i am", "it s", "hi there", "hello there", "chatting with",
        "speaking with", "you re chatting with");

    private static readonly CueWords Relations = new(
        "wife", "husband", "son", "daughter", "mom", "mother", "dad", "father", "sister", "brother", "grandma",
        "grandpa", "grandmother", "grandfather", "aunt", "uncle", "niece", "nephew", "cousin", "partner",
        "boyfriend", "girlfriend", "fiance", "fiancee", "friend", "neighbor", "caregiver");

    private static readonly CueWords ChatTitles = new("dr", "doctor", "nurse", "mr", "mrs", "ms", "prof");

    private static readonly string[] Particles = ["van", "von", "de", "der", "den", "del", "della", "da", "di", "du", "la", "le", "bin", "ibn", "al", "el", "ter", "ten", "dos", "das", "zu", "y"];

    private static readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> NotPersonFollowersLookup =
        NotPersonFollowers.GetAlternateLookup<ReadOnlySpan<char>>();

    private static readonly HashSet<string> PossessiveNotPersonFollowers = new(StringComparer.OrdinalIgnoreCase)
    {
        "scale", "score", "syndrome", "disease", "sign", "signs", "test", "tear", "maneuver", "procedure", "reflex",
        "criteria", "phenomenon", "triad", "law", "fracture", "operation", "repair", "palsy", "ulcer", "cyst",
        "hospital", "infirmary", "clinic", "hospice", "church", "school", "college", "university", "medical",
        "crossing", "landing", "pediatrics",
    };

    private static readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> PossessiveNotPersonFollowersLookup =
        PossessiveNotPersonFollowers.GetAlternateLookup<ReadOnlySpan<char>>();

    public string Name => "person";

    public void Recognize(ReadOnlySpan<char> text, ScanState state)
    {
        var lexicon = NameLexicon.Shared;
        var firstCandidate = state.Candidates.Count;
        var tokens = state.NameTokens;
        ReadTokens(text, tokens);
        var found = state.NamesFound;
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

            // Lower-case names only right after a chat cue: check the previous word first (one lookup)
            // before walking back, since most words are lower case.
            if (t.Lower && i > 0 && ChatCues.IsLastWord(tokens[i - 1].Span(text)) && Context.CueBefore(text, t.Start, ChatCues, 0, 16))
            {
                EvaluateLowerCase(text, tokens, i, lexicon, state, found);
            }

            i++;
        }

        if (found.Count > 0)
        {
            Propagate(text, tokens, found, state);
        }

        MergeAdjacent(text, state, firstCandidate);
    }

    /// <summary>"Maëlle" + "Bell", "Kathleen" + "dos" + "Santos": names found in pieces next to each other are
    /// one name. Adds the joined span; overlap resolution prefers it to its pieces.</summary>
    private void MergeAdjacent(ReadOnlySpan<char> text, ScanState state, int firstCandidate)
    {
        // Most documents have fewer than two names: no list for them.
        if (state.Candidates.Count - firstCandidate < 2)
        {
            return;
        }

        var people = new List<DetectedEntity>();
        for (var i = firstCandidate; i < state.Candidates.Count; i++)
        {
            if (state.Candidates[i].Type == EntityType.Person)
            {
                people.Add(state.Candidates[i]);
            }
        }

        people.Sort(static (a, b) => a.Start.CompareTo(b.Start));
        for (var i = 0; i + 1 < people.Count; i++)
        {
            var a = people[i];
            var b = people[i + 1];
            if (b.Start <= a.End || b.Start - a.End > 12)
            {
                continue;
            }

            var gap = text[a.End..b.Start];
            if (gap.SequenceEqual(" ") || IsParticleGap(gap))
            {
                state.Add(EntityType.Person, a.Start, b.End, Math.Max(a.Confidence, b.Confidence), Name);
            }
        }
    }

    private static bool IsParticleGap(ReadOnlySpan<char> gap)
    {
        if (gap.Length < 3 || gap[0] != ' ' || gap[^1] != ' ')
        {
            return false;
        }

        foreach (var range in gap[1..^1].Split(' '))
        {
            if (!IsParticle(gap[1..^1][range]))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Judges the run first..last; returns the last token consumed (beyond the run for "Last, First").</summary>
    private int EvaluateRun(ReadOnlySpan<char> text, List<NameToken> tokens, int first, int last, NameLexicon lexicon, ScanState state, HashSet<string> found)
    {
        var t = first;
        var titled = false;
        // Most capitalized runs are sentence starts and headings ("The", "Continue", "ASSESSMENT"): without a
        // single word that could be a name there is nothing to judge, and no cue needs looking up.
        if (!AnyPossibleName(text, tokens, first, last, lexicon))
        {
            return last;
        }

        var strongCue = Context.CueBefore(text, tokens[first].Start, StrongCues, 1, 32);
        var weakCue = !strongCue && Context.CueBefore(text, tokens[first].Start, WeakCues, 1, 32);
        var place = IsAfterSaint(text, tokens[first].Start);
        while (t <= last)
        {
            var word = tokens[t].Span(text);
            if (IsSaint(word))
            {
                place = true;
                t++;
            }
            else if (lexicon.IsTitle(word) && t < last)
            {
                titled = true;
                t++;
            }
            else if (!(t == last && StartsLastCommaFirst(text, tokens, t, lexicon))
                && IsExcluded(text, tokens[t], lexicon, titled || strongCue || StartsTwoWordName(text, tokens, t, last, lexicon)))
            {
                // "HOTEL LE PETIT PARIS", "Cafe Rosa": after a business word the rest of the run is its name.
                if (BusinessWordsLookup.Contains(word))
                {
                    return last;
                }

                strongCue |= StrongCues.EndsAt(text, tokens[t].Start, tokens[t].End);
                weakCue |= WeakCues.EndsAt(text, tokens[t].Start, tokens[t].End);
                titled = false;
                t++;
            }
            else
            {
                break;
            }
        }

        if (t > last || place)
        {
            return last;
        }

        // "VAN BUREN, LINH", "DI STEFANO, PAUL": particles, a surname, a comma, then a given name.
        if (t < last && last - t <= 3 && AllParticles(text, tokens, t, last - 1))
        {
            var particleEnd = TryLastCommaFirst(text, tokens, t, last, lexicon, true, state, found);
            if (particleEnd > 0)
            {
                return particleEnd;
            }
        }

        // "Doe, Jane": a surname, a comma, then a given name.
        if (t == last)
        {
            var commaEnd = TryLastCommaFirst(text, tokens, t, lexicon, strongCue || titled, state, found);
            if (commaEnd > 0)
            {
                return commaEnd;
            }
        }

        var m = t;
        while (m + 1 <= last && m + 1 - t < MaxRunTokens)
        {
            if (IsSaintSurname(text, tokens, m, last, lexicon))
            {
                m += 2;
                continue;
            }

            if (!((!tokens[m + 1].Upper && IsParticle(tokens[m + 1].Span(text)) && HasUpperAfterParticles(tokens, m + 1, last))
                || (tokens[m + 1].Upper
                    && !IsExcluded(text, tokens[m + 1], lexicon, titled || tokens[m].Initial || lexicon.FirstNameCount(tokens[m].Span(text)) >= 200 || IsParticle(tokens[m].Span(text))
                        || (m + 1 == last && IsFollowedByCredential(text, tokens[m + 1].End, lexicon)))
                    && !lexicon.IsSuffix(tokens[m + 1].Span(text))
                    && !(IsOrganizationOrStreetWord(tokens[m + 1].Span(text)) && !IsSurnameAfterGivenName(text, tokens, m, titled, lexicon)))))
            {
                break;
            }

            // Lower-case particles inside the run ("van den") are part of the name when a capitalized word follows.
            m++;
        }

        while (m > t && !tokens[m].Upper)
        {
            m--;
        }

        // "Jacob Morgan, MD", "Gene Page, PA-C": a credential after the run says it is a person.
        var credentialed = IsFollowedByCredential(text, tokens[m].End, lexicon);
        strongCue |= (credentialed && !(m == t && IsFollowedByState(text, tokens[m].End))) || IsFollowedByPersonWord(text, tokens[m].End)
            || IsFollowedByPersonalIdentifier(text, tokens[m].End);

        // "May I have the patient's name?", "Will you call": a modal verb asking a question is no name.
        if (m == t && IsModalQuestion(text, tokens[t]))
        {
            return m < last ? EvaluateRun(text, tokens, m + 1, last, lexicon, state, found) : last;
        }

        // "Braden scale", "Mercy Valley Medical Center", "Kingsley Lane", "Birmingham, AL": not people.
        // ", MD" is both a credential and Maryland: after one word it is a city and its state. A rejected
        // part does not end the run: "Dear Dr. Frost" goes on after "Dear".
        if ((!titled && IsFollowedByNonPersonWord(text, tokens, m, last)) || ((!credentialed || m == t) && IsFollowedByState(text, tokens[m].End)))
        {
            return m < last ? EvaluateRun(text, tokens, m + 1, last, lexicon, state, found) : last;
        }

        var score = Judge(text, tokens, t, m, lexicon, titled, strongCue, weakCue);
        if (score > 0)
        {
            Emit(text, tokens, t, m, score, state, found, lexicon);
        }

        return m < last ? EvaluateRun(text, tokens, m + 1, last, lexicon, state, found) : last;
    }

    private static double Judge(ReadOnlySpan<char> text, List<NameToken> tokens, int t, int m, NameLexicon lexicon, bool titled, bool strongCue, bool weakCue)
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
        var firstSurnameRank = lexicon.SurnameRank(firstWord);
        var nameLike = first.Initial || firstCount > 0 || firstSurnameRank > 0 || !firstCommon
            || (m > t && (lastRank > 0 || !lastCommon));
        if (m == t && (first.Length == 1 || first.AllCaps))
        {
            // A lone letter or ALL-CAPS word is an initial, an acronym or a heading.
            return strongCue && first.Length > 1 && (firstCount > 0 || firstSurnameRank > 0) ? 0.85 : 0;
        }

        if (strongCue)
        {
            return nameLike ? 0.9 : 0;
        }

        if (weakCue && (firstCount >= 200 || firstSurnameRank > 0) && !firstCommon)
        {
            return 0.88;
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
            return strongLast || (surnameLike && !lastCommon) || lastRank is > 0 and <= 20000 ? 0.85 : 0;
        }

        if (strongFirst && surnameLike)
        {
            return 0.92;
        }

        if (weakFirst && strongLast)
        {
            return 0.85;
        }

        // "Grace Yılmaz": an ordinary-word given name before a surname the dictionaries do not know.
        if (weakFirst && lastRank == 0 && !lastCommon && !lastToken.AllCaps && lastWord.Length > 2)
        {
            return 0.8;
        }

        // An unknown given name before a known surname ("Xiomara Kowalski"), never two ordinary words.
        // "Joon-ho Rogers": a frequent surname counts even when it is also a word.
        return !firstCommon && firstCount == 0 && (strongLast || lastRank is > 0 and <= 5000) && !first.AllCaps && !lexicon.IsNotName(firstWord) ? 0.75 : 0;
    }

    /// <summary>Emits "Last, First [I.]" starting at token t; returns its last token index, or -1.</summary>
    private int TryLastCommaFirst(ReadOnlySpan<char> text, List<NameToken> tokens, int t, NameLexicon lexicon, bool supported, ScanState state, HashSet<string> found) =>
        TryLastCommaFirst(text, tokens, t, t, lexicon, supported, state, found);

    /// <summary>Like the overload above, for a surname with particles before it ("VAN BUREN, LINH": the
    /// particles start at <paramref name="surnameFirst"/>, the surname word is token <paramref name="t"/>).</summary>
    private int TryLastCommaFirst(ReadOnlySpan<char> text, List<NameToken> tokens, int surnameFirst, int t, NameLexicon lexicon, bool supported, ScanState state, HashSet<string> found)
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

        // "Virtanen, Seo-yeon  #H8480527", "KÖHLER, TOMÁS (E1034486)": a record number right after a
        // "Last, First" is the header of a chart or a report; even names no dictionary knows are names there.
        var recordHeader = IsFollowedByRecordCode(text, tokens, t + 1) || IsFollowedByPersonalIdentifier(text, given.End);
        supported |= recordHeader;

        // A surname that is also a word ("Doe", "Young") needs support: a cue, a title, or ALL CAPS records.
        var bothCaps = surname.AllCaps && given.AllCaps;
        var surnameWord = surname.Span(text);
        var surnameOk = (lexicon.SurnameRank(surnameWord) > 0 && (supported || bothCaps || !IsCommon(surnameWord, lexicon)))
            || (recordHeader && !IsCommon(surnameWord, lexicon) && !lexicon.IsNotName(surnameWord) && surnameWord.Length > 1);

        // "Ngata, Robert": a surname the Census does not know, before a well-known given name.
        var givenWord = given.Span(text);
        if (!surnameOk && !IsCommon(surnameWord, lexicon) && !lexicon.IsNotName(surnameWord) && surnameWord.Length > 2
            && lexicon.FirstNameCount(givenWord) >= StrongFirstNameCount && !IsCommon(givenWord, lexicon) && !lexicon.IsNotName(givenWord))
        {
            surnameOk = true;
        }
        var givenCount = lexicon.FirstNameCount(given.Span(text));
        var givenUnknownButNameLike = givenCount == 0 && (bothCaps || supported) && !IsCommon(given.Span(text), lexicon)
            && !lexicon.IsNotName(given.Span(text)) && given.Length > 2 && !lexicon.IsSuffix(given.Span(text));
        if (given.Length == 2 && given.AllCaps)
        {
            return -1; // "Birmingham, AL"
        }

        if (!(surnameOk && (givenCount > 0 || givenUnknownButNameLike) && (supported || bothCaps || !IsCommon(given.Span(text), lexicon))))
        {
            return -1;
        }

        // "Dr. Gupta, Will County Rehabilitation": the word after the comma starts a facility name.
        if (t + 2 < tokens.Count && text[given.End..tokens[t + 2].Start].SequenceEqual(" ") && tokens[t + 2].Upper
            && (NotPersonFollowersLookup.Contains(tokens[t + 2].Span(text)) || IsCommon(tokens[t + 2].Span(text), lexicon)))
        {
            return -1;
        }

        var end = t + 1;

        // "Stewart, Xiu Ying": a second given name.
        if (end + 1 < tokens.Count && text[tokens[end].End..tokens[end + 1].Start].SequenceEqual(" ") && tokens[end + 1].Upper && !tokens[end + 1].Initial)
        {
            var second = tokens[end + 1].Span(text);
            if ((lexicon.FirstNameCount(second) > 0 || !IsCommon(second, lexicon)) && !lexicon.IsNotName(second) && !lexicon.IsSuffix(second)
                && !NotPersonFollowersLookup.Contains(second) && !(tokens[end + 1].AllCaps != given.AllCaps))
            {
                end++;
            }
        }

        if (end + 1 < tokens.Count && tokens[end + 1].Initial && text[tokens[end].End..tokens[end + 1].Start].SequenceEqual(" "))
        {
            end++;
        }

        Emit(text, tokens, surnameFirst, end, 0.9, state, found, lexicon);
        return end;
    }

    private void EvaluateLowerCase(ReadOnlySpan<char> text, List<NameToken> tokens, int i, NameLexicon lexicon, ScanState state, HashSet<string> found)
    {
        var word = tokens[i].Span(text);
        var count = lexicon.FirstNameCount(word);
        var afterTitle = Context.CueBefore(text, tokens[i].Start, ChatTitles, 0, 8);
        var stopword = lexicon.CommonWordRank(word) is > 0 and < 150;
        if (afterTitle && (lexicon.SurnameRank(word) > 0 || count > 0) && word.Length > 2 && !stopword)
        {
            // "my dr is dr fox": after a title even an ordinary word is the name.
            Emit(text, tokens, i, i, 0.8, state, found, lexicon);
            return;
        }

        // After "my name is", "this is", "hi there," or "chatting with" a lower-case word that is no ordinary
        // word is the name, even one the dictionaries do not know ("kofi", "sione").
        var introduced = Context.CueBefore(text, tokens[i].Start, Introductions, 0, 24);
        // ("my son will call" stays a verb: the most frequent words are never taken for names here.)
        if (count >= 200 && lexicon.CommonWordRank(word) is 0 or >= 300 && Context.CueBefore(text, tokens[i].Start, Relations, 0, 16))
        {
            // "my wife grace": after a relation word a given name is a name even when it is also a word.
            Emit(text, tokens, i, i, 0.8, state, found, lexicon);
            return;
        }

        // "Hi there, chase here.", "this is will.": a given name that closes the introduction is the name, even
        // when it is also a word.
        if (introduced && count >= 200 && !stopword && ClosesIntroduction(text, tokens[i].End))
        {
            Emit(text, tokens, i, i, 0.8, state, found, lexicon);
            return;
        }

        var ordinary = IsCommon(word, lexicon) && lexicon.CommonWordRank(word) < 20000;
        if (lexicon.IsNotName(word) || ordinary || (count < StrongFirstNameCount && !(introduced && word.Length >= 3)))
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
        // "ter Horst, Quang", "van der Berg": lower-case particles right before the name belong to it.
        while (first > 0 && !tokens[first - 1].Upper && IsParticle(tokens[first - 1].Span(text))
            && text[tokens[first - 1].End..tokens[first].Start].SequenceEqual(" ") && IsNameStartContext(text, tokens[first - 1].Start))
        {
            first--;
        }

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

    private static bool IsExcluded(ReadOnlySpan<char> text, NameToken token, NameLexicon lexicon, bool titled)
    {
        var word = token.Span(text);
        if (lexicon.IsTitle(word) || IsSaint(word))
        {
            return true;
        }

        // Credentials ("MD", "RN") and pronouns ("He", "She") are never part of a name.
        if ((token.AllCaps && lexicon.IsSuffix(word)) || (IsPronoun(word) && !token.Initial))
        {
            return true;
        }

        var isName = lexicon.FirstNameCount(word) > 0 || lexicon.SurnameRank(word) > 0;

        // Known non-names (eponyms, drugs, departments, months) block a word; after a title a real name
        // is a name again: "Dr. Murphy" is a person, "Murphy's sign" is not.
        if (lexicon.IsNotName(word))
        {
            var possessive = token.End < text.Length && text[token.End] is '\'' or '\u2019';
            return !(titled && isName && !possessive);
        }

        // An ALL-CAPS word that is no known name is an acronym or a heading.
        if (token.AllCaps && !token.Initial && !isName)
        {
            return true;
        }

        return !token.Initial && IsCommon(word, lexicon) && !isName;
    }

    /// <summary>A known given name (even one that is also a month, a state or an eponym: "Virginia",
    /// "June") followed in the run by a surname that is not an ordinary word: "Virginia Papadopoulos".</summary>
    private static bool StartsTwoWordName(ReadOnlySpan<char> text, List<NameToken> tokens, int t, int last, NameLexicon lexicon)
    {
        if (t >= last || lexicon.FirstNameCount(tokens[t].Span(text)) < 200)
        {
            return false;
        }

        var next = tokens[t + 1].Span(text);
        return tokens[t + 1].Upper && next.Length >= 2 && !lexicon.IsNotName(next) && !IsCommon(next, lexicon) && !tokens[t + 1].AllCaps && !NotPersonFollowersLookup.Contains(next)
            && !lexicon.IsTitle(next) && !StrongCues.EndsAt(text, tokens[t].Start, tokens[t].End) && !WeakCues.EndsAt(text, tokens[t].Start, tokens[t].End);
    }

    /// <summary>A record code after the given name, or after a second given name or an initial.</summary>
    private static bool IsFollowedByRecordCode(ReadOnlySpan<char> text, List<NameToken> tokens, int given)
    {
        if (Identifiers.RecordCode.TryRead(text, tokens[given].End, out _, out _))
        {
            return true;
        }

        var next = given + 1;
        return next < tokens.Count && tokens[next].Upper && text[tokens[given].End..tokens[next].Start].SequenceEqual(" ")
            && Identifiers.RecordCode.TryRead(text, tokens[next].End + (tokens[next].Initial ? 1 : 0), out _, out _);
    }

    /// <summary>"ELLISON, ERIC": a surname that is also an eponym is a surname before ", " and a given name.</summary>
    private static bool StartsLastCommaFirst(ReadOnlySpan<char> text, List<NameToken> tokens, int t, NameLexicon lexicon)
    {
        if (t + 1 >= tokens.Count || !text[tokens[t].End..tokens[t + 1].Start].SequenceEqual(", ") || !tokens[t + 1].Upper)
        {
            return false;
        }

        // "ADEYEMI, ZOË": a surname the Census does not know (no ordinary word) before a well-known given name;
        // "OKAFOR-WILLIAMS, LAYLA (RP773438)": any surname that is no ordinary word in a record header.
        var surname = tokens[t].Span(text);
        var given = tokens[t + 1].Span(text);
        if (!IsCommon(surname, lexicon) && !lexicon.IsNotName(surname)
            && (IsFollowedByRecordCode(text, tokens, t + 1) || IsFollowedByPersonalIdentifier(text, tokens[t + 1].End)))
        {
            return true;
        }

        var threshold = lexicon.SurnameRank(surname) > 0 ? 200
            : IsCommon(surname, lexicon) || lexicon.IsNotName(surname) || surname.Length <= 2 ? int.MaxValue : StrongFirstNameCount;
        return lexicon.FirstNameCount(given) >= threshold && !lexicon.IsNotName(given) && !IsCommon(given, lexicon);
    }

    /// <summary>"Nikos St. John", "Jocelyn St. Clair": after a given name, "St." and a name form the surname
    /// (not a street: no house number before the run, and the word after "St." is a name, not an ordinary word).</summary>
    private static bool IsSaintSurname(ReadOnlySpan<char> text, List<NameToken> tokens, int m, int last, NameLexicon lexicon)
    {
        if (m + 2 > last || !tokens[m + 1].Span(text).Equals("St", StringComparison.OrdinalIgnoreCase) || !tokens[m + 2].Upper
            || lexicon.FirstNameCount(tokens[m].Span(text)) < 200)
        {
            return false;
        }

        var after = tokens[m + 2].Span(text);
        var before = tokens[m].Start - 1;
        while (before >= 0 && text[before] == ' ')
        {
            before--;
        }

        return (lexicon.SurnameRank(after) > 0 || lexicon.FirstNameCount(after) > 0) && !IsCommon(after, lexicon)
            && !(before >= 0 && char.IsDigit(text[before]));
    }

    private static bool IsSaint(ReadOnlySpan<char> word) =>
        word.Equals("st", StringComparison.OrdinalIgnoreCase) || word.Equals("saint", StringComparison.OrdinalIgnoreCase)
        || word.Equals("ste", StringComparison.OrdinalIgnoreCase) || word.Equals("san", StringComparison.OrdinalIgnoreCase)
        || word.Equals("santa", StringComparison.OrdinalIgnoreCase) || word.Equals("mount", StringComparison.OrdinalIgnoreCase)
        || word.Equals("mt", StringComparison.OrdinalIgnoreCase) || word.Equals("lake", StringComparison.OrdinalIgnoreCase)
        || word.Equals("port", StringComparison.OrdinalIgnoreCase) || word.Equals("fort", StringComparison.OrdinalIgnoreCase);

    /// <summary>"St. Brigid's", "San José": a saint's or place prefix right before the run.</summary>
    private static bool IsAfterSaint(ReadOnlySpan<char> text, int start)
    {
        var p = start;
        while (p > 0 && text[p - 1] is ' ' or '.' && start - p < 2)
        {
            p--;
        }

        var wordStart = CueWords.WordStartBefore(text, p);
        return wordStart < p && IsSaint(text[wordStart..p]);
    }

    private static bool IsFollowedByNonPersonWord(ReadOnlySpan<char> text, List<NameToken> tokens, int m, int last)
    {
        var end = tokens[m].End;
        var p = end;
        var possessive = false;
        if (p + 1 < text.Length && text[p] is '\'' or '\u2019')
        {
            p += (text[p + 1] | 0x20) == 's' ? 2 : 1;
            possessive = true;
        }

        while (p < text.Length && text[p] is ' ' or '-')
        {
            p++;
        }

        if (p >= text.Length || !char.IsLetter(text[p]))
        {
            return false;
        }

        var next = CueWords.WordEndAfter(text, p);
        var word = text[p..next];

        // "Maria Garcia's insurance" is a person's; "Graves' disease" and "St. Brigid's Infirmary" are not.
        return possessive
            ? PossessiveNotPersonFollowersLookup.Contains(word)
            : NotPersonFollowersLookup.Contains(word) || Addresses.AddressWords.Suffix.Contains(word);
    }

    /// <summary>", MD", ", RN", " MD", ", PA-C", ", DO": a credential or name suffix after the name.</summary>
    private static bool IsFollowedByCredential(ReadOnlySpan<char> text, int end, NameLexicon lexicon)
    {
        var p = end;
        if (p < text.Length && text[p] == ',')
        {
            p++;
        }

        if (p >= text.Length || text[p] != ' ')
        {
            return false;
        }

        p++;
        var wordEnd = p;
        while (wordEnd < text.Length && (char.IsAsciiLetter(text[wordEnd]) || text[wordEnd] is '.' or '-' or '('))
        {
            wordEnd++;
        }

        if (wordEnd == p || !char.IsAsciiLetterUpper(text[p]))
        {
            return false;
        }

        Span<char> compact = stackalloc char[Math.Min(16, wordEnd - p)];
        var n = 0;
        foreach (var c in text[p..wordEnd])
        {
            if ((char.IsAsciiLetter(c) || c == '-') && n < compact.Length)
            {
                compact[n++] = c;
            }
            else if (c == '(')
            {
                break;
            }
        }

        var word = compact[..n];
        return n >= 2 && lexicon.IsSuffix(word) && !IsHonorific(word)
            && !word.Equals("jr", StringComparison.OrdinalIgnoreCase) && !word.Equals("sr", StringComparison.OrdinalIgnoreCase);
    }

    private static bool AnyPossibleName(ReadOnlySpan<char> text, List<NameToken> tokens, int first, int last, NameLexicon lexicon)
    {
        for (var k = first; k <= last; k++)
        {
            var word = tokens[k].Span(text);
            if (tokens[k].Initial || lexicon.FirstNameCount(word) > 0 || lexicon.SurnameRank(word) > 0 || (!IsCommon(word, lexicon) && !tokens[k].AllCaps))
            {
                return true;
            }
        }

        return StartsLastCommaFirst(text, tokens, last, lexicon);
    }

    /// <summary>"Sara Church", "Ms. Emily Park": a common surname that is also an organization or street
    /// word is a surname right after a given name (or after a title).</summary>
    private static bool IsSurnameAfterGivenName(ReadOnlySpan<char> text, List<NameToken> tokens, int m, bool titled, NameLexicon lexicon)
    {
        var rank = lexicon.SurnameRank(tokens[m + 1].Span(text));
        return rank > 0 && (titled || (rank <= 2000 && (tokens[m].Initial || lexicon.FirstNameCount(tokens[m].Span(text)) >= 200))
            || (tokens[m].Upper && !tokens[m].AllCaps && IsFollowedByCredential(text, tokens[m + 1].End, lexicon)));
    }

    private static bool IsOrganizationOrStreetWord(ReadOnlySpan<char> word) =>
        NotPersonFollowersLookup.Contains(word) || Addresses.AddressWords.Suffix.Contains(word);

    private static bool IsPronoun(ReadOnlySpan<char> word)
    {
        foreach (var h in (ReadOnlySpan<string>)["he", "she", "his", "her", "him", "hers", "they", "them", "we", "you", "it", "its", "our", "your", "i"])
        {
            if (word.Equals(h, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    // "Reza's chart", "Reza's wife": what follows a possessive says it is a person's.
    private static readonly HashSet<string> PersonFollowers = new(StringComparer.OrdinalIgnoreCase)
    {
        "chart", "record", "records", "results", "labs", "medications", "meds", "appointment", "mother", "father",
        "wife", "husband", "son", "daughter", "sister", "brother", "mom", "dad", "spouse", "partner", "caregiver",
        "insurance", "account", "card", "phone", "email", "address", "birthday", "condition", "symptoms",
        "surgery", "discharge", "admission", "family",
    };

    private static readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> PersonFollowersLookup = PersonFollowers.GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>"Reza's chart", "Joaquín speaking.", "sione here.": words after a name that only follow people.</summary>
    /// <summary>"Hope Brown &lt;brown.hope44@…&gt;", "Dawn Strong, MRN 00999480", "Chloé al-Rashid (chlo.a6@…)": an
    /// email address or a record label right after the run belongs to a person.</summary>
    private static bool IsFollowedByPersonalIdentifier(ReadOnlySpan<char> text, int end)
    {
        var p = end;
        if (p < text.Length && text[p] == ',')
        {
            p++;
        }

        while (p < text.Length && p - end < 3 && text[p] == ' ')
        {
            p++;
        }

        if (p < text.Length && text[p] is '<' or '(')
        {
            var at = text[(p + 1)..Math.Min(text.Length, p + 66)].IndexOfAny('@', ' ', '\n');
            if (at > 0 && text[p + 1 + at] == '@')
            {
                return true;
            }

            p++;
        }

        if (p == end)
        {
            return false;
        }

        var wordEnd = CueWords.WordEndAfter(text, p);
        var word = text[p..wordEnd];
        return word.Equals("MRN", StringComparison.Ordinal) || word.Equals("DOB", StringComparison.Ordinal)
            || (word.Equals("MR", StringComparison.Ordinal) && wordEnd < text.Length && text[wordEnd] == '#');
    }

    private static bool ClosesIntroduction(ReadOnlySpan<char> text, int end)
    {
        if (end >= text.Length || text[end] is '.' or '!' or ',' or '\n')
        {
            return true;
        }

        return text[end..].StartsWith(" here", StringComparison.Ordinal)
            && (end + 5 >= text.Length || !char.IsLetter(text[end + 5]));
    }

    private static bool IsModalQuestion(ReadOnlySpan<char> text, NameToken token)
    {
        var word = token.Span(text);
        var modal = false;
        foreach (var m in (ReadOnlySpan<string>)["may", "will", "can", "shall", "should", "would", "could", "might", "must"])
        {
            modal |= word.Equals(m, StringComparison.OrdinalIgnoreCase);
        }

        if (!modal || token.End + 1 >= text.Length || text[token.End] != ' ')
        {
            return false;
        }

        var wordEnd = CueWords.WordEndAfter(text, token.End + 1);
        var next = text[(token.End + 1)..wordEnd];
        foreach (var pronoun in (ReadOnlySpan<string>)["i", "we", "you", "he", "she", "they", "it"])
        {
            if (next.Equals(pronoun, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsFollowedByPersonWord(ReadOnlySpan<char> text, int end)
    {
        var p = end;
        if (p + 2 < text.Length && text[p] is '\'' or '\u2019' && (text[p + 1] | 0x20) == 's' && text[p + 2] == ' ')
        {
            var wordEnd = CueWords.WordEndAfter(text, p + 3);
            return PersonFollowersLookup.Contains(text[(p + 3)..wordEnd]);
        }

        if (p + 1 < text.Length && text[p] == ' ')
        {
            var wordEnd = CueWords.WordEndAfter(text, p + 1);
            var word = text[(p + 1)..wordEnd];
            var closes = wordEnd >= text.Length || text[wordEnd] is '.' or ',' or '!' or '\n';
            return closes && (word.Equals("speaking", StringComparison.OrdinalIgnoreCase) || word.Equals("here", StringComparison.OrdinalIgnoreCase));
        }

        return false;
    }

    private static bool IsHonorific(ReadOnlySpan<char> word)
    {
        foreach (var h in (ReadOnlySpan<string>)["mr", "mrs", "ms", "miss", "mx", "dr", "prof", "sir"])
        {
            if (word.Equals(h, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsFollowedByState(ReadOnlySpan<char> text, int end) =>
        end + 4 <= text.Length && text[end] == ',' && text[end + 1] == ' '
        && Addresses.AddressWords.StateAbbreviation.Contains(text.Slice(end + 2, 2))
        && (end + 4 == text.Length || text[end + 4] is ' ' or '\n' or '\r' or ',' or '.' or ')');

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
            var joined = gap.SequenceEqual(" ") || (gap.SequenceEqual(". ") && (current.Initial || IsTitleLike(text, current) || (last > first && IsSaint(current.Span(text)))));
            if (!joined)
            {
                break;
            }

            if (next.Upper)
            {
                last++;
                continue;
            }

            // Lower-case particles inside a name: "van der Berg", "de la Cruz", "dos Santos".
            var after = last + 1;
            while (after < tokens.Count && after - last <= 3 && !tokens[after].Upper && IsParticle(tokens[after].Span(text))
                && after + 1 < tokens.Count && text[tokens[after].End..tokens[after + 1].Start].SequenceEqual(" "))
            {
                after++;
            }

            if (after > last + 1 && after < tokens.Count && tokens[after].Upper)
            {
                last = after;
                continue;
            }

            break;
        }

        return last;
    }

    private static bool IsTitleLike(ReadOnlySpan<char> text, NameToken token) =>
        token.Length <= 4 && NameLexicon.Shared.IsTitle(token.Span(text));

    /// <summary>A particle starts a name only at a line start or after punctuation or a label ("Name: ter
    /// Horst", "  ter Horst, Quang"), not mid-sentence ("the house of van …" is rare enough to ignore).</summary>
    private static bool IsNameStartContext(ReadOnlySpan<char> text, int particleStart)
    {
        var p = particleStart;
        while (p > 0 && text[p - 1] == ' ')
        {
            p--;
        }

        return p == 0 || !char.IsLetter(text[p - 1]) || particleStart - p >= 2 || char.IsUpper(text[p - 1]);
    }

    private static bool HasUpperAfterParticles(List<NameToken> tokens, int from, int last)
    {
        for (var k = from; k <= last; k++)
        {
            if (tokens[k].Upper)
            {
                return true;
            }
        }

        return false;
    }

    private static bool AllParticles(ReadOnlySpan<char> text, List<NameToken> tokens, int first, int last)
    {
        for (var k = first; k <= last; k++)
        {
            if (!IsParticle(tokens[k].Span(text)))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsParticle(ReadOnlySpan<char> word)
    {
        foreach (var p in Particles)
        {
            if (word.Equals(p, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Words of letters, joined across "-" and "'" inside names (O'Brien, Smith-Jones); a possessive
    /// "'s" is not part of the name.</summary>
    private static void ReadTokens(ReadOnlySpan<char> text, List<NameToken> tokens)
    {
        tokens.Clear();
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
                    && !(ch != '-' && IsContraction(text, p + 1)))
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
            var upper = char.IsUpper(text[start]) || IsParticleLed(text[start..p]);
            var initial = length == 1 && upper && p < text.Length && text[p] == '.';
            tokens.Add(new NameToken(start, p, upper, upper && allCaps && length > 1, char.IsLower(text[start]), initial));
        }
    }

    /// <summary>"al-Rashid", "el-Amin", "d'Angelo": a lower-case particle joined to a capitalized surname.</summary>
    private static bool IsParticleLed(ReadOnlySpan<char> word)
    {
        var joint = word.IndexOfAny('-', '\'', '\u2019');
        if (joint is < 1 or > 3 || joint + 1 >= word.Length || !char.IsUpper(word[joint + 1]))
        {
            return false;
        }

        var prefix = word[..joint];
        foreach (var p in (ReadOnlySpan<string>)["al", "el", "ad", "ed", "as", "ash", "at", "az", "ibn", "bin", "abu", "bint", "d", "l"])
        {
            if (prefix.Equals(p, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>"'s", "'m", "'re", "'ve", "'ll", "'d", "'t" end a word; "O'Brien" and "D'Angelo" go on.</summary>
    private static bool IsContraction(ReadOnlySpan<char> text, int p)
    {
        var end = p;
        while (end < text.Length && char.IsLetter(text[end]) && end - p < 3)
        {
            end++;
        }

        if (end < text.Length && char.IsLetter(text[end]))
        {
            return false;
        }

        var tail = text[p..end];
        foreach (var c in (ReadOnlySpan<string>)["s", "m", "re", "ve", "ll", "d", "t"])
        {
            if (tail.Equals(c, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    internal readonly record struct NameToken(int Start, int End, bool Upper, bool AllCaps, bool Lower, bool Initial)
    {
        public int Length => End - Start;

        public ReadOnlySpan<char> Span(ReadOnlySpan<char> text) => text[Start..End];
    }
}

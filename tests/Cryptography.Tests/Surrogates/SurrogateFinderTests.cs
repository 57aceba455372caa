using System.Text;
using PrivateInference.Cryptography.Surrogates;

namespace PrivateInference.Cryptography.Tests.Surrogates;

/// <summary>The surrogate candidate finder: real surrogates are found exactly, ordinary text is not sent, and a text cut
/// into pieces gives the candidates of the whole text. Failures name cases by index, never print a surrogate.</summary>
public sealed class SurrogateFinderTests
{
    private static readonly byte[] Key = Hex.Bytes("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");

    private static readonly string[] Before = ["", "SSN ", "see ", "(", "call ", "id:", "x\n", "é ", "“", "[", "\t"];
    private static readonly string[] After = ["", ".", ", ", ")", " today", "-", "- ", "!", ";", "\n", "”", "?"];

    public static IEnumerable<TestCaseData> Found()
    {
        yield return new TestCaseData("SSN 837-26-1234.", "837-26-1234", SurrogateKind.Digits).SetName("A_full_stop_after_a_digit_surrogate_stays_outside");
        yield return new TestCaseData("ref 837-26-1234- done", "837-26-1234", SurrogateKind.Digits).SetName("A_trailing_dash_stays_outside");
        yield return new TestCaseData("Call (555) 836-2231 now", "(555) 836-2231", SurrogateKind.Digits).SetName("A_phone_keeps_its_parenthesized_area_code");
        yield return new TestCaseData("Call (555)836-2231 now", "(555)836-2231", SurrogateKind.Digits).SetName("A_phone_without_a_space_after_the_parenthesis");
        yield return new TestCaseData("Call +1 555 836 2231.", "+1 555 836 2231", SurrogateKind.Digits).SetName("A_leading_plus_belongs_to_the_number");
        yield return new TestCaseData("MRN (83726154) seen", "83726154", SurrogateKind.Digits).SetName("Parentheses_around_a_whole_number_stay_outside");
        yield return new TestCaseData("MRN A1234567 seen", "1234567", SurrogateKind.Digits).SetName("Digits_glued_to_letters_are_their_own_run");
        yield return new TestCaseData("1234567 89 units", "1234567 89", SurrogateKind.Digits).SetName("A_run_is_taken_whole_never_in_parts");
        yield return new TestCaseData("acct 12/34/5678/9012", "12/34/5678/9012", SurrogateKind.Digits).SetName("Slashes_join_groups_that_are_no_date");
        yield return new TestCaseData("Emily R. Garcia called", "Emily R. Garcia", SurrogateKind.Name).SetName("A_name_with_a_middle_initial");
        yield return new TestCaseData("per Garcia, Emily.", "Garcia, Emily", SurrogateKind.Name).SetName("A_surname_comma_given_name");
        yield return new TestCaseData("Ms. Garcia said", "Garcia", SurrogateKind.Name).SetName("A_single_list_name");
        yield return new TestCaseData("at 4821 Maple Ave, Salem, VA today", "4821 Maple Ave, Salem, VA", SurrogateKind.Address).SetName("An_address_with_city_and_state");
        yield return new TestCaseData("at 4821 Maple Ave.", "4821 Maple Ave", SurrogateKind.Address).SetName("An_address_before_a_full_stop");
    }

    [TestCaseSource(nameof(Found))]
    public void Finds_the_candidate_exactly(string text, string expected, SurrogateKind kind)
    {
        var found = SurrogateFinder.Find(text);

        Assert.That(found.Select(c => (text.Substring(c.Start, c.Length), c.Kind)), Does.Contain((expected, kind)));
    }

    public static IEnumerable<TestCaseData> Ordinary()
    {
        yield return new TestCaseData("Give 500 mg twice daily, 2.5 mL at 10:30.").SetName("Doses_and_times_are_not_candidates");
        yield return new TestCaseData("In 2024 she was 45; room 12345, ext. 4411.").SetName("Years_and_short_numbers_are_not_candidates");
        yield return new TestCaseData("Seen 03/14/2024, again 2024-03-14 and 14.03.2024, due 04/2025.").SetName("Calendar_dates_are_not_candidates");
        yield return new TestCaseData("Paid $1,234,567.00 in total.").SetName("Amounts_with_thousands_commas_are_not_candidates");
        yield return new TestCaseData("Card 4111 1111 1111 1111 on file.").SetName("A_Luhn_valid_card_number_is_not_sent");
        yield return new TestCaseData("Card 4111-1111-1111-1111, 5555555555554444 and 378282246310005.").SetName("Luhn_valid_card_numbers_in_any_layout_are_not_sent");
        yield return new TestCaseData("The patient reported mild pain after the walk.").SetName("Prose_is_not_a_candidate");
        yield return new TestCaseData("Full-width １２３４５６７ and mixed ١٢٣456789 digits.").SetName("Runs_next_to_other_numeric_characters_are_not_candidates");
        yield return new TestCaseData(new string('7', 65)).SetName("More_than_64_digits_are_not_a_candidate");
    }

    [TestCaseSource(nameof(Ordinary))]
    public void Finds_nothing_in_ordinary_text(string text)
    {
        Assert.That(SurrogateFinder.Find(text), Is.Empty);
    }

    [Test]
    public void Pan_surrogates_of_every_length_and_layout_are_found_as_pan_candidates_in_context()
    {
        using var key = SecretKey.Copy(Key);
        var misses = 0;
        for (var i = 0; i < 400; i++)
        {
            var length = 12 + (i % 8);
            var surrogate = PanSurrogate.Encrypt(key, "acme\0PAN"u8, WithLayout(ValidPan(length, i), i));
            misses += FoundExactly(Embed(surrogate, i), surrogate, SurrogateKind.Pan) ? 0 : 1;
        }

        Assert.That(misses, Is.Zero);
    }

    [Test]
    public void Digit_surrogates_of_6_to_64_digits_are_found_in_context()
    {
        using var key = SecretKey.Copy(Key);
        var misses = new List<int>();
        for (var i = 0; i < 600; i++)
        {
            var length = 6 + (i % 59);
            var value = WithLayout(Seeded.Digits("finder-digits", i, length), i);
            var surrogate = DigitSurrogate.Encrypt(key, "acme\0MRN"u8, value);
            if (PanSurrogate.CanEncrypt(surrogate))
            {
                // A Luhn-valid card layout is deliberately not a candidate (tested above). No layout here reads as a date.
                continue;
            }

            var kind = PanSurrogate.IsSurrogate(surrogate) ? SurrogateKind.Pan : SurrogateKind.Digits;
            if (!FoundExactly(Embed(surrogate, i), surrogate, kind))
            {
                misses.Add(i);
            }
        }

        Assert.That(misses, Is.Empty, "case indexes");
    }

    [Test]
    public void Person_and_address_surrogates_are_found_in_context()
    {
        using var key = SecretKey.Copy(Key);
        string[] people = ["", "John Smith", "John Q. Public", "Smith, John", "Smith", "Jennifer", "JOHN SMITH", "john smith"];
        string[] addresses = ["", "123 Main Street, Apt 4B, Springfield, IL", "Yonkers, NY", "1307 JUNIPER BLVD", "12 Elm St"];
        var misses = new List<int>();
        for (var i = 0; i < 300; i++)
        {
            var tokenId = TokenId.New();
            var person = ListSurrogate.Person(key, "acme\0PERSON"u8, tokenId, 0, people[i % people.Length]);
            var address = ListSurrogate.Address(key, "acme\0ADDRESS"u8, tokenId, 0, addresses[i % addresses.Length]);
            if (!FoundExactly(Embed(person, i), person, SurrogateKind.Name) || !FoundExactly(Embed(address, i), address, SurrogateKind.Address))
            {
                misses.Add(i);
            }
        }

        Assert.That(misses, Is.Empty, "case indexes");
    }

    [Test]
    public void Name_and_address_candidates_are_those_list_surrogate_finds()
    {
        var random = new Mix(7);
        string[] words = ["Emily", "Garcia", "R.", "Maple", "Ave", "Avenue", "Salem", "VA", "the", "said", "José", "4821", "12", ",", ", ", " ", ". ", "\n", "EMILY", "garcia", "Dr."];
        var differing = new List<int>();
        for (var run = 0; run < 3000; run++)
        {
            var text = new StringBuilder();
            for (var k = random.Next(1, 14); k > 0; k--)
            {
                text.Append(words[random.Next(words.Length)]).Append(random.Next(3) == 0 ? string.Empty : " ");
            }

            var s = text.ToString();
            var ours = SurrogateFinder.Find(s).Where(c => c.Kind is SurrogateKind.Name or SurrogateKind.Address).Select(c => (c.Start, c.Length));
            if (!ours.SequenceEqual(ListSurrogate.FindCandidates(s, includeSingleNames: true)))
            {
                differing.Add(run);
            }
        }

        Assert.That(differing, Is.Empty, "runs");
    }

    [Test]
    public void Any_chunking_gives_the_candidates_of_the_whole_text_and_holds_back_little()
    {
        using var key = SecretKey.Copy(Key);
        var random = new Mix(11);
        var failures = new List<int>();
        var maxHeld = 0;
        for (var run = 0; run < 1500; run++)
        {
            var text = RandomText(key, random);
            var whole = SurrogateFinder.Find(text);
            var pieces = new List<SurrogateCandidate>();
            var context = string.Empty;
            var pending = string.Empty;
            var emitted = 0;
            for (var at = 0; at <= text.Length;)
            {
                var size = Math.Min(text.Length - at, random.Next(3) == 0 ? 1 : random.Next(1, 20));
                pending += text.Substring(at, size);
                at += size;
                var final = at == text.Length;
                var found = new List<SurrogateCandidate>();
                var view = context + pending;
                var end = SurrogateFinder.Scan(view, context.Length, final, found) - context.Length;
                pieces.AddRange(found.Select(c => c with { Start = c.Start - context.Length + emitted }));
                emitted += end;
                var decided = view[..(context.Length + end)];
                context = decided.Length > SurrogateFinder.Lookback ? decided[^SurrogateFinder.Lookback..] : decided;
                pending = pending[end..];
                maxHeld = Math.Max(maxHeld, pending.Length);
                if (final)
                {
                    break;
                }
            }

            if (!pieces.SequenceEqual(whole) || pending.Length != 0)
            {
                failures.Add(run);
            }
        }

        Assert.That(failures, Is.Empty, "runs");
        Assert.That(maxHeld, Is.LessThanOrEqualTo(SurrogateFinder.MaxHeldBack));
    }

    [Test]
    public void A_64_digit_run_with_separators_is_held_back_whole_and_then_decided()
    {
        var run = "(" + string.Join(" ", Enumerable.Range(0, 64).Select(i => (char)('0' + (i * 7 % 10)))).Insert(1, ")");
        var found = new List<SurrogateCandidate>();

        var undecided = SurrogateFinder.Scan(run + "-", 0, final: false, found);
        var decided = SurrogateFinder.Scan(run + "-;", 0, final: false, found);

        Assert.That(run.Length + 1, Is.EqualTo(SurrogateFinder.MaxHeldBack));
        Assert.That(undecided, Is.Zero);
        Assert.That(decided, Is.EqualTo(run.Length + 2));
        Assert.That(found.Select(c => (c.Start, c.Length)), Is.EqualTo(new[] { (0, run.Length) }));
    }

    [Test]
    public void List_words_fit_the_finders_word_bound()
    {
        var lists = SurrogateLists.Shared;
        var longest = lists.GivenNames.Concat(lists.Surnames).Concat(lists.Streets).Concat(lists.Cities).Concat(lists.SuffixFull).Concat(lists.States).Max(w => w.Length);

        Assert.That(longest, Is.LessThanOrEqualTo(SurrogateFinder.MaxListWord));
    }

    private static bool FoundExactly(string text, string surrogate, SurrogateKind kind)
    {
        var start = text.IndexOf(surrogate, StringComparison.Ordinal);
        return SurrogateFinder.Find(text).Contains(new SurrogateCandidate(start, surrogate.Length, kind));
    }

    private static string Embed(string surrogate, int i) => Before[i % Before.Length] + surrogate + After[(i / 3) % After.Length];

    /// <summary>Digits laid out as values are written: plain, in groups of 4 or 3 with ' ', '-' or '.', or SSN-like.</summary>
    private static string WithLayout(string digits, int i)
    {
        var separator = (i % 4) switch { 0 => "", 1 => " ", 2 => "-", _ => "." };
        var group = i % 2 == 0 ? 4 : 3;
        return separator.Length == 0 ? digits : string.Join(separator, digits.Chunk(group).Select(c => new string(c)));
    }

    private static string ValidPan(int length, int index)
    {
        var digits = Seeded.Numerals("finder-pan", index, length);
        digits[^1] = 0;
        var sum = 0;
        for (var k = 0; k < length; k++)
        {
            var d = digits[length - 1 - k];
            sum += k % 2 == 0 ? d : (2 * d) - (d >= 5 ? 9 : 0);
        }

        digits[^1] = (byte)((10 - (sum % 10)) % 10);
        return string.Concat(digits.Select(d => (char)('0' + d)));
    }

    private static string RandomText(SecretKey key, Mix random)
    {
        string[] pieces = ["the", "Emily", "Garcia", "Garcia,", "R.", "4821", "Maple", "Ave", "Salem,", "VA", "(", ")", "+", "-", ".", "/", "555", "12", "0100", "é", "😀", "\n", "2024", "03/14/2024", "x", "Dr."];
        var text = new StringBuilder();
        for (var k = random.Next(1, 25); k > 0; k--)
        {
            text.Append(random.Next(8) switch
            {
                0 => DigitSurrogate.Encrypt(key, "t"u8, WithLayout(Seeded.Digits("finder-chunk", random.Next(), random.Next(6, 20)), random.Next(8))),
                1 => PanSurrogate.Encrypt(key, "t"u8, ValidPan(16, random.Next())),
                2 => ListSurrogate.Address(key, "t"u8, TokenId.New(), 0, random.Next(2) == 0 ? "12 Elm St, Troy, NY" : string.Empty),
                3 => new string('9', random.Next(60, 70)),
                _ => pieces[random.Next(pieces.Length)],
            });
            text.Append(random.Next(4) switch { 0 => string.Empty, 1 => ", ", _ => " " });
        }

        return text.ToString();
    }

    /// <summary>SplitMix64: reproducible choices for property tests (System.Random is banned by CA5394).</summary>
    private sealed class Mix(ulong state)
    {
        public int Next(int bound)
        {
            var z = state += 0x9E3779B97F4A7C15UL;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return (int)((z ^ (z >> 31)) % (ulong)bound);
        }

        public int Next(int min, int max) => min + Next(max - min);

        public int Next() => Next(int.MaxValue);
    }
}

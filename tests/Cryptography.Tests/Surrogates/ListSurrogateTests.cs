using System.Text.RegularExpressions;
using PrivateInference.Cryptography.Surrogates;

namespace PrivateInference.Cryptography.Tests.Surrogates;

public sealed partial class ListSurrogateTests
{
    private static readonly byte[] Key = Hex.Bytes("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
    private static readonly byte[] PersonTweak = "acme\0PERSON"u8.ToArray();
    private static readonly byte[] AddressTweak = "acme\0ADDRESS"u8.ToArray();

    /// <summary>Expected values computed outside this code base: Python <c>hmac</c> over the documented message,
    /// indexing the list files directly.</summary>
    public static IEnumerable<TestCaseData> PersonKnownAnswers()
    {
        yield return new TestCaseData("7QH2K9MX3A", 0, "", "Dennis Ferreira").SetName("Without_an_original_a_person_is_Given_Surname");
        yield return new TestCaseData("7QH2K9MX3A", 0, "John Q. Public", "Dennis L. Ferreira").SetName("Three_words_give_a_middle_initial");
        yield return new TestCaseData("7QH2K9MX3A", 0, "Smith, John", "Ferreira, Dennis").SetName("Last_comma_first_keeps_its_order");
        yield return new TestCaseData("7QH2K9MX3A", 0, "JOHN SMITH", "DENNIS FERREIRA").SetName("Upper_case_in_upper_case_out");
        yield return new TestCaseData("7QH2K9MX3A", 0, "john smith", "dennis ferreira").SetName("Lower_case_in_lower_case_out");
        yield return new TestCaseData("7QH2K9MX3A", 0, "Smith", "Ferreira").SetName("A_single_unknown_word_becomes_a_surname");
        yield return new TestCaseData("7QH2K9MX3A", 0, "Jennifer", "Dennis").SetName("A_single_given_name_becomes_a_given_name");
        yield return new TestCaseData("7QH2K9MX3A", 1, "", "Kelley Wallace").SetName("Another_attempt_gives_another_person");
        yield return new TestCaseData("0000000000", 0, "", "Wendell Henderson").SetName("Another_token_gives_another_person");
    }

    [TestCaseSource(nameof(PersonKnownAnswers))]
    public void Person_known_answer(string tokenId, int attempt, string original, string expected)
    {
        using var key = SecretKey.Copy(Key);

        Assert.That(ListSurrogate.Person(key, PersonTweak, tokenId, attempt, original), Is.EqualTo(expected));
    }

    public static IEnumerable<TestCaseData> AddressKnownAnswers()
    {
        yield return new TestCaseData("7QH2K9MX3A", 0, "", "7836 Grove Cir").SetName("Without_an_original_an_address_is_a_four_digit_street_line");
        yield return new TestCaseData("7QH2K9MX3A", 0, "123 Main Street, Apt 4B, Springfield, IL", "636 Grove Circle, Union, NY").SetName("A_full_address_keeps_its_number_length_written_out_suffix_and_gets_a_city_and_state");
        yield return new TestCaseData("7QH2K9MX3A", 0, "Yonkers, NY", "Union, NY").SetName("A_city_and_state_stay_a_city_and_state");
        yield return new TestCaseData("7QH2K9MX3A", 0, "1307 JUNIPER BLVD", "7836 GROVE CIR").SetName("An_upper_case_street_line_stays_upper_case");
        yield return new TestCaseData("0000000000", 3, "P.O. Box 4521", "4531 Front Ln").SetName("A_PO_box_becomes_a_street_line");
    }

    [TestCaseSource(nameof(AddressKnownAnswers))]
    public void Address_known_answer(string tokenId, int attempt, string original, string expected)
    {
        using var key = SecretKey.Copy(Key);

        Assert.That(ListSurrogate.Address(key, AddressTweak, tokenId, attempt, original), Is.EqualTo(expected));
    }

    [Test]
    public void It_is_deterministic_and_depends_on_key_tweak_token_and_attempt()
    {
        using var key = SecretKey.Copy(Key);
        using var other = Seeded.Key("list-other-key");
        var people = new HashSet<string>();

        var first = ListSurrogate.Person(key, PersonTweak, "7QH2K9MX3A", 0);

        Assert.That(ListSurrogate.Person(key, PersonTweak, "7QH2K9MX3A", 0), Is.EqualTo(first));
        people.Add(first);
        people.Add(ListSurrogate.Person(other, PersonTweak, "7QH2K9MX3A", 0));
        people.Add(ListSurrogate.Person(key, "acme\0PATIENT"u8, "7QH2K9MX3A", 0));
        people.Add(ListSurrogate.Person(key, PersonTweak, "7QH2K9MX3B", 0));
        people.Add(ListSurrogate.Person(key, PersonTweak, "7QH2K9MX3A", 1));
        Assert.That(people, Has.Count.EqualTo(5));
    }

    /// <summary>A surrogate must not give away part of what it hides: none of its names, streets, cities or numbers is
    /// a word of the original, whatever the draw.</summary>
    [Test]
    public void A_surrogate_never_repeats_a_word_of_the_original()
    {
        using var key = SecretKey.Copy(Key);
        var lists = SurrogateLists.Shared;

        for (var i = 0; i < 300; i++)
        {
            // An original made of exactly what this token would draw: every word must then move on.
            var drawn = ListSurrogate.Person(key, PersonTweak, TokenIdOf(i), 0, "x y z");
            var person = ListSurrogate.Person(key, PersonTweak, TokenIdOf(i), 0, drawn);
            var address = ListSurrogate.Address(key, AddressTweak, TokenIdOf(i), 0, "12 x st, y, ZZ");
            var again = ListSurrogate.Address(key, AddressTweak, TokenIdOf(i), 0, address);

            Assert.That(Words(person).Intersect(Words(drawn), StringComparer.OrdinalIgnoreCase), Is.Empty.Or.EquivalentTo(Words(drawn).Where(w => w.Length == 1)), $"{drawn} -> {person}");
            var shared = Words(again).Intersect(Words(address), StringComparer.OrdinalIgnoreCase)
                .Where(w => !lists.SuffixFull.Concat(lists.SuffixShort).Concat(lists.States).Contains(w, StringComparer.OrdinalIgnoreCase));
            Assert.That(shared, Is.Empty, $"{address} -> {again}");
        }
    }

    [Test]
    public void House_numbers_keep_the_original_digit_count_up_to_five()
    {
        using var key = SecretKey.Copy(Key);

        for (var digits = 1; digits <= 7; digits++)
        {
            for (var i = 0; i < 50; i++)
            {
                var original = new string('9', digits) + " Elm St";

                var number = ListSurrogate.Address(key, AddressTweak, TokenIdOf(i), 0, original).Split(' ')[0];

                Assert.That(number, Does.Match($"^[1-9][0-9]{{{Math.Min(digits, 5) - 1}}}$"), original);
            }
        }
    }

    [Test]
    public void Every_surrogate_is_found_again_in_text_as_one_whole_candidate()
    {
        using var key = SecretKey.Copy(Key);
        string[] people = ["", "Jane Roe", "Jane Q. Roe", "Roe, Jane", "JANE ROE", "jane roe"];
        string[] addresses = ["", "12 Elm St, Salem, OR", "Salem, OR", "12 ELM STREET", "12 elm st, salem, or"];

        for (var i = 0; i < 200; i++)
        {
            var surrogates = people.Select(p => ListSurrogate.Person(key, PersonTweak, TokenIdOf(i), i % 3, p))
                .Concat(addresses.Select(a => ListSurrogate.Address(key, AddressTweak, TokenIdOf(i), i % 3, a)));
            foreach (var surrogate in surrogates)
            {
                var text = $"Seen on 2025-01-02: {surrogate}. Follow up (\"{surrogate}\") next week.";

                var found = ListSurrogate.FindCandidates(text).Select(c => text.Substring(c.Start, c.Length));

                Assert.That(found, Is.EqualTo(new[] { surrogate, surrogate }), text);
            }
        }
    }

    [Test]
    public void Single_names_are_found_only_when_asked_for()
    {
        using var key = SecretKey.Copy(Key);
        var single = ListSurrogate.Person(key, PersonTweak, "7QH2K9MX3A", 0, "Smith");
        var text = $"Mr. {single} called; Dennis Ferreira too.";

        Assert.That(Spans(text, ListSurrogate.FindCandidates(text)), Is.EqualTo(new[] { "Dennis Ferreira" }));
        Assert.That(Spans(text, ListSurrogate.FindCandidates(text, includeSingleNames: true)), Is.EqualTo(new[] { single, "Dennis Ferreira" }));
    }

    public static IEnumerable<TestCaseData> Texts()
    {
        yield return new TestCaseData("Dennis Ferreira and Ferreira, Dennis and DENNIS L. FERREIRA", new[] { "Dennis Ferreira", "Ferreira, Dennis", "DENNIS L. FERREIRA" }).SetName("All_three_name_shapes_are_found_in_any_case");
        yield return new TestCaseData("at 7836 Grove Cir, Union, NY and 636 grove circle and Union, NY.", new[] { "7836 Grove Cir, Union, NY", "636 grove circle", "Union, NY" }).SetName("All_three_address_shapes_are_found");
        yield return new TestCaseData("Will Grant met Rose Young on Main Street.", Array.Empty<string>()).SetName("Names_made_of_common_words_are_not_candidates");
        yield return new TestCaseData("John Smith and Mary Brown", Array.Empty<string>()).SetName("Surnames_that_are_common_words_are_not_on_the_lists");
        yield return new TestCaseData("XDennis Ferreira; Dennis FerreiraX; Dennis Ferreira2; Dennis Ferreir\u00e1; \u00e9Ferreira, Dennis", Array.Empty<string>()).SetName("Names_must_stand_between_word_boundaries_of_any_script");
        yield return new TestCaseData("Dennis  Ferreira; Dennis\nFerreira; Ferreira,Dennis; Ferreira,  Dennis; Dennis L Ferreira; Dennis L.Ferreira", Array.Empty<string>()).SetName("Only_the_separators_surrogates_are_written_with_count");
        yield return new TestCaseData("Salem, or whatever; 123456 Grove St; 12 Grove Cir.", new[] { "12 Grove Cir" }).SetName("A_state_code_that_is_a_word_a_six_digit_number_and_a_full_stop_are_no_part_of_a_candidate");
        yield return new TestCaseData("D\u0131nnis Ferreira", Array.Empty<string>()).SetName("A_dotless_i_does_not_fold_to_an_ASCII_i");
        yield return new TestCaseData("", Array.Empty<string>()).SetName("Empty_text_has_no_candidates");
    }

    [TestCaseSource(nameof(Texts))]
    public void Finds(string text, string[] expected) =>
        Assert.That(Spans(text, ListSurrogate.FindCandidates(text)), Is.EqualTo(expected));

    [TestCase("Garcia", true)]
    [TestCase("EMILY", true)]
    [TestCase("smith", false)]
    [TestCase("Em1ly", false)]
    [TestCase("", false)]
    [TestCase("Emil\u0131", false)]
    public void IsListName(string word, bool expected) =>
        Assert.That(ListSurrogate.IsListName(word), Is.EqualTo(expected));

    [Test]
    public void The_lists_have_their_documented_sizes_and_shapes()
    {
        var lists = SurrogateLists.Shared;
        var all = new[] { lists.GivenNames, lists.Surnames, lists.Streets, lists.Cities, lists.States, lists.SuffixFull, lists.SuffixShort };

        Assert.That(all.Select(l => l.Count), Is.EqualTo(new[] { 1000, 1000, 100, 92, 37, 13, 13 }));
        Assert.That(all.SelectMany(l => l), Is.All.Match("^[a-z]+$"));
        Assert.That(new[] { lists.GivenNames, lists.Surnames, lists.Streets, lists.Cities, lists.States }, Is.All.Unique);
        Assert.That(lists.GivenNames.Intersect(lists.Surnames), Is.Empty, "given names and surnames overlap");
        Assert.That(lists.States, Is.All.Length.EqualTo(2));
        Assert.That(lists.States, Has.None.AnyOf("or", "in", "me", "hi", "ok", "oh", "al", "ms"));
    }

    public static IEnumerable<TestCaseData> Refusals()
    {
        yield return new TestCaseData(16, "7QH2K9MX3A", 0, "key").SetName("A_key_shorter_than_32_bytes_is_refused");
        yield return new TestCaseData(32, "7qh2k9mx3a", 0, "tokenId").SetName("A_lower_case_token_ID_is_refused");
        yield return new TestCaseData(32, "7QH2K9MX3", 0, "tokenId").SetName("A_short_token_ID_is_refused");
        yield return new TestCaseData(32, "7QH2K9MX3A", -1, "attempt").SetName("A_negative_attempt_is_refused");
    }

    [TestCaseSource(nameof(Refusals))]
    public void Refused(int keyLength, string tokenId, int attempt, string parameter)
    {
        using var key = SecretKey.Generate(keyLength);
        const string Original = "Jane Roe";

        var person = Assert.Throws(Is.InstanceOf<ArgumentException>(), () => ListSurrogate.Person(key, [], tokenId, attempt, Original)) as ArgumentException;
        var address = Assert.Throws(Is.InstanceOf<ArgumentException>(), () => ListSurrogate.Address(key, [], tokenId, attempt, Original)) as ArgumentException;

        Assert.That(new[] { person!.ParamName, address!.ParamName }, Is.All.EqualTo(parameter));
        Assert.That(person.Message, Does.Not.Contain("Roe"));
    }

    [Test]
    public void A_null_text_is_refused() =>
        Assert.That(() => ListSurrogate.FindCandidates(null!), Throws.ArgumentNullException);

    private static string TokenIdOf(int i) => string.Concat(Seeded.Bytes("list-token", i, TokenId.Length).Select(b => TokenId.Alphabet[b & 0x1F]));

    private static string[] Words(string text) => WordPattern().Matches(text).Select(m => m.Value).ToArray();

    private static string[] Spans(string text, IEnumerable<(int Start, int Length)> spans) =>
        [.. spans.Select(s => text.Substring(s.Start, s.Length))];

    [GeneratedRegex(@"[\p{L}\p{Nd}]+")]
    private static partial Regex WordPattern();
}

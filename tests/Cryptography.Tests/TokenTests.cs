namespace PrivateInference.Cryptography.Tests;

public sealed class TokenTests
{
    public static IEnumerable<TestCaseData> Formats()
    {
        yield return new TestCaseData("PERSON", "7QH2K9MX3A", "[PERSON_7QH2K9MX3A]").SetName("A_person_token_is_type_underscore_id_in_brackets");
        yield return new TestCaseData("ACCOUNT_NUMBER", "0123456789", "[ACCOUNT_NUMBER_0123456789]").SetName("A_type_with_underscores_is_written_as_it_is");
        yield return new TestCaseData("A", "ZZZZZZZZZZ", "[A_ZZZZZZZZZZ]").SetName("A_one_letter_type_is_allowed");
        yield return new TestCaseData("ABCDEFGHIJKLMNOPQRSTUVWXYZ012345", "0000000000", "[ABCDEFGHIJKLMNOPQRSTUVWXYZ012345_0000000000]").SetName("A_32_character_type_is_allowed");
    }

    [TestCaseSource(nameof(Formats))]
    public void Format_writes_the_canonical_form(string type, string id, string expected)
    {
        var token = new Token(type, id);

        Assert.That(token.Format(), Is.EqualTo(expected));
        Assert.That(token.ToString(), Is.EqualTo(expected));
    }

    [TestCaseSource(nameof(Formats))]
    public void TryParse_reads_what_Format_writes(string type, string id, string text)
    {
        Assert.That(Token.TryParse(text, out var token), Is.True);
        Assert.That(token, Is.EqualTo(new Token(type, id)));
        Assert.That(token.EntityType, Is.EqualTo(type));
        Assert.That(token.Id, Is.EqualTo(id));
    }

    [Test]
    public void A_new_token_round_trips_through_its_text()
    {
        var token = new Token("HEALTH_PLAN_ID", TokenId.New());

        Assert.That(Token.TryParse(token.Format(), out var parsed), Is.True);
        Assert.That(parsed, Is.EqualTo(token));
    }

    public static IEnumerable<TestCaseData> StrictRejections()
    {
        yield return new TestCaseData("PERSON_7QH2K9MX3A").SetName("Strict_parse_rejects_a_token_without_brackets");
        yield return new TestCaseData("[person_7QH2K9MX3A]").SetName("Strict_parse_rejects_a_lower_case_type");
        yield return new TestCaseData("[PERSON_7qh2k9mx3a]").SetName("Strict_parse_rejects_a_lower_case_id");
        yield return new TestCaseData("[PERSON_7QH2K9MX3O]").SetName("Strict_parse_rejects_O_in_the_id");
        yield return new TestCaseData("[PERSON_7QH2K9MX3I]").SetName("Strict_parse_rejects_I_in_the_id");
        yield return new TestCaseData("[PERSON_7QH2K9MX3U]").SetName("Strict_parse_rejects_U_in_the_id");
        yield return new TestCaseData("[PERSON_7QH2K9MX3]").SetName("Strict_parse_rejects_a_nine_character_id");
        yield return new TestCaseData("[PERSON_7QH2K9MX3AB]").SetName("Strict_parse_rejects_an_eleven_character_id");
        yield return new TestCaseData("[PERSON7QH2K9MX3A]").SetName("Strict_parse_rejects_a_token_without_underscore");
        yield return new TestCaseData("[_7QH2K9MX3A]").SetName("Strict_parse_rejects_an_empty_type");
        yield return new TestCaseData("[1PERSON_7QH2K9MX3A]").SetName("Strict_parse_rejects_a_type_starting_with_a_digit");
        yield return new TestCaseData("[_PERSON_7QH2K9MX3A]").SetName("Strict_parse_rejects_a_type_starting_with_an_underscore");
        yield return new TestCaseData("[ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456_0000000000]").SetName("Strict_parse_rejects_a_33_character_type");
        yield return new TestCaseData("[PER SON_7QH2K9MX3A]").SetName("Strict_parse_rejects_a_space_in_the_type");
        yield return new TestCaseData("[PERSON-7QH2K9MX3A]").SetName("Strict_parse_rejects_a_hyphen_for_the_underscore");
        yield return new TestCaseData("[PERS\u00d6N_7QH2K9MX3A]").SetName("Strict_parse_rejects_a_non_ASCII_capital_in_the_type");
        yield return new TestCaseData("[PERSON_7QH2K9MX3A] ").SetName("Strict_parse_rejects_trailing_space");
        yield return new TestCaseData(" [PERSON_7QH2K9MX3A]").SetName("Strict_parse_rejects_leading_space");
        yield return new TestCaseData("[PERSON_7QH2K9MX3A").SetName("Strict_parse_rejects_a_missing_closing_bracket");
        yield return new TestCaseData("[[PERSON_7QH2K9MX3A]]").SetName("Strict_parse_rejects_double_brackets");
        yield return new TestCaseData("").SetName("Strict_parse_rejects_empty_text");
        yield return new TestCaseData("[]").SetName("Strict_parse_rejects_empty_brackets");
        yield return new TestCaseData("[CVV_REDACTED]").SetName("Strict_parse_rejects_the_irreversible_CVV_placeholder");
    }

    [TestCaseSource(nameof(StrictRejections))]
    public void Strict_rejection(string text)
    {
        Assert.That(Token.TryParse(text, out var token), Is.False);
        Assert.That(token, Is.EqualTo(default(Token)));
    }

    public static IEnumerable<TestCaseData> Lenient()
    {
        yield return new TestCaseData("[PERSON_7QH2K9MX3A]", "PERSON", "7QH2K9MX3A").SetName("Lenient_parse_reads_the_canonical_form");
        yield return new TestCaseData("PERSON_7QH2K9MX3A", "PERSON", "7QH2K9MX3A").SetName("Lenient_parse_reads_a_token_without_brackets");
        yield return new TestCaseData("[person_7qh2k9mx3a]", "PERSON", "7QH2K9MX3A").SetName("Lenient_parse_upper_cases_a_lower_case_token");
        yield return new TestCaseData("Person_7Qh2K9mX3a", "PERSON", "7QH2K9MX3A").SetName("Lenient_parse_upper_cases_mixed_case_without_brackets");
        yield return new TestCaseData("[account_number_7qh2k9mx3a]", "ACCOUNT_NUMBER", "7QH2K9MX3A").SetName("Lenient_parse_splits_at_the_last_underscore");
        yield return new TestCaseData("[PERSON_OOOOOOOOOO]", "PERSON", "0000000000").SetName("Lenient_parse_maps_O_to_zero_in_the_id");
        yield return new TestCaseData("[PERSON_ILil1oO0AB]", "PERSON", "11111000AB").SetName("Lenient_parse_maps_I_and_L_in_either_case_to_one_in_the_id");
        yield return new TestCaseData("[POLICE_ID_0123456789]", "POLICE_ID", "0123456789").SetName("Lenient_parse_leaves_O_I_and_L_in_the_type_alone");
        yield return new TestCaseData("[PERS0N_0123456789]", "PERS0N", "0123456789").SetName("Lenient_parse_leaves_a_zero_in_the_type_alone");
    }

    [TestCaseSource(nameof(Lenient))]
    public void Lenient_acceptance(string text, string type, string id)
    {
        Assert.That(Token.TryParseLenient(text, out var token), Is.True);
        Assert.That(token, Is.EqualTo(new Token(type, id)));
    }

    public static IEnumerable<TestCaseData> LenientRejections()
    {
        yield return new TestCaseData("[PERSON_7QH2K9MX3U]").SetName("Lenient_parse_rejects_U_in_the_id");
        yield return new TestCaseData("[PERSON_7QH2K9MX3A").SetName("Lenient_parse_rejects_an_opening_bracket_alone");
        yield return new TestCaseData("PERSON_7QH2K9MX3A]").SetName("Lenient_parse_rejects_a_closing_bracket_alone");
        yield return new TestCaseData("[PERSON_7QH2K9MX3]").SetName("Lenient_parse_rejects_a_nine_character_id");
        yield return new TestCaseData("PERSON7QH2K9MX3A").SetName("Lenient_parse_rejects_a_token_without_underscore");
        yield return new TestCaseData("[PERSON 7QH2K9MX3A]").SetName("Lenient_parse_rejects_a_space_for_the_underscore");
        yield return new TestCaseData(" PERSON_7QH2K9MX3A").SetName("Lenient_parse_rejects_surrounding_whitespace");
        yield return new TestCaseData("[PERS\u0131N_7QH2K9MX3A]").SetName("Lenient_parse_rejects_a_dotless_i_that_would_upper_case_to_I");
        yield return new TestCaseData("[PERSON_7QH2K9MX3\u0131]").SetName("Lenient_parse_rejects_a_dotless_i_in_the_id");
        yield return new TestCaseData("[\u017fSN_7QH2K9MX3A]").SetName("Lenient_parse_rejects_a_long_s_that_would_upper_case_to_S");
        yield return new TestCaseData("[PERSON_\uff17QH2K9MX3A]").SetName("Lenient_parse_rejects_full_width_digits");
        yield return new TestCaseData("[1person_7qh2k9mx3a]").SetName("Lenient_parse_rejects_a_type_starting_with_a_digit");
        yield return new TestCaseData("[abcdefghijklmnopqrstuvwxyz0123456_0000000000]").SetName("Lenient_parse_rejects_a_33_character_type");
        yield return new TestCaseData("[cvv_redacted]").SetName("Lenient_parse_rejects_the_irreversible_CVV_placeholder");
        yield return new TestCaseData("").SetName("Lenient_parse_rejects_empty_text");
        yield return new TestCaseData("[").SetName("Lenient_parse_rejects_a_lone_bracket");
    }

    [TestCaseSource(nameof(LenientRejections))]
    public void Lenient_rejection(string text)
    {
        Assert.That(Token.TryParseLenient(text, out var token), Is.False);
        Assert.That(token, Is.EqualTo(default(Token)));
    }

    public static IEnumerable<TestCaseData> BadParts()
    {
        yield return new TestCaseData("person", "7QH2K9MX3A", "entityType").SetName("A_lower_case_type_cannot_make_a_token");
        yield return new TestCaseData("PERSON", "7QH2K9MX3O", "id").SetName("An_id_outside_the_alphabet_cannot_make_a_token");
        yield return new TestCaseData(null, "7QH2K9MX3A", "entityType").SetName("A_null_type_cannot_make_a_token");
        yield return new TestCaseData("PERSON", null, "id").SetName("A_null_id_cannot_make_a_token");
    }

    [TestCaseSource(nameof(BadParts))]
    public void Constructor_rejection(string? type, string? id, string parameter) =>
        Assert.That(() => new Token(type!, id!), Throws.ArgumentException.With.Property("ParamName").EqualTo(parameter));

    public static IEnumerable<TestCaseData> Spellings()
    {
        yield return new TestCaseData("PAN", "7QH2K9MX3A", "Q7", "[PAN_7QH2K9MX3A-Q7]", "7QH2K9MX3A-Q7").SetName("A_later_spelling_is_the_id_a_hyphen_and_its_mark");
        yield return new TestCaseData("ACCOUNT_NUMBER", "0123456789", "00", "[ACCOUNT_NUMBER_0123456789-00]", "0123456789-00").SetName("A_spelling_mark_follows_a_type_with_underscores");
    }

    [TestCaseSource(nameof(Spellings))]
    public void A_spelling_mark_is_written_read_and_keyed(string type, string id, string spelling, string text, string key)
    {
        var token = new Token(type, id, spelling);

        Assert.That(token.Format(), Is.EqualTo(text));
        Assert.That(token.Key, Is.EqualTo(key));
        Assert.That(Token.TryParse(text, out var parsed), Is.True);
        Assert.That(parsed, Is.EqualTo(token));
        Assert.That(parsed.Spelling, Is.EqualTo(spelling));
        Assert.That(Token.FromKey(type, key), Is.EqualTo(token));
        Assert.That(token, Is.Not.EqualTo(new Token(type, id)), "a later spelling is another token of the same ID");
    }

    [TestCase("pan_7qh2k9mx3a-q7", "[PAN_7QH2K9MX3A-Q7]")]
    [TestCase("[Pan_7QH2K9MX3A-qo]", "[PAN_7QH2K9MX3A-Q0]")]
    [TestCase("PAN_7QH2K9MX3A-Ll", "[PAN_7QH2K9MX3A-11]")]
    public void Lenient_parse_reads_a_spelling_mark_as_a_model_may_write_it(string text, string canonical)
    {
        Assert.That(Token.TryParseLenient(text, out var token), Is.True);
        Assert.That(token.Format(), Is.EqualTo(canonical));
    }

    [TestCase("[PAN_7QH2K9MX3A-Q]")]
    [TestCase("[PAN_7QH2K9MX3A-Q7X]")]
    [TestCase("[PAN_7QH2K9MX3A-U7]")]
    [TestCase("[PAN_7QH2K9MX3A_Q7]")]
    [TestCase("[PAN_7QH2K9MX3A-]")]
    [TestCase("[PAN_7QH2K9MX3A Q7]")]
    [TestCase("[PAN_7QH2K9MX3-AQ7]")]
    public void A_malformed_spelling_mark_is_not_a_token(string text)
    {
        Assert.That(Token.TryParse(text, out _), Is.False);
        Assert.That(Token.TryParseLenient(text, out _), Is.False);
    }

    [Test]
    public void A_spelling_mark_outside_the_alphabet_cannot_make_a_token() =>
        Assert.That(() => new Token("PAN", "7QH2K9MX3A", "QU"), Throws.ArgumentException.With.Property("ParamName").EqualTo("spelling"));

    [Test]
    public void New_spelling_marks_are_two_characters_of_the_alphabet()
    {
        var marks = Enumerable.Range(0, 2000).Select(_ => TokenId.NewSpelling()).ToList();

        Assert.That(marks, Has.All.Matches<string>(m => TokenId.IsValidSpelling(m)));
        Assert.That(marks.Distinct().Count(), Is.GreaterThan(600), "10 random bits per mark");
        Assert.That(TokenId.IsValidKey("7QH2K9MX3A-Q7"), Is.True);
        Assert.That(TokenId.IsValidKey("7QH2K9MX3A"), Is.True);
        Assert.That(TokenId.IsValidKey("7QH2K9MX3AQ7"), Is.False);
        Assert.That(TokenId.IsValidKey("7QH2K9MX3A-Q"), Is.False);
    }

    [Test]
    public void The_default_token_cannot_be_formatted_and_prints_empty()
    {
        Assert.That(() => default(Token).Format(), Throws.InvalidOperationException);
        Assert.That(default(Token).ToString(), Is.Empty);
    }
}

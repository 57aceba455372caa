using System.Security.Cryptography;
using PrivateInference.Rehydrator.Masking;

namespace PrivateInference.Rehydrator.Tests.Masking;

/// <summary>Each mask shows at most what its rule allows, for values of many shapes.</summary>
public sealed class MasksTests
{
    [TestCase("4111 1111 1111 1111", "**** **** **** 1111")]
    [TestCase("4111-1111-1111-1111", "****-****-****-1111")]
    [TestCase("4111111111111111", "************1111")]
    [TestCase("3782 822463 10005", "**** ****** *0005")]
    [TestCase("6011.0009.9013.9424", "****.****.****.9424")]
    [TestCase("4111 1111 1111 1111 119", "**** **** **** ***1 119")]
    [TestCase("501800000009", "********0009")]
    [TestCase("41111111111", "***********")]
    [TestCase("41111111111111111111", "********************")]
    [TestCase("4111 1111 1111 1111 (visa)", "**** **** **** 1111 (****)")]
    [TestCase("４１１１１１１１１１１１１１１１", "************１１１１")]
    [TestCase("", "")]
    public void PAN_shows_the_last_four_digits_in_the_written_layout(string value, string expected)
    {
        Assert.That(Masks.Mask("PAN", value), Is.EqualTo(expected));
    }

    [TestCase("123-45-6789", "***-**-6789")]
    [TestCase("123 45 6789", "*** ** 6789")]
    [TestCase("123456789", "*****6789")]
    [TestCase("12-345-678", "**-***-***")]
    [TestCase("123-45-67890", "***-**-*****")]
    [TestCase("SSN 123-45-6789", "*** ***-**-6789")]
    public void SSN_shows_the_last_four_of_nine_digits(string value, string expected)
    {
        Assert.That(Masks.Mask("SSN", value), Is.EqualTo(expected));
    }

    [TestCase("John Smith", "J. S.")]
    [TestCase("john smith", "J. S.")]
    [TestCase("Smith, John Q.", "S. J. Q.")]
    [TestCase("Mary-Jane O'Neil", "M. O.")]
    [TestCase("  José   Álvarez ", "J. Á.")]
    [TestCase("Jürgen\tMüller\nPh.D.", "J. M. P.")]
    [TestCase("李 小龙", "李. 小.")]
    [TestCase("\"Bob\" 123", "B.")]
    [TestCase("12345", "[PERSON]")]
    [TestCase("", "[PERSON]")]
    [TestCase("𝐉ohn Smith", "𝐉. S.")]
    public void PERSON_shows_initials(string value, string expected)
    {
        Assert.That(Masks.Mask("PERSON", value), Is.EqualTo(expected));
    }

    [TestCase("2024-03-14", "2024")]
    [TestCase("03/14/1962", "1962")]
    [TestCase("March 14th, 2024", "2024")]
    [TestCase("14 Mar 1962 10:30", "1962")]
    [TestCase("2025-11-22 17:08", "2025")]
    [TestCase("the 14th of March", "[DATE]")]
    [TestCase("3/14/62", "[DATE]")]
    [TestCase("20240314", "[DATE]")]
    [TestCase("from 2023 to 2024", "[DATE]")]
    [TestCase("2024 (2024)", "2024")]
    [TestCase("0314", "[DATE]")]
    [TestCase("", "[DATE]")]
    public void DATE_shows_the_year_only(string value, string expected)
    {
        Assert.That(Masks.Mask("DATE", value), Is.EqualTo(expected));
    }

    [TestCase("92", "90+")]
    [TestCase("age 104", "90+")]
    [TestCase("90-year-old", "90+")]
    [TestCase("89", "[AGE]")]
    [TestCase("1962", "[AGE]")]
    [TestCase("ninety-two", "[AGE]")]
    public void AGE_is_aggregated_at_ninety(string value, string expected)
    {
        Assert.That(Masks.Mask("AGE", value), Is.EqualTo(expected));
    }

    [TestCase("(555) 010-4567", "(***) ***-**67")]
    [TestCase("+1 555 010 4567", "+* *** *** **67")]
    [TestCase("555-0104", "***-**04")]
    [TestCase("911", "***")]
    [TestCase("ext. 12", "***. **")]
    public void PHONE_shows_the_last_two_digits(string value, string expected)
    {
        Assert.That(Masks.Mask("PHONE", value), Is.EqualTo(expected));
    }

    [TestCase("ACCOUNT_NUMBER", "0012345678", "******5678")]
    [TestCase("IBAN", "DE89 3704 0044 0532 0130 00", "**** **** **** **** **30 00")]
    [TestCase("MRN", "MRN-00259874", "***-****9874")]
    [TestCase("MRN", "4821", "****")]
    [TestCase("VIN", "1HGCM82633A004352", "*************4352")]
    [TestCase("HEALTH_PLAN_ID", "XJH 123 456 789", "*** *** **6 789")]
    [TestCase("LICENSE_NUMBER", "D1234567", "****4567")]
    [TestCase("DEVICE_ID", "SN:AB12-34", "*****12-34")]
    public void Identifiers_show_the_last_four_letters_or_digits_of_at_least_eight(string type, string value, string expected)
    {
        Assert.That(Masks.Mask(type, value), Is.EqualTo(expected));
    }

    [TestCase("jane.doe@example.com", "j***@***.com")]
    [TestCase("J.Doe@mail.example.org", "J***@***.org")]
    [TestCase("not an address", "[EMAIL]")]
    [TestCase("@example.com", "[EMAIL]")]
    [TestCase("a@b@example.com", "[EMAIL]")]
    [TestCase("jane@localhost", "[EMAIL]")]
    [TestCase("jane@example.c0m", "[EMAIL]")]
    [TestCase(".jane@example.com", "[EMAIL]")]
    public void EMAIL_shows_the_first_character_and_the_top_level_domain(string value, string expected)
    {
        Assert.That(Masks.Mask("EMAIL", value), Is.EqualTo(expected));
    }

    [TestCase("ZIP", "02139")]
    [TestCase("ADDRESS", "12 Oak Ave, Springfield, IL")]
    [TestCase("URL", "https://example.org/patient/42")]
    [TestCase("IP_ADDRESS", "192.0.2.17")]
    [TestCase("EXPIRY", "12/27")]
    [TestCase("FUTURE_TYPE", "anything")]
    public void Other_types_show_only_their_type(string type, string value)
    {
        Assert.That(Masks.Mask(type, value), Is.EqualTo("[" + type + "]"));
    }

    [Test]
    public void PAN_masks_of_random_shapes_show_exactly_the_last_four_digits_or_none()
    {
        const string separators = " -./";
        for (var run = 0; run < 2000; run++)
        {
            var digits = RandomNumberGenerator.GetInt32(1, 24);
            var value = new System.Text.StringBuilder();
            for (var i = 0; i < digits; i++)
            {
                if (i > 0 && RandomNumberGenerator.GetInt32(5) == 0)
                {
                    value.Append(separators[RandomNumberGenerator.GetInt32(separators.Length)]);
                }

                value.Append((char)('0' + RandomNumberGenerator.GetInt32(10)));
            }

            var original = value.ToString();
            var masked = Masks.Mask("PAN", original);
            var shown = new string(masked.Where(char.IsDigit).ToArray());
            var allDigits = new string(original.Where(char.IsDigit).ToArray());

            Assert.That(masked, Has.Length.EqualTo(original.Length), original.Length.ToString(System.Globalization.CultureInfo.InvariantCulture));
            Assert.That(shown, Is.EqualTo(digits is >= 12 and <= 19 ? allDigits[^4..] : string.Empty));
            Assert.That(masked.Where(c => !char.IsDigit(c) && c != Masks.Hidden), Is.All.Matches<char>(c => separators.Contains(c)));
        }
    }

    [Test]
    public void No_mask_shows_a_letter_of_a_value_it_hides_whole()
    {
        const string value = "Qzxv Wkjq";
        foreach (var type in new[] { "ZIP", "ADDRESS", "URL", "IP_ADDRESS", "EXPIRY", "SSN", "PAN", "PHONE", "DATE", "AGE", "EMAIL" })
        {
            Assert.That(Masks.Mask(type, value), Does.Not.Contain("Q").And.Not.Contain("zxv").And.Not.Contain("Wkjq"), type);
        }
    }

    [Test]
    public void A_mask_never_leaves_half_a_surrogate_pair()
    {
        foreach (var type in new[] { "PAN", "SSN", "PHONE", "MRN", "PERSON", "DATE", "EMAIL" })
        {
            var masked = Masks.Mask(type, "𝟏𝟐𝟑 😀 4111111111111111 𝐉ohn");

            Assert.That(masked.Where(char.IsSurrogate).Count() % 2, Is.Zero, type);
            Assert.That(() => new System.Text.UTF8Encoding(false, true).GetBytes(masked), Throws.Nothing, type);
        }
    }
}

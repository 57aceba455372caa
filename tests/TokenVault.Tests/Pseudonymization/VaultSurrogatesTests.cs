using NUnit.Framework;
using PrivateInference.Cryptography;
using PrivateInference.TokenVault.Pseudonymization;

namespace PrivateInference.TokenVault.Tests.Pseudonymization;

/// <summary>The vault's surrogate rules without a database: the type mapping, shapes, attempts and tenant separation.</summary>
public sealed class VaultSurrogatesTests
{
    private const string TokenKey = "7QH2K9MX3A";

    private static IEnumerable<TestCaseData> Shapes()
    {
        yield return new TestCaseData("PAN", "4111 1111 1111 1111", true).SetArgDisplayNames("Luhn-valid card");
        yield return new TestCaseData("PAN", "4111 1111 1111 1112", false).SetArgDisplayNames("card failing Luhn");
        yield return new TestCaseData("SSN", "900-12-3456", true).SetArgDisplayNames("SSN");
        yield return new TestCaseData("PHONE", "+1 (555) 010-0199", true).SetArgDisplayNames("phone");
        yield return new TestCaseData("MRN", "AB1234567", true).SetArgDisplayNames("record number, two letters");
        yield return new TestCaseData("MRN", "MRN-CNRY1234", false).SetArgDisplayNames("record number, letters would stay in clear");
        yield return new TestCaseData("ACCOUNT_NUMBER", "12345", false).SetArgDisplayNames("five digits, below FF1's domain");
        yield return new TestCaseData("PERSON", "Jane Sample", true).SetArgDisplayNames("name");
        yield return new TestCaseData("ADDRESS", "12 Oak Ave", true).SetArgDisplayNames("address");
        yield return new TestCaseData("EMAIL", "jane@example.test", false).SetArgDisplayNames("e-mail");
        yield return new TestCaseData("DATE", "03/14/1962", false).SetArgDisplayNames("date");
        yield return new TestCaseData("ZIP", "12345-6789", false).SetArgDisplayNames("ZIP");
    }

    [TestCaseSource(nameof(Shapes))]
    public void Which_values_get_a_surrogate(string entityType, string value, bool expected) =>
        Assert.That(VaultSurrogates.HasSurrogate(entityType, value), Is.EqualTo(expected));

    [Test]
    public void Every_vaulted_type_has_a_kind_and_only_the_listed_ones_a_surrogate()
    {
        var withSurrogate = TokenEntityTypes.Vaulted.Where(t => VaultSurrogates.KindOf(t) != SurrogateKind.None).Order(StringComparer.Ordinal);

        Assert.That(withSurrogate, Is.EqualTo(new[] { "ACCOUNT_NUMBER", "ADDRESS", "DEVICE_ID", "HEALTH_PLAN_ID", "IBAN", "LICENSE_NUMBER", "MRN", "PAN", "PERSON", "PHONE", "SSN" }));
    }

    [TestCase("PAN", "4111 1111 1111 1111")]
    [TestCase("SSN", "900-12-3456")]
    [TestCase("PERSON", "Jane Q. Sample")]
    [TestCase("ADDRESS", "12 Oak Ave, Salem, VA")]
    public void A_surrogate_is_deterministic_differs_per_attempt_and_tenant_and_never_equals_its_value(string entityType, string value)
    {
        using var key = SecretKey.Copy(Enumerable.Range(0, 32).Select(i => (byte)i).ToArray());

        var first = VaultSurrogates.Make(key, "tenant-a", entityType, TokenKey, 0, value);
        var again = VaultSurrogates.Make(key, "tenant-a", entityType, TokenKey + "-XY", 0, value);
        var next = VaultSurrogates.Make(key, "tenant-a", entityType, TokenKey, 1, value);
        var otherTenant = VaultSurrogates.Make(key, "tenant-b", entityType, TokenKey, 0, value);

        Assert.That(first, Is.Not.Null);
        Assert.That(again, Is.EqualTo(first), "a spelling row's key is read for its ID");
        Assert.That(next, Is.Not.EqualTo(first));
        Assert.That(otherTenant, Is.Not.EqualTo(first));
        Assert.That(string.Equals(first, value, StringComparison.OrdinalIgnoreCase), Is.False);
    }

    [Test]
    public void No_digit_surrogate_has_a_cards_shape_and_every_account_number_still_gets_one()
    {
        using var key = SecretKey.Copy(Enumerable.Range(0, 32).Select(i => (byte)(i * 7)).ToArray());
        var cardShaped = 0;
        var without = 0;
        for (var i = 0; i < 400; i++)
        {
            var digits = string.Concat(Enumerable.Range(0, 16).Select(_ => (char)('0' + System.Security.Cryptography.RandomNumberGenerator.GetInt32(10))));
            var value = string.Join(' ', digits.Chunk(4).Select(c => new string(c)));
            var first = VaultSurrogates.NextAttempt(key, "tenant-a", "ACCOUNT_NUMBER", TokenKey, 0, value);
            if (first is not { } made)
            {
                without++;
                continue;
            }

            if (Cryptography.Surrogates.PanSurrogate.CanEncrypt(made.Surrogate) || Cryptography.Surrogates.PanSurrogate.IsSurrogate(made.Surrogate))
            {
                cardShaped++;
            }
        }

        Assert.That((cardShaped, without), Is.EqualTo((0, 0)), "card-shaped digit surrogates, and values left without one");
    }
}

using NUnit.Framework;
using PrivateInference.TokenVault.Keys;

namespace PrivateInference.TokenVault.Tests.Keys;

/// <summary>The policy a PKCS#11 key object must meet before use, without a token.</summary>
[TestFixture]
public sealed class Pkcs11KeyPolicyTests
{
    private static readonly Pkcs11KeyFacts Generated = new(
        LengthBytes: 32, OnToken: true, Sensitive: true, Extractable: false, AlwaysSensitive: true, NeverExtractable: true,
        GeneratedOnToken: true, Encrypt: true, Decrypt: true);

    private static readonly Pkcs11KeyFacts ImportedWithoutLength = Generated with
    {
        LengthBytes = 0, AlwaysSensitive = false, NeverExtractable = false, GeneratedOnToken = false,
    };

    private static IEnumerable<TestCaseData> Cases()
    {
        yield return new TestCaseData(Generated, false, null).SetName("A_generated_sensitive_aes_256_key_on_the_token_passes");
        yield return new TestCaseData(Generated with { LengthBytes = 16 }, true, KeyUnavailableReason.PolicyViolation).SetName("An_aes_128_key_is_refused");
        yield return new TestCaseData(Generated with { Extractable = true }, false, KeyUnavailableReason.PolicyViolation).SetName("An_extractable_key_is_refused");
        yield return new TestCaseData(Generated with { Sensitive = false }, false, KeyUnavailableReason.PolicyViolation).SetName("A_key_that_is_not_sensitive_is_refused");
        yield return new TestCaseData(Generated with { OnToken = false }, false, KeyUnavailableReason.PolicyViolation).SetName("A_session_key_is_refused");
        yield return new TestCaseData(Generated with { Decrypt = false }, false, KeyUnavailableReason.Disabled).SetName("A_key_that_may_not_decrypt_is_disabled");
        yield return new TestCaseData(Generated with { Encrypt = false, Decrypt = false, Extractable = true }, false, KeyUnavailableReason.PolicyViolation).SetName("Policy_comes_before_disabled");
        yield return new TestCaseData(ImportedWithoutLength, false, KeyUnavailableReason.PolicyViolation).SetName("By_default_an_imported_key_of_unreported_length_is_refused");
        yield return new TestCaseData(ImportedWithoutLength, true, null).SetName("An_imported_key_of_unreported_length_passes_when_the_option_says_so");
        yield return new TestCaseData(ImportedWithoutLength with { GeneratedOnToken = true }, true, KeyUnavailableReason.PolicyViolation).SetName("A_generated_key_of_unreported_length_is_refused_even_with_the_option");
    }

    // object: the facts type is internal, a test method is public.
    [TestCaseSource(nameof(Cases))]
    public void Violation(object facts, bool acceptUnreportedLength, KeyUnavailableReason? expected) =>
        Assert.That(((Pkcs11KeyFacts)facts).Violation(acceptUnreportedLength), Is.EqualTo(expected));

    [Test]
    public void An_imported_key_of_unreported_length_is_described_without_a_length() =>
        Assert.That(ImportedWithoutLength.ToInfo(new KekId("tenant-a", 1)).KeyLengthBytes, Is.Null);

    [Test]
    public void Import_key_labels_carry_the_kek_name_and_expiry_to_the_second()
    {
        var expiresAt = new DateTimeOffset(2031, 3, 14, 9, 26, 53, TimeSpan.Zero);

        string label = Pkcs11Objects.ImportKeyLabel("tenant-a.v1", expiresAt);

        Assert.That(label, Is.EqualTo("tenant-a.v1/import/20310314T092653Z"));
        Assert.That(Pkcs11Objects.TryParseImportKeyLabel(label, out string name, out DateTimeOffset parsed), Is.True);
        Assert.That((name, parsed), Is.EqualTo(("tenant-a.v1", expiresAt)));
        Assert.That(Pkcs11Objects.TryParseImportKeyLabel("tenant-a/v1", out _, out _), Is.False);
    }
}

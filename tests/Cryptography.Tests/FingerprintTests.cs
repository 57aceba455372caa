namespace PrivateInference.Cryptography.Tests;

public sealed class FingerprintTests
{
    private static readonly byte[] Key = Hex.Bytes("202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f");

    /// <summary>Expected values computed outside this code base (Python <c>hmac</c>, HMAC-SHA256 over
    /// UTF8(type) ‖ 00 ‖ UTF8(value)) and checked again against BouncyCastle's HMac below.</summary>
    public static IEnumerable<TestCaseData> KnownAnswers()
    {
        yield return new TestCaseData("PAN", "4111111111111111", "4e5b2865757b4fd506c62a4ae9027819a19e3e90a318c1e93192d7e77808ee7a").SetName("A_card_number_has_the_pinned_fingerprint");
        yield return new TestCaseData("PERSON", "jane sample", "f67900e60930133246d62a408ddce194841b34e8197c4e93814d4cfb6092b2a6").SetName("A_case_folded_name_has_the_pinned_fingerprint");
        yield return new TestCaseData("PERSON", "jos\u00e9 n\u00fa\u00f1ez", "89aded8ba9144ae57cb4f64d56f25b36183784a17cddfbaad5ef88412bebbb9a").SetName("A_non_ASCII_name_is_hashed_as_UTF_8");
        yield return new TestCaseData("EMAIL", "a@example.test", "9aabd5cb3d633c0607daafa7dfc41f0cbc077552be89dcb61c77de8150bce60b").SetName("An_email_address_has_the_pinned_fingerprint");
    }

    [TestCaseSource(nameof(KnownAnswers))]
    public void Known_answer(string type, string value, string expected)
    {
        using var key = SecretKey.Copy(Key);

        Assert.That(Hex.Of(Fingerprint.Compute(key, type, value)), Is.EqualTo(expected));
    }

    [TestCaseSource(nameof(KnownAnswers))]
    public void Known_answer_agrees_with_an_independent_HMAC(string type, string value, string expected) =>
        Assert.That(Hex.Of(Reference.Fingerprint(Key, type, value)), Is.EqualTo(expected));

    [Test]
    public void A_subject_reference_has_the_pinned_value()
    {
        using var key = SecretKey.Copy(Key);
        const string Expected = "c01196e069cd8e59230cf9f6d4e4230d351dc35c9b979ee1bcb9a828def9a655";

        Assert.That(Hex.Of(Fingerprint.SubjectReference(key, "patient-0001")), Is.EqualTo(Expected));
        Assert.That(Hex.Of(Reference.Fingerprint(Key, "pi.subject.v1", "patient-0001")), Is.EqualTo(Expected));
    }

    /// <summary>Expected values from Python: <c>hmac.new(key, b"pi.surrogate.v1\x00" + folded.encode(), sha256)</c>, with
    /// folded = "emily r. garcia", "josé 4821" and "josÉ 4821" (only ASCII letters fold).</summary>
    [TestCase("Emily R. GARCIA", "c5c9cf17a5e60e965c77f15c774433b9e222a2677d7ebcbde90cfc5bae58c870")]
    [TestCase("emily r. garcia", "c5c9cf17a5e60e965c77f15c774433b9e222a2677d7ebcbde90cfc5bae58c870")]
    [TestCase("JOS\u00e9 4821", "6b1d37c18ef6209ed8c8d9a6636a9a29947afafa917494667f8a8950deda6dcd")]
    [TestCase("JOS\u00c9 4821", "4a81411d29a46d224eb4bf3c9e787fa097052db4dde7a9b9b5569fb7ebe649b6")]
    public void A_surrogate_fingerprint_folds_ascii_case_only_and_has_the_pinned_value(string surrogate, string expected)
    {
        using var key = SecretKey.Copy(Key);

        Assert.That(Hex.Of(Fingerprint.Surrogate(key, surrogate)), Is.EqualTo(expected));
    }

    [Test]
    public void A_surrogate_fingerprint_differs_from_the_value_and_spelling_fingerprints_of_the_same_text()
    {
        using var key = SecretKey.Copy(Key);

        var surrogate = Fingerprint.Surrogate(key, "4111111111111111");

        Assert.That(surrogate, Is.Not.EqualTo(Fingerprint.Compute(key, "PAN", "4111111111111111")));
        Assert.That(surrogate, Is.Not.EqualTo(Fingerprint.Spelling(key, "PAN", "4111111111111111")));
    }

    [Test]
    public void The_surrogate_key_is_hkdf_expand_of_the_fingerprint_key_with_its_own_label()
    {
        // Python: hmac.new(key, b"pi.surrogate-key.v1\x01", sha256) (HKDF-Expand, one block).
        using var key = SecretKey.Copy(Key);
        using var derived = Fingerprint.DeriveSurrogateKey(key);

        Assert.That(Hex.Of(derived.Span.ToArray()), Is.EqualTo("e4e44f8976db50497f6cad3736a5ef778ae8c7e745ed731055afaf2d2668e00f"));
        Assert.That(() => Fingerprint.DeriveSurrogateKey(SecretKey.Copy(new byte[16])), Throws.ArgumentException);
    }

    [TestCase(300)]
    [TestCase(5000)]
    public void A_long_value_matches_the_reference(int length)
    {
        using var key = SecretKey.Copy(Key);
        var value = string.Concat(Enumerable.Repeat("n\u00fa\u00f1ez ", (length / 6) + 1))[..length];

        Assert.That(Fingerprint.Compute(key, "ADDRESS", value), Is.EqualTo(Reference.Fingerprint(Key, "ADDRESS", value)));
    }

    [Test]
    public void The_same_value_under_the_same_key_gives_the_same_fingerprint()
    {
        using var key = SecretKey.Copy(Key);

        Assert.That(Fingerprint.Compute(key, "PAN", "4111111111111111"), Is.EqualTo(Fingerprint.Compute(key, "PAN", "4111111111111111".AsSpan())));
    }

    public static IEnumerable<TestCaseData> Distinct()
    {
        yield return new TestCaseData("PAN", "4111111111111111", "PAN", "4111111111111112").SetName("Different_values_give_different_fingerprints");
        yield return new TestCaseData("MRN", "12345", "ACCOUNT_NUMBER", "12345").SetName("The_same_value_of_different_types_gives_different_fingerprints");
        yield return new TestCaseData("AB", "C", "A", "BC").SetName("Moving_a_character_between_type_and_value_gives_a_different_fingerprint");
        yield return new TestCaseData("PERSON", "jane", "PERSON", "Jane").SetName("Case_matters_normalization_is_the_callers");
    }

    [TestCaseSource(nameof(Distinct))]
    public void Different_inputs(string typeA, string valueA, string typeB, string valueB)
    {
        using var key = SecretKey.Copy(Key);

        Assert.That(Fingerprint.Compute(key, typeA, valueA), Is.Not.EqualTo(Fingerprint.Compute(key, typeB, valueB)));
    }

    [Test]
    public void Another_tenant_key_gives_an_unrelated_fingerprint()
    {
        using var a = SecretKey.Copy(Key);
        using var b = SecretKey.Generate();

        Assert.That(Fingerprint.Compute(a, "PAN", "4111111111111111"), Is.Not.EqualTo(Fingerprint.Compute(b, "PAN", "4111111111111111")));
    }

    public static IEnumerable<TestCaseData> Rejections()
    {
        yield return new TestCaseData("person", "jane", 32, "entityType").SetName("A_lower_case_entity_type_is_refused");
        yield return new TestCaseData("PER\0SON", "jane", 32, "entityType").SetName("An_entity_type_with_a_NUL_is_refused");
        yield return new TestCaseData("PERSON", "", 32, "normalizedValue").SetName("An_empty_value_is_refused");
        yield return new TestCaseData("PERSON", "jane\udc00doe", 32, "normalizedValue").SetName("A_value_with_an_unpaired_surrogate_is_refused");
        yield return new TestCaseData("PERSON", "jane", 16, "key").SetName("A_key_shorter_than_32_bytes_is_refused");
    }

    [TestCaseSource(nameof(Rejections))]
    public void Rejected(string type, string value, int keyLength, string parameter)
    {
        using var key = SecretKey.Generate(keyLength);

        var e = Assert.Throws(Is.InstanceOf<ArgumentException>(), () => Fingerprint.Compute(key, type, value)) as ArgumentException;

        Assert.That(e!.ParamName, Is.EqualTo(parameter));
        Assert.That(e.Message, Does.Not.Contain("jane"));
    }

    [Test]
    public void An_empty_subject_is_refused()
    {
        using var key = SecretKey.Copy(Key);

        Assert.That(() => Fingerprint.SubjectReference(key, ""), Throws.ArgumentException.With.Property("ParamName").EqualTo("subject"));
    }

    [Test]
    public void A_spelling_fingerprint_is_pinned_and_in_its_own_domain()
    {
        using var key = SecretKey.Copy(Key);

        // Python: hmac.new(key, b"pi.spelling.v1.PAN\x004111-1111-1111-1111", sha256)
        Assert.That(Hex.Of(Fingerprint.Spelling(key, "PAN", "4111-1111-1111-1111")), Is.EqualTo("f7674eab193749dda92fb350ab9d545e54f7e8d6ab74413a2287e16013197d64"));
        Assert.That(Fingerprint.Spelling(key, "PAN", "4111-1111-1111-1111"), Is.Not.EqualTo(Fingerprint.Compute(key, "PAN", "4111-1111-1111-1111")));
        Assert.That(Fingerprint.Spelling(key, "PAN", "4111 1111 1111 1111"), Is.Not.EqualTo(Fingerprint.Spelling(key, "PAN", "4111-1111-1111-1111")));
        Assert.That(Fingerprint.Spelling(key, "PERSON", "Jane"), Is.Not.EqualTo(Fingerprint.Spelling(key, "PERSON", "jane")));
    }
}

namespace PrivateInference.Cryptography.Tests;

public sealed class ValueAadTests
{
    public static IEnumerable<TestCaseData> KnownAnswers()
    {
        // Written by hand from the layout: len ‖ "pi.value.v1" ‖ len ‖ tenant ‖ len ‖ token ‖ len ‖ type ‖ version.
        yield return new TestCaseData("tenant-a", "7QH2K9MX3A", "PERSON", 7,
                "0000000b 70692e76616c75652e7631"   // 11, "pi.value.v1"
                + "00000008 74656e616e742d61"       // 8, "tenant-a"
                + "0000000a 375148324b394d583341"   // 10, "7QH2K9MX3A"
                + "00000006 504552534f4e"           // 6, "PERSON"
                + "00000007")                       // version 7
            .SetName("The_aad_of_a_person_token_is_the_length_prefixed_fields_and_the_version");
        yield return new TestCaseData("t\u00e9", "0123456789", "CREDIT_CARD", 0x01020304,
                "0000000b 70692e76616c75652e7631"
                + "00000003 74c3a9"                 // 3 UTF-8 bytes: "t", "é" = c3 a9
                + "0000000a 30313233343536373839"
                + "0000000b 4352454449545f43415244" // 11, "CREDIT_CARD"
                + "01020304")
            .SetName("A_non_ASCII_tenant_is_prefixed_by_its_UTF_8_byte_count_and_the_version_is_big_endian");
    }

    [TestCaseSource(nameof(KnownAnswers))]
    public void Known_answer(string tenant, string token, string type, int version, string expected) =>
        Assert.That(Hex.Of(ValueAad.For(tenant, token, type, version)), Is.EqualTo(Hex.Of(Hex.Bytes(expected))));

    public static IEnumerable<TestCaseData> Neighbours()
    {
        yield return new TestCaseData(("tenant-a", "7QH2K9MX3A", "PERSON", 1), ("tenant-b", "7QH2K9MX3A", "PERSON", 1)).SetName("Different_tenants_give_different_aad");
        yield return new TestCaseData(("tenant-a", "7QH2K9MX3A", "PERSON", 1), ("tenant-a", "7QH2K9MX3B", "PERSON", 1)).SetName("Different_tokens_give_different_aad");
        yield return new TestCaseData(("tenant-a", "7QH2K9MX3A", "PERSON", 1), ("tenant-a", "7QH2K9MX3A", "PAN", 1)).SetName("Different_types_give_different_aad");
        yield return new TestCaseData(("tenant-a", "7QH2K9MX3A", "PERSON", 1), ("tenant-a", "7QH2K9MX3A", "PERSON", 2)).SetName("Different_versions_give_different_aad");
        // Plain concatenation would give "tenant-aP" ‖ "ERSON" = "tenant-a" ‖ "PERSON" shifted; the prefixes tell them apart.
        yield return new TestCaseData(("tenant-A", "7QH2K9MX3A", "B_C", 1), ("tenant-", "7QH2K9MX3A", "AB_C", 1)).SetName("Moving_characters_between_fields_gives_different_aad");
    }

    [TestCaseSource(nameof(Neighbours))]
    public void Injective((string, string, string, int) a, (string, string, string, int) b) =>
        Assert.That(ValueAad.For(a.Item1, a.Item2, a.Item3, a.Item4), Is.Not.EqualTo(ValueAad.For(b.Item1, b.Item2, b.Item3, b.Item4)));

    public static IEnumerable<TestCaseData> Rejections()
    {
        yield return new TestCaseData("", "7QH2K9MX3A", "PERSON", 1, "tenantId").SetName("An_empty_tenant_is_refused");
        yield return new TestCaseData("tenant-\ud800", "7QH2K9MX3A", "PERSON", 1, "tenantId").SetName("A_tenant_with_an_unpaired_surrogate_is_refused");
        yield return new TestCaseData("tenant-a", "7qh2k9mx3a", "PERSON", 1, "tokenId").SetName("A_lower_case_token_id_is_refused");
        yield return new TestCaseData("tenant-a", "7QH2K9MX3", "PERSON", 1, "tokenId").SetName("A_nine_character_token_id_is_refused");
        yield return new TestCaseData("tenant-a", "7QH2K9MX3A", "person", 1, "entityType").SetName("A_lower_case_entity_type_is_refused");
        yield return new TestCaseData("tenant-a", "7QH2K9MX3A", "", 1, "entityType").SetName("An_empty_entity_type_is_refused");
        yield return new TestCaseData("tenant-a", "7QH2K9MX3A", "PERSON", -1, "keyVersion").SetName("A_negative_key_version_is_refused");
    }

    [TestCaseSource(nameof(Rejections))]
    public void Rejected(string tenant, string token, string type, int version, string parameter)
    {
        var e = Assert.Throws(Is.InstanceOf<ArgumentException>(), () => ValueAad.For(tenant, token, type, version)) as ArgumentException;

        Assert.That(e!.ParamName, Is.EqualTo(parameter));
        Assert.That(e.Message, Does.Not.Contain("tenant-").And.Not.Contain("7QH2K9MX3").And.Not.Contain("7qh2k9mx3a"));
    }
}

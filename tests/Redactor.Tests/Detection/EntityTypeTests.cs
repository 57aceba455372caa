namespace PrivateInference.Redactor.Tests.Detection;

/// <summary>The wire names are a public contract of the JSONL output.</summary>
public sealed class EntityTypeTests
{
    [TestCase(EntityType.Pan, "PAN")]
    [TestCase(EntityType.TrackData, "TRACK_DATA")]
    [TestCase(EntityType.Cvv, "CVV")]
    [TestCase(EntityType.Expiry, "EXPIRY")]
    [TestCase(EntityType.Ssn, "SSN")]
    [TestCase(EntityType.Iban, "IBAN")]
    public void Wire_name_is_stable(EntityType type, string wireName) =>
        Assert.That(type.WireName(), Is.EqualTo(wireName));

    [Test]
    public void Every_card_data_type_is_known_to_the_engine() =>
        Assert.That(EntityTypes.All, Is.SupersetOf(CardData.Types));
}

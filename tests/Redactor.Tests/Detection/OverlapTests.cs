namespace PrivateInference.Redactor.Tests.Detection;

/// <summary>Spec §4 overlaps: one entity per character, resolved deterministically, sorted by start.</summary>
public sealed class OverlapTests
{
    public static IEnumerable<TestCaseData> Cases()
    {
        yield return Row.Finds("Mixed_text_with_every_type_gives_each_entity_once", MixedText.Marked, MixedText.Types);
        yield return Row.Finds(
            "Iban_whose_bban_holds_a_grouped_visa_is_one_iban",
            "IBAN «DE95 4111 1111 1111 1111 00» on file",
            EntityType.Iban);
        yield return Row.Finds(
            "Ungrouped_iban_whose_bban_holds_a_visa_is_one_iban",
            "IBAN «DE95411111111111111100» on file",
            EntityType.Iban);
        yield return Row.Finds(
            "Track_2_holding_a_pan_and_an_expiry_is_one_track",
            "«;4111111111111111=27121010000000000000?» exp «12/27»",
            EntityType.TrackData,
            EntityType.Expiry);
        yield return Row.Finds(
            "Pan_directly_followed_by_expiry_are_two_adjacent_entities",
            "«4111 1111 1111 1111» «12/27»",
            EntityType.Pan,
            EntityType.Expiry);
        yield return Row.Finds(
            "Pan_then_ssn_then_cvv_are_three_entities_in_order",
            "«5555555555554444» SSN «123-45-6789» CVV «999»",
            EntityType.Pan,
            EntityType.Ssn,
            EntityType.Cvv);
    }

    [TestCaseSource(nameof(Cases))]
    public void Overlap_is_resolved(string marked, EntityType[] types) => Scanner.AssertFinds(marked, types);

    [Test]
    public void Iban_test_data_is_mod97_valid()
    {
        Assert.That(Ibans.IsMod97Valid("DE95411111111111111100"), Is.True);
        Assert.That(Ibans.IsMod97Valid("DE89370400440532013000"), Is.True);
    }

    [Test]
    public void Mixed_text_results_are_sorted_and_never_overlap()
    {
        var entities = Scanner.Scan(MixedText.Text);
        Assert.That(entities, Is.Not.Empty);
        Assert.That(entities.Select(e => e.Start), Is.Ordered);
        for (var i = 1; i < entities.Count; i++)
        {
            Assert.That(entities[i - 1].Overlaps(entities[i]), Is.False, $"{Hit.From(entities[i - 1])} overlaps {Hit.From(entities[i])}");
        }
    }

    [Test]
    public void Mixed_text_yields_every_card_data_type()
    {
        var types = Scanner.Scan(MixedText.Text).Select(e => e.Type).Distinct();
        Assert.That(types, Is.SupersetOf(CardData.Types));
    }

    [Test]
    public void Scanning_the_same_text_twice_gives_identical_results()
    {
        var first = DetectionEngine.Default.Scan(MixedText.Text);
        var second = DetectionEngine.Default.Scan(MixedText.Text);
        Assert.That(second, Is.EqualTo(first));
    }

    [Test]
    public void Scanning_concurrently_gives_identical_results()
    {
        var text = MixedText.Text;
        var expected = DetectionEngine.Default.Scan(text);
        var results = new IReadOnlyList<DetectedEntity>[16];
        Parallel.For(0, results.Length, i => results[i] = DetectionEngine.Default.Scan(text));
        foreach (var result in results)
        {
            Assert.That(result, Is.EqualTo(expected));
        }
    }

    [Test]
    public void Every_table_text_gives_sorted_non_overlapping_well_formed_results()
    {
        var rows = PanDetectionTests.Cases().Concat(PanDetectionTests.Negatives())
            .Concat(TrackDataDetectionTests.Cases())
            .Concat(CvvDetectionTests.Cases()).Concat(CvvDetectionTests.Negatives())
            .Concat(ExpiryDetectionTests.Cases()).Concat(ExpiryDetectionTests.Negatives())
            .Concat(SsnDetectionTests.Cases()).Concat(SsnDetectionTests.Negatives())
            .Concat(IbanDetectionTests.Cases()).Concat(IbanDetectionTests.Negatives())
            .Concat(HardNegativeTests.Negatives())
            .Concat(PanDetectionTests.CardShapedAfterOtherWording())
            .Concat(BadInputTests.Cases())
            .Concat(Cases());
        var count = 0;
        foreach (var row in rows)
        {
            _ = Scanner.Scan(Row.TextOf(row));
            count++;
        }

        Assert.That(count, Is.GreaterThan(100));
    }
}

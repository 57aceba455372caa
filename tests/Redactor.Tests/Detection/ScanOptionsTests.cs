namespace PrivateInference.Redactor.Tests.Detection;

/// <summary>Spec §4 confidence and filters: 0 &lt; confidence ≤ 1, type filter, minimum confidence.</summary>
public sealed class ScanOptionsTests
{
    public static IEnumerable<TestCaseData> EachType() =>
        EntityTypes.All.Select(type => new TestCaseData(type).SetName($"Filtering_to_{type.WireName()}_returns_only_and_all_of_that_type"));

    [Test]
    public void Every_found_entity_has_confidence_above_zero_and_at_most_one()
    {
        var entities = DetectionEngine.Default.Scan(MixedText.Text);
        Assert.That(entities, Is.Not.Empty);
        Assert.That(entities.Select(e => e.Confidence), Is.All.GreaterThan(0.0).And.All.LessThanOrEqualTo(1.0));
    }

    [Test]
    public void Ssn_only_filter_returns_only_the_ssn()
    {
        var options = new ScanOptions { Types = new HashSet<EntityType> { EntityType.Ssn } };
        var actual = DetectionEngine.Default.Scan(MixedText.Text, options).Select(Hit.From);
        var expected = MixedText.Expected.Where(h => h.Type == EntityType.Ssn);
        Assert.That(expected, Is.Not.Empty);
        Assert.That(actual, Is.EqualTo(expected));
    }

    [TestCaseSource(nameof(EachType))]
    public void Type_filter(EntityType type)
    {
        var options = new ScanOptions { Types = new HashSet<EntityType> { type } };
        var actual = DetectionEngine.Default.Scan(MixedText.Text, options).Select(Hit.From).ToList();
        Assert.That(actual.Select(h => h.Type), Is.All.EqualTo(type));
        Assert.That(actual, Is.SupersetOf(MixedText.Expected.Where(h => h.Type == type)));
    }

    [Test]
    public void Minimum_confidence_above_one_returns_nothing()
    {
        var options = new ScanOptions { MinConfidence = 1.01 };
        Assert.That(DetectionEngine.Default.Scan(MixedText.Text, options), Is.Empty);
    }

    [Test]
    public void Null_options_mean_the_defaults()
    {
        var withNull = DetectionEngine.Default.Scan(MixedText.Text);
        var withDefaults = DetectionEngine.Default.Scan(MixedText.Text, ScanOptions.Default);
        Assert.That(withNull, Is.EqualTo(withDefaults));
    }

    [Test]
    public void Default_minimum_confidence_is_one_half()
    {
        Assert.That(new ScanOptions().MinConfidence, Is.EqualTo(0.5));
    }

    [Test]
    public void Every_returned_entity_is_at_or_above_the_minimum_confidence()
    {
        foreach (var min in new[] { 0.5, 0.7, 0.9 })
        {
            var entities = DetectionEngine.Default.Scan(MixedText.Text, new ScanOptions { MinConfidence = min });
            Assert.That(entities.Select(e => e.Confidence), Is.All.GreaterThanOrEqualTo(min), $"MinConfidence {min}");
        }
    }
}

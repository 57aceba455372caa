namespace PrivateInference.Redactor.Tests.Detection.Support;

/// <summary>Runs the engine and checks what every result must satisfy, whatever the input.</summary>
public static class Scanner
{
    public static readonly TimeSpan Limit = TimeSpan.FromSeconds(10);

    public static IReadOnlyList<DetectedEntity> Scan(string text, ScanOptions? options = null)
    {
        var entities = DetectionEngine.Default.Scan(text, options);
        AssertWellFormed(text.Length, entities);
        return entities;
    }

    /// <summary>Asserts that scanning <paramref name="marked"/> finds exactly the marked card-data entities.</summary>
    public static void AssertFinds(string marked, IReadOnlyList<EntityType> types, ScanOptions? options = null)
    {
        var (text, expected) = MarkedText.Expect(marked, types);
        var entities = DetectionEngine.Default.Scan(text, options);
        Assert.That(CardData.HitsIn(entities), Is.EqualTo(expected), $"card-data entities found in a {text.Length}-char text");
        AssertWellFormed(text.Length, entities);
    }

    /// <summary>Asserts that scanning <paramref name="text"/> finds no card-data entity (other kinds may be found).</summary>
    public static void AssertFindsNothing(string text)
    {
        var entities = DetectionEngine.Default.Scan(text);
        Assert.That(CardData.HitsIn(entities), Is.Empty, $"card-data entities found in a {text.Length}-char text that has none");
        AssertWellFormed(text.Length, entities);
    }

    /// <summary>Scans on a worker and fails if it takes longer than <see cref="Limit"/>.</summary>
    /// <remarks>NUnit cannot abort a thread on .NET, so a hang fails the test and leaves the worker.</remarks>
    public static async Task<IReadOnlyList<DetectedEntity>> ScanWithinLimitAsync(string text, ScanOptions? options = null)
    {
        var scan = Task.Run(() => DetectionEngine.Default.Scan(text, options));
        var first = await Task.WhenAny(scan, Task.Delay(Limit)).ConfigureAwait(false);
        Assert.That(first, Is.SameAs(scan), $"scan of a {text.Length}-char text did not finish within {Limit.TotalSeconds} s");
        var entities = await scan.ConfigureAwait(false);
        AssertWellFormed(text.Length, entities);
        return entities;
    }

    /// <summary>Ordered by start, non-overlapping, inside the text, non-empty, 0 &lt; confidence ≤ 1, named recognizer.</summary>
    public static void AssertWellFormed(int textLength, IReadOnlyList<DetectedEntity> entities)
    {
        var previousEnd = 0;
        for (var i = 0; i < entities.Count; i++)
        {
            var e = entities[i];
            var at = $"entity #{i} {Hit.From(e)} of {entities.Count} in a {textLength}-char text";
            Assert.That(e.Start, Is.GreaterThanOrEqualTo(0), at);
            Assert.That(e.End, Is.GreaterThan(e.Start), at);
            Assert.That(e.End, Is.LessThanOrEqualTo(textLength), at);
            Assert.That(e.Start, Is.GreaterThanOrEqualTo(previousEnd), $"{at}: overlaps or precedes the previous entity");
            Assert.That(e.Confidence, Is.GreaterThan(0.0).And.LessThanOrEqualTo(1.0), at);
            Assert.That(e.Recognizer, Is.Not.Null.And.Not.Empty, at);
            previousEnd = e.End;
        }
    }
}

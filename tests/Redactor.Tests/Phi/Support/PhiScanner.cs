namespace PrivateInference.Redactor.Tests.Phi.Support;

/// <summary>Runs the engine and compares the PHI types a row names: type, start and end, exactly.</summary>
public static class PhiScanner
{
    /// <summary>The entities of the compared types, as hits, in the engine's order.</summary>
    public static List<Hit> HitsIn(IEnumerable<DetectedEntity> entities, IReadOnlyCollection<EntityType> compared) =>
        entities.Where(e => compared.Contains(e.Type)).Select(Hit.From).ToList();

    /// <summary>Among <paramref name="compared"/>, scanning <paramref name="marked"/> finds exactly the marked entities.</summary>
    public static void AssertFinds(string marked, IReadOnlyList<EntityType> types, IReadOnlyCollection<EntityType> compared)
    {
        var (text, expected) = MarkedText.Expect(marked, types);
        var entities = DetectionEngine.Default.Scan(text);
        Assert.That(HitsIn(entities, compared), Is.EqualTo(expected), $"{Names(compared)} entities found in a {text.Length}-char text");
        Scanner.AssertWellFormed(text.Length, entities);
    }

    /// <summary>Scanning <paramref name="text"/> finds no entity of <paramref name="compared"/>; other kinds may be found.</summary>
    public static void AssertFindsNone(string text, IReadOnlyCollection<EntityType> compared)
    {
        var entities = DetectionEngine.Default.Scan(text);
        Assert.That(HitsIn(entities, compared), Is.Empty, $"{Names(compared)} entities found in a {text.Length}-char text that has none");
        Scanner.AssertWellFormed(text.Length, entities);
    }

    /// <summary>Scanning the same text twice gives the same entities, confidences and recognizers.</summary>
    public static void AssertSameTwice(string text)
    {
        var first = DetectionEngine.Default.Scan(text);
        var second = DetectionEngine.Default.Scan(text);
        Assert.That(second, Is.EqualTo(first), $"second scan of a {text.Length}-char text differs from the first");
        Scanner.AssertWellFormed(text.Length, first);
    }

    private static string Names(IReadOnlyCollection<EntityType> types) => string.Join("/", types.Select(t => t.WireName()));
}

using PrivateInference.Redactor.Detection.Text;

namespace PrivateInference.Redactor.Detection;

/// <summary>A recognizer for entities anchored on digits: it inspects each numeric cluster once.</summary>
internal interface INumericRecognizer
{
    /// <summary>Stable name reported with each entity.</summary>
    string Name { get; }

    /// <summary>Adds candidates found in or around <paramref name="cluster"/> to <paramref name="state"/>.</summary>
    void Inspect(ReadOnlySpan<char> text, NumericCluster cluster, ScanState state);
}

/// <summary>A recognizer that inspects each word once, in text order.</summary>
internal interface IWordRecognizer
{
    /// <summary>Stable name reported with each entity.</summary>
    string Name { get; }

    /// <summary>Looks at one word (and the text around it); adds candidates to <paramref name="state"/>.</summary>
    void Inspect(ReadOnlySpan<char> text, in Word word, ScanState state);
}

/// <summary>A recognizer with its own fast anchor search over the whole text (for '@', "://", …).</summary>
internal interface ITextRecognizer
{
    /// <summary>Stable name reported with each entity.</summary>
    string Name { get; }

    /// <summary>Adds every candidate in <paramref name="text"/> to <paramref name="state"/>.</summary>
    void Recognize(ReadOnlySpan<char> text, ScanState state);
}

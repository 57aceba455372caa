using PrivateInference.Redactor.Detection.Text;

namespace PrivateInference.Redactor.Detection.Recognizers;

/// <summary>A recognizer for entities anchored on digits: it inspects each numeric cluster once.</summary>
internal interface INumericRecognizer
{
    /// <summary>Stable name reported with each entity.</summary>
    string Name { get; }

    /// <summary>Adds candidates found in or around <paramref name="cluster"/> to <paramref name="state"/>.</summary>
    void Inspect(ReadOnlySpan<char> text, NumericCluster cluster, ScanState state);
}

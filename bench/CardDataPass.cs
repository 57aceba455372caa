using PrivateInference.Redactor.Detection;
using PrivateInference.Redactor.Detection.Recognizers;
using PrivateInference.Redactor.Detection.Text;

namespace PrivateInference.Bench;

/// <summary>
/// The engine's digit pass (see <see cref="DetectionEngine"/>) with a chosen set of numeric recognizers,
/// followed by the engine's overlap resolution: lets <see cref="TimeBreakdown"/> time one recognizer at a
/// time, which <see cref="ScanOptions.Types"/> cannot (it selects by entity type). Mirrors the engine's
/// loop through the internals it makes visible to the bench.
/// </summary>
internal static class CardDataPass
{
    /// <summary>The card-data recognizers, in the engine's order.</summary>
    public static INumericRecognizer[] CardRecognizers() =>
    [
        new TrackDataRecognizer(),
        new IbanRecognizer(),
        new PanRecognizer(),
        new SsnRecognizer(),
        new ExpiryRecognizer(),
        new CvvRecognizer(),
    ];

    /// <summary>Scans one text with <paramref name="recognizers"/>; returns the number of entities (after
    /// overlap resolution when <paramref name="resolve"/> is set, otherwise the raw candidates).</summary>
    public static int Scan(ReadOnlySpan<char> text, INumericRecognizer[] recognizers, bool resolve = true)
    {
        var state = ScanState.Rent();
        try
        {
            var hasWideDigits = text.IndexOfAnyInRange('\uFF10', '\uFF19') >= 0;
            var cluster = state.Cluster;
            var position = 0;
            while (position < text.Length)
            {
                var rest = text[position..];
                var offset = hasWideDigits ? rest.IndexOfAny(Chars.AnyDigit) : rest.IndexOfAnyInRange('0', '9');
                if (offset < 0)
                {
                    break;
                }

                var start = position + offset;
                var end = cluster.Read(text, start);
                foreach (var recognizer in recognizers)
                {
                    recognizer.Inspect(text, cluster, state);
                }

                position = Math.Max(end, start + 1);
            }

            return resolve ? OverlapResolver.Resolve(state.Candidates, ScanOptions.Default).Count : state.Candidates.Count;
        }
        finally
        {
            ScanState.Return(state);
        }
    }
}

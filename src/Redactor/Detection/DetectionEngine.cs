using PrivateInference.Redactor.Detection.Recognizers;

namespace PrivateInference.Redactor.Detection;

/// <summary>Finds sensitive entities in text in one linear pass. Thread-safe; create once.</summary>
/// <remarks>
/// Every card-data entity contains digits, so the engine jumps from digit to digit with a vectorized
/// search, reads the numeric cluster there once, and lets each recognizer inspect it. Work per cluster is
/// bounded, so a scan is linear in the input whatever it contains; there are no backtracking regexes.
/// </remarks>
public sealed class DetectionEngine
{
    private readonly INumericRecognizer[] _recognizers;

    private DetectionEngine(INumericRecognizer[] recognizers) => _recognizers = recognizers;

    /// <summary>The engine with every built-in recognizer.</summary>
    public static DetectionEngine Default { get; } = new(
    [
        // Order matters: later recognizers read what earlier ones found (the PAN before an expiry,
        // the expiry before a trailing CVV).
        new TrackDataRecognizer(),
        new IbanRecognizer(),
        new PanRecognizer(),
        new SsnRecognizer(),
        new ExpiryRecognizer(),
        new CvvRecognizer(),
    ]);

    /// <summary>Names of the recognizers, in the order they run.</summary>
    public IReadOnlyList<string> RecognizerNames => _recognizers.Select(r => r.Name).ToArray();

    /// <summary>Scans <paramref name="text"/>; returns non-overlapping entities ordered by start.</summary>
    public IReadOnlyList<DetectedEntity> Scan(string text, ScanOptions? options = null) =>
        Scan(text.AsSpan(), options);

    /// <summary>Scans <paramref name="text"/>; returns non-overlapping entities ordered by start.</summary>
    public IReadOnlyList<DetectedEntity> Scan(ReadOnlySpan<char> text, ScanOptions? options = null)
    {
        options ??= ScanOptions.Default;
        var state = ScanState.Rent();
        try
        {
            var hasWideDigits = text.IndexOfAnyInRange('\uFF10', '\uFF19') >= 0;
            var cluster = state.Cluster;
            var position = 0;
            while (position < text.Length)
            {
                var rest = text[position..];
                var offset = hasWideDigits ? rest.IndexOfAny(Text.Chars.AnyDigit) : rest.IndexOfAnyInRange('0', '9');
                if (offset < 0)
                {
                    break;
                }

                var start = position + offset;
                var end = cluster.Read(text, start);
                foreach (var recognizer in _recognizers)
                {
                    recognizer.Inspect(text, cluster, state);
                }

                position = Math.Max(end, start + 1);
            }

            return OverlapResolver.Resolve(state.Candidates, options);
        }
        finally
        {
            ScanState.Return(state);
        }
    }
}

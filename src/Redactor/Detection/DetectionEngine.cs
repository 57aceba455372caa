using PrivateInference.Redactor.Detection.Addresses;
using PrivateInference.Redactor.Detection.Dates;
using PrivateInference.Redactor.Detection.Identifiers;
using PrivateInference.Redactor.Detection.People;
using PrivateInference.Redactor.Detection.Recognizers;
using PrivateInference.Redactor.Detection.Sequences;
using PrivateInference.Redactor.Detection.Text;

namespace PrivateInference.Redactor.Detection;

/// <summary>Finds sensitive entities in text in one linear pass. Thread-safe; create once.</summary>
/// <remarks>
/// Three passes, each linear: (1) the engine jumps from digit to digit with a vectorized search, reads the
/// numeric cluster there once and lets each numeric recognizer inspect it; (2) it walks the words once for
/// word recognizers (month names, identifiers, names); (3) anchor recognizers search for their own rare
/// anchors ('@', "://", "::"). Work per cluster, word and anchor is bounded, so a scan is linear in the
/// input whatever it contains; there are no backtracking regexes.
/// </remarks>
public sealed class DetectionEngine
{
    private readonly INumericRecognizer[] _numeric;
    private readonly IWordRecognizer[] _words;
    private readonly ITextRecognizer[] _anchored;

    private DetectionEngine(INumericRecognizer[] numeric, IWordRecognizer[] words, ITextRecognizer[] anchored)
    {
        _numeric = numeric;
        _words = words;
        _anchored = anchored;
    }

    /// <summary>The engine with every built-in recognizer.</summary>
    public static DetectionEngine Default { get; } = CreateDefault();

    private static DetectionEngine CreateDefault()
    {
        var ip = new IpAddressRecognizer();
        return new DetectionEngine(
            [
                // Order matters: later recognizers read what earlier ones found (the PAN before an expiry,
                // the expiry before a trailing CVV, card data before a phone number).
                new TrackDataRecognizer(),
                new IbanRecognizer(),
                new PanRecognizer(),
                new SsnRecognizer(),
                new ExpiryRecognizer(),
                new CvvRecognizer(),
                ip,
                new NumericDateRecognizer(),
                new AgeRecognizer(),
                new PhoneRecognizer(),
                new AddressRecognizer(),
            ],
            [
                new MonthNameDateRecognizer(),
                new IdentifierRecognizer(),
            ],
            [
                new EmailRecognizer(),
                new UrlRecognizer(),
                ip,
                new PersonRecognizer(),
            ]);
    }

    /// <summary>Names of the recognizers, in the order they run.</summary>
    public IReadOnlyList<string> RecognizerNames =>
        _numeric.Select(r => r.Name).Concat(_words.Select(r => r.Name)).Concat(_anchored.Select(r => r.Name)).Distinct().ToArray();

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
                foreach (var recognizer in _numeric)
                {
                    recognizer.Inspect(text, cluster, state);
                }

                position = Math.Max(end, start + 1);
            }

            ScanWords(text, state);
            foreach (var recognizer in _anchored)
            {
                recognizer.Recognize(text, state);
            }

            return OverlapResolver.Resolve(state.Candidates, options);
        }
        finally
        {
            ScanState.Return(state);
        }
    }

    private void ScanWords(ReadOnlySpan<char> text, ScanState state)
    {
        var p = 0;
        while (p < text.Length)
        {
            var c = text[p];
            if (!(char.IsAsciiLetterOrDigit(c) || (c >= 128 && char.IsLetterOrDigit(c))))
            {
                p++;
                continue;
            }

            var word = Word.Read(text, p);
            foreach (var recognizer in _words)
            {
                recognizer.Inspect(text, word, state);
            }

            p = Math.Max(word.End, p + 1);
        }
    }
}

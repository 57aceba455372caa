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
    private static readonly EntityType[] CardData = [EntityType.Pan, EntityType.TrackData, EntityType.Cvv, EntityType.Expiry];

    private readonly Registered<INumericRecognizer>[] _numeric;
    private readonly Registered<IWordRecognizer>[] _words;
    private readonly Registered<ITextRecognizer>[] _anchored;
    private readonly INumericRecognizer[] _allNumeric;
    private readonly IWordRecognizer[] _allWords;
    private readonly ITextRecognizer[] _allAnchored;

    private DetectionEngine(Registered<INumericRecognizer>[] numeric, Registered<IWordRecognizer>[] words, Registered<ITextRecognizer>[] anchored)
    {
        _numeric = numeric;
        _words = words;
        _anchored = anchored;
        _allNumeric = numeric.Select(r => r.Recognizer).ToArray();
        _allWords = words.Select(r => r.Recognizer).ToArray();
        _allAnchored = anchored.Select(r => r.Recognizer).ToArray();
    }

    /// <summary>The engine with every built-in recognizer.</summary>
    public static DetectionEngine Default { get; } = CreateDefault();

    private static DetectionEngine CreateDefault()
    {
        var ip = new IpAddressRecognizer();
        EntityType[] identifiers = [EntityType.Mrn, EntityType.AccountNumber, EntityType.HealthPlanId, EntityType.LicenseNumber, EntityType.DeviceId, EntityType.Vin];
        return new DetectionEngine(
            [
                // Order matters: later recognizers read what earlier ones found (the PAN before an expiry,
                // the expiry before a trailing CVV, card data before a phone number).
                new(new TrackDataRecognizer(), [EntityType.TrackData]),
                new(new IbanRecognizer(), [EntityType.Iban]),
                new(new PanRecognizer(), CardData),
                new(new SsnRecognizer(), [EntityType.Ssn]),
                new(new ExpiryRecognizer(), [EntityType.Expiry, EntityType.Cvv]),
                new(new CvvRecognizer(), [EntityType.Cvv]),
                new(ip, [EntityType.IpAddress]),
                new(new NumericDateRecognizer(), [EntityType.Date]),
                new(new AgeRecognizer(), [EntityType.Age]),
                new(new PhoneRecognizer(), [EntityType.Phone]),
                new(new AddressRecognizer(), [EntityType.Address, EntityType.Zip]),
            ],
            [
                new(new MonthNameDateRecognizer(), [EntityType.Date]),
                new(new IdentifierRecognizer(), identifiers),
            ],
            [
                new(new EmailRecognizer(), [EntityType.Email]),
                new(new UrlRecognizer(), [EntityType.Url]),
                new(ip, [EntityType.IpAddress, EntityType.DeviceId]),
                new(new PersonRecognizer(), [EntityType.Person, EntityType.Mrn]),
                new(new RecordNumberAfterNameRecognizer(), [EntityType.Mrn]),
            ]);
    }

    /// <summary>Names of the recognizers, in the order they run.</summary>
    public IReadOnlyList<string> RecognizerNames =>
        _numeric.Select(r => r.Recognizer.Name).Concat(_words.Select(r => r.Recognizer.Name)).Concat(_anchored.Select(r => r.Recognizer.Name)).Distinct().ToArray();

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
            // Only recognizers that can produce a wanted type run: a payments tenant that wants card data
            // only does not pay for name or date detection.
            var numeric = options.Types is null ? _allNumeric : Active(_numeric, options);
            var words = options.Types is null ? _allWords : Active(_words, options);
            var anchored = options.Types is null ? _allAnchored : Active(_anchored, options);
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
                foreach (var recognizer in numeric)
                {
                    recognizer.Inspect(text, cluster, state);
                }

                position = Math.Max(end, start + 1);
            }

            if (words.Length > 0)
            {
                ScanWords(text, words, state);
            }

            foreach (var recognizer in anchored)
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

    private T[] Active<T>(Registered<T>[] registered, ScanOptions options)
        where T : class
    {
        // Per type set, computed once: a tenant's policy repeats on every request.
        var key = (typeof(T), TypeMask(options));
        return (T[])_activeCache.GetOrAdd(key, static (_, state) =>
            state.registered.Where(r => r.Produces.Any(state.options.Wants)).Select(r => r.Recognizer).ToArray(), (registered, options));
    }

    private readonly System.Collections.Concurrent.ConcurrentDictionary<(Type, int), object> _activeCache = new();

    private static int TypeMask(ScanOptions options)
    {
        var mask = 0;
        foreach (var type in options.Types!)
        {
            mask |= 1 << (int)type;
        }

        return mask;
    }

    private static void ScanWords(ReadOnlySpan<char> text, IWordRecognizer[] words, ScanState state)
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
            foreach (var recognizer in words)
            {
                recognizer.Inspect(text, word, state);
            }

            p = Math.Max(word.End, p + 1);
        }
    }

    /// <summary>A recognizer and the entity types its output can contain (or that its output makes possible).</summary>
    private sealed record Registered<T>(T Recognizer, EntityType[] Produces)
        where T : class;
}

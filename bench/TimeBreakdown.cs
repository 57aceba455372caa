using System.Globalization;
using PrivateInference.Bench.Corpus;
using PrivateInference.Redactor.Detection;

namespace PrivateInference.Bench;

/// <summary>
/// Where a corpus pass spends its time: the engine's digit pass with parts switched on one at a time
/// (<see cref="CardDataPass"/>), then the full engine. Card-data recognizers are timed one by one on top
/// of reading clusters.
/// </summary>
/// <remarks>A recognizer alone may do slightly different work than in the chain (it does not see what
/// earlier ones found), which is why the parts do not add up exactly. Recognizers for other entities
/// (names, dates, phones, …) are timed together as the rest of the full scan; a profiler splits them.</remarks>
internal static class TimeBreakdown
{
    private const int Warmups = 2;
    private const int Runs = 7;

    public static void Run()
    {
        var corpus = SyntheticCorpus.Shared;
        var documents = corpus.Documents;
        Console.WriteLine(FormattableString.Invariant($"time breakdown: best of {Runs} passes over the corpus ({corpus.Megabytes:F1} MB), single thread"));
        Console.WriteLine();
        Console.WriteLine($"| {"Stage",-58} | {"ms / pass",9} | {"MB/s",7} | {"share of full scan",18} |");
        Console.WriteLine($"|{new string('-', 60)}|{new string('-', 10)}:|{new string('-', 8)}:|{new string('-', 19)}:|");

        var full = Time(() => FullScan(documents));
        var clusters = Time(() => Pass(documents, [], resolve: false));
        var warmedUp = Time(() => Pass(documents, [], resolve: false));
        clusters = Math.Min(clusters, warmedUp);
        var stages = new List<(string Name, double Ms)>
        {
            ("digit search only (IndexOfAnyInRange, skip the run)", Time(() => DigitSearch(documents))),
            ("digit pass: cluster reading, no recognizer", clusters),
        };
        foreach (var recognizer in CardDataPass.CardRecognizers())
        {
            var ms = Time(() => Pass(documents, [recognizer], resolve: false));
            stages.Add(($"  + {recognizer.Name} alone (its increment: {ms - clusters:F1} ms)", ms));
        }

        var cardPass = Time(() => Pass(documents, CardDataPass.CardRecognizers(), resolve: true));
        stages.Add(("card-data recognizers together, with overlap resolution", cardPass));
        stages.Add(("Scan with ScanOptions.Types = card data", Time(() => CardTypesScan(documents))));
        stages.Add(($"full DetectionEngine.Scan ({DetectionEngine.Default.RecognizerNames.Count} recognizers)", full));
        stages.Add(($"  of which not card data (full − card-data pass)", full - cardPass));

        foreach (var (name, ms) in stages)
        {
            Console.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"| {name,-58} | {ms,9:F1} | {corpus.Megabytes / (ms / 1e3),7:F0} | {100 * ms / full,17:F0}% |"));
        }
    }

    private static double Time(Action pass) => Timing.BestMilliseconds(pass, Warmups, Runs);

    private static int FullScan(IReadOnlyList<string> documents)
    {
        var n = 0;
        foreach (var d in documents)
        {
            n += DetectionEngine.Default.Scan(d).Count;
        }

        return n;
    }

    private static int CardTypesScan(IReadOnlyList<string> documents)
    {
        var n = 0;
        foreach (var d in documents)
        {
            n += DetectionEngine.Default.Scan(d, ScanThroughput.CardDataOptions).Count;
        }

        return n;
    }

    private static int Pass(IReadOnlyList<string> documents, INumericRecognizer[] recognizers, bool resolve)
    {
        var n = 0;
        foreach (var d in documents)
        {
            n += CardDataPass.Scan(d, recognizers, resolve);
        }

        return n;
    }

    /// <summary>The floor: visit every digit run and nothing else.</summary>
    private static int DigitSearch(IReadOnlyList<string> documents)
    {
        var runs = 0;
        foreach (var d in documents)
        {
            var text = d.AsSpan();
            var position = 0;
            while (position < text.Length)
            {
                var offset = text[position..].IndexOfAnyInRange('0', '9');
                if (offset < 0)
                {
                    break;
                }

                runs++;
                var start = position + offset;
                var length = text[start..].IndexOfAnyExceptInRange('0', '9');
                position = length < 0 ? text.Length : start + length;
            }
        }

        return runs;
    }
}

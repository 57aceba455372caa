using System.Text;

namespace PrivateInference.Bench.Corpus;

/// <summary>
/// A deterministic corpus of the text the Redactor sees: mostly clinical notes, then payment dispute
/// narratives and call transcripts, and a few terminal logs; 0.5–4 KB per document, numbers every few
/// dozen characters, payment card data in a few percent of documents.
/// </summary>
/// <remarks>The same seed gives the same documents on every machine and .NET version (a seeded
/// <see cref="Random"/> keeps its legacy algorithm), so figures from different runs are comparable.</remarks>
public sealed class SyntheticCorpus
{
    public const int DefaultSeed = 20_251_126;

    /// <summary>10 MB plus a margin, so the corpus is at least 10 MB however the last document falls.</summary>
    public const long DefaultTargetUtf8Bytes = 10_200_000;

    private const int MinDocumentLength = 500;
    private const int MaxDocumentLength = 3_900;

    private SyntheticCorpus(string[] documents, long utf8Bytes, long chars, IReadOnlyDictionary<string, int> kinds, Planted planted, int documentsWithCardData)
    {
        Documents = documents;
        Utf8Bytes = utf8Bytes;
        Chars = chars;
        DocumentsByKind = kinds;
        PlantedTotals = planted;
        DocumentsWithCardData = documentsWithCardData;
    }

    public IReadOnlyList<string> Documents { get; }

    /// <summary>Size of the corpus encoded as UTF-8: the "MB" of every MB/s figure.</summary>
    public long Utf8Bytes { get; }

    /// <summary>UTF-16 code units, what the engine actually walks.</summary>
    public long Chars { get; }

    public IReadOnlyDictionary<string, int> DocumentsByKind { get; }

    internal Planted PlantedTotals { get; }

    public int DocumentsWithCardData { get; }

    public double Megabytes => Utf8Bytes / 1e6;

    /// <summary>The corpus every command uses, built once per process.</summary>
    public static SyntheticCorpus Shared => SharedCorpus.Value;

    private static readonly Lazy<SyntheticCorpus> SharedCorpus = new(() => Generate());

    public static SyntheticCorpus Generate(int seed = DefaultSeed, long targetUtf8Bytes = DefaultTargetUtf8Bytes)
    {
        var fakes = new Fakes(new Random(seed));
        var documents = new List<string>();
        var kinds = new Dictionary<string, int>();
        var totals = new Planted();
        var withCardData = 0;
        long bytes = 0;
        long chars = 0;
        var sb = new StringBuilder(MaxDocumentLength + 512);
        while (bytes < targetUtf8Bytes)
        {
            sb.Clear();
            var planted = new Planted();
            var target = fakes.Between(MinDocumentLength, MaxDocumentLength);
            var roll = fakes.Random.Next(100);
            string kind;
            if (roll < 50)
            {
                kind = "clinical note";
                ClinicalNotes.Write(fakes, sb, target, planted);
            }
            else if (roll < 72)
            {
                kind = "payment dispute";
                PaymentDisputes.Write(fakes, sb, target, planted);
            }
            else if (roll < 94)
            {
                kind = "call transcript";
                CallTranscripts.Write(fakes, sb, target, planted);
            }
            else
            {
                kind = "terminal log";
                TerminalLogs.Write(fakes, sb, target, planted);
            }

            var document = sb.ToString();
            documents.Add(document);
            kinds[kind] = kinds.GetValueOrDefault(kind) + 1;
            totals.Add(planted);
            withCardData += planted.HasCardData ? 1 : 0;
            bytes += Encoding.UTF8.GetByteCount(document);
            chars += document.Length;
        }

        return new SyntheticCorpus([.. documents], bytes, chars, kinds, totals, withCardData);
    }

    /// <summary>A few lines that describe the corpus, for the console and docs/PERFORMANCE.md.</summary>
    public string Describe()
    {
        var numericClusters = 0L;
        foreach (var d in Documents)
        {
            numericClusters += CountNumbers(d);
        }

        var lengths = Documents.Select(d => Encoding.UTF8.GetByteCount(d)).ToArray();
        var p = PlantedTotals;
        var sb = new StringBuilder();
        sb.Append(System.Globalization.CultureInfo.InvariantCulture, $"corpus: {Documents.Count} documents, {Utf8Bytes:N0} bytes UTF-8 ({Megabytes:F2} MB), {Chars:N0} UTF-16 chars, seed {DefaultSeed}\n");
        sb.Append(System.Globalization.CultureInfo.InvariantCulture, $"  document size: min {lengths.Min():N0}, mean {lengths.Average():N0}, max {lengths.Max():N0} bytes\n");
        sb.Append("  mix: ").AppendJoin(", ", DocumentsByKind.OrderByDescending(k => k.Value).Select(k => FormattableString.Invariant($"{k.Key} {k.Value} ({100.0 * k.Value / Documents.Count:F0}%)"))).Append('\n');
        sb.Append(System.Globalization.CultureInfo.InvariantCulture, $"  numbers: {numericClusters:N0} digit runs, one every {Chars / (double)numericClusters:F0} chars on average\n");
        sb.Append(System.Globalization.CultureInfo.InvariantCulture, $"  card data in {DocumentsWithCardData} documents ({100.0 * DocumentsWithCardData / Documents.Count:F1}%); planted PAN {p.Pans}, track {p.Tracks}, expiry {p.Expiries}, CVV {p.Cvvs}, SSN {p.Ssns}, IBAN {p.Ibans}");
        return sb.ToString();
    }

    private static int CountNumbers(string text)
    {
        var count = 0;
        var span = text.AsSpan();
        while (true)
        {
            var i = span.IndexOfAnyInRange('0', '9');
            if (i < 0)
            {
                return count;
            }

            count++;
            span = span[i..];
            var end = span.IndexOfAnyExceptInRange('0', '9');
            if (end < 0)
            {
                return count;
            }

            span = span[end..];
        }
    }
}

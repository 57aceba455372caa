using System.Globalization;
using System.Text;

namespace PrivateInference.Eval.Corpus;

/// <summary>Counts of what the corpus holds, for the generator's output and the report.</summary>
public static class CorpusStatistics
{
    /// <summary>The order types are listed in: card data first, then PHI.</summary>
    public static readonly string[] TypeOrder =
    [
        "PAN", "TRACK_DATA", "CVV", "EXPIRY", "SSN", "IBAN",
        "PERSON", "MRN", "DATE", "AGE", "PHONE", "EMAIL", "URL", "IP_ADDRESS", "ADDRESS", "ZIP",
        "ACCOUNT_NUMBER", "HEALTH_PLAN_ID", "LICENSE_NUMBER", "DEVICE_ID", "VIN",
    ];

    public static IEnumerable<string> Ordered(IEnumerable<string> types) =>
        types.Distinct(StringComparer.Ordinal)
            .OrderBy(t => Array.IndexOf(TypeOrder, t) is var i && i >= 0 ? i : int.MaxValue)
            .ThenBy(t => t, StringComparer.Ordinal);

    public static IReadOnlyList<(string Kind, int Documents)> Kinds(IReadOnlyList<CorpusDocument> documents) =>
        documents.GroupBy(d => d.Kind, StringComparer.Ordinal).Select(g => (g.Key, g.Count())).OrderBy(k => k.Key, StringComparer.Ordinal).ToList();

    public static IReadOnlyList<(string Type, int Spans)> Types(IReadOnlyList<CorpusDocument> documents)
    {
        var counts = documents.SelectMany(d => d.Spans).GroupBy(s => s.Type, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        return Ordered(counts.Keys).Select(t => (t, counts[t])).ToList();
    }

    public static IReadOnlyList<(string Label, int Spans)> NegativeLabels(IReadOnlyList<CorpusDocument> documents) =>
        documents.SelectMany(d => d.Negatives).GroupBy(n => n.Label, StringComparer.Ordinal)
            .Select(g => (g.Key, g.Count())).OrderByDescending(g => g.Item2).ThenBy(g => g.Key, StringComparer.Ordinal).ToList();

    public static string Describe(IReadOnlyList<CorpusDocument> documents)
    {
        var text = new StringBuilder();
        var chars = documents.Sum(d => (long)d.Text.Length);
        text.Append(CultureInfo.InvariantCulture, $"{documents.Count} documents, {chars:N0} UTF-16 chars, {documents.Sum(d => d.Spans.Count)} gold spans, {documents.Sum(d => d.Negatives.Count)} hard negatives\n");
        text.Append("kinds:     ").AppendJoin(", ", Kinds(documents).Select(k => $"{k.Kind} {k.Documents}")).Append('\n');
        text.Append("types:     ").AppendJoin(", ", Types(documents).Select(t => $"{t.Type} {t.Spans}")).Append('\n');
        text.Append("negatives: ").AppendJoin(", ", NegativeLabels(documents).Select(n => $"{n.Label} {n.Spans}"));
        return text.ToString();
    }
}

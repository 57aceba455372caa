using System.Globalization;
using System.Text;
using PrivateInference.Eval.Corpus;

namespace PrivateInference.Eval.Scoring;

/// <summary>Where and how a score was produced, for the report header.</summary>
public sealed record RunInfo(DateTime UtcNow, string Command, string CorpusPath, string? Commit, TimeSpan Elapsed, int ExitCode);

/// <summary>Renders a <see cref="ScoreResult"/> as docs/DETECTION.md and as a compact console summary.</summary>
public static class DetectionReport
{
    private const int ListLength = 30;
    private const int ContextRadius = 40;

    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static string Markdown(ScoreResult result, IReadOnlyList<CorpusDocument> documents, RunInfo run)
    {
        var md = new StringBuilder();
        var o = result.Overall;
        var chars = documents.Sum(d => (long)d.Text.Length);

        md.Append("# Detection quality\n\n");
        md.Append(Invariant, $"Scored on {run.UtcNow:yyyy-MM-dd} (UTC){(run.Commit is null ? "" : $" at commit `{run.Commit}`")} with:\n\n");
        md.Append("```bash\n").Append(run.Command).Append("\n```\n\n");
        md.Append(Invariant, $"The scorer writes each document's `{{id, text}}` to a temporary file, runs `pi scan --jsonl IN --out OUT` as a separate process (as an outside scorer would), and compares the spans it writes with the labels of `{run.CorpusPath}`: ");
        md.Append(Invariant, $"{documents.Count} synthetic documents ({chars:N0} UTF-16 characters) of {CorpusStatistics.Kinds(documents).Count} kinds — discharge summaries, progress notes, referral letters, lab reports, prior-authorisation requests, payment dispute narratives, call transcripts, support chats and emails — ");
        md.Append(Invariant, $"with {o.Gold:N0} labeled values of {result.Types.Count(t => t.Gold > 0)} types and {result.AllNegatives.Count:N0} labeled hard negatives (drug doses, ICD-10/CPT/NDC codes, NPIs, lab values, vitals, eponyms, masked PANs, order and tracking numbers, times, bare years, ages under 90, …). ");
        md.Append("How the corpus is built and labeled: [eval/README.md](../eval/README.md).\n\n");
        if (run.ExitCode != 0)
        {
            md.Append(Invariant, $"> `pi` exited with code {run.ExitCode}; documents without an output line count as having no predictions.\n\n");
        }

        md.Append("## Summary\n\n| measure | value |\n|---|---|\n");
        Row(md, "Exact match (span + type), micro P / R / F1", $"{F(o.ExactPrecision)} / {F(o.ExactRecall)} / {F(o.ExactF1)}");
        Row(md, "Overlap match (same type), micro P / R / F1", $"{F(o.OverlapPrecision)} / {F(o.OverlapRecall)} / {F(o.OverlapF1)}");
        Row(md, "Type-agnostic recall: gold spans fully covered by any prediction", $"{P(o.CoveredRecall)} ({o.CoveredAnyType:N0} of {o.Gold:N0})");
        Row(md, "Type-agnostic recall: gold spans touched by any prediction", $"{P(o.OverlappedRecall)} ({o.OverlappedAnyType:N0} of {o.Gold:N0})");
        Row(md, "Overall precision: predictions overlapping any gold span", $"{P(result.AnyOverlapPrecision)} ({o.PredictedOverlappingAnyGold:N0} of {o.Predicted:N0})");
        Row(md, "Leak rate: gold non-whitespace characters not covered", $"{P(o.LeakRate)} ({o.LeakedChars:N0} of {o.SensitiveChars:N0})");
        Row(md, "Hard negatives flagged (overlapped by any prediction)", $"{P(result.AllNegatives.FlaggedShare)} ({result.AllNegatives.Flagged:N0} of {result.AllNegatives.Count:N0})");
        Row(md, "Throughput of the `pi` call (process start included)", Throughput(documents, run));
        if (result.InvalidPredictions > 0)
        {
            Row(md, "Predictions outside the text or empty (ignored)", result.InvalidPredictions.ToString("N0", Invariant));
        }

        md.Append("\n## Per type\n\n");
        md.Append("Exact: same start, end and type. Overlap: a prediction of the same type overlaps the gold span. ");
        md.Append("Found (any type): the gold span's characters are all covered (*covered*) or at least touched (*touched*) by predictions of any type. ");
        md.Append("Leak: share of the type's non-whitespace gold characters no prediction covers.\n\n");
        md.Append("| type | gold | predicted | exact P | exact R | exact F1 | overlap P | overlap R | overlap F1 | found, covered | found, touched | leak |\n");
        md.Append("|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|\n");
        foreach (var t in result.Types.Append(o))
        {
            var name = t == o ? "**all**" : t.Type;
            md.Append(Invariant, $"| {name} | {t.Gold:N0} | {t.Predicted:N0} | {F(t.ExactPrecision)} | {F(t.ExactRecall)} | {F(t.ExactF1)} | {F(t.OverlapPrecision)} | {F(t.OverlapRecall)} | {F(t.OverlapF1)} | {P(t.CoveredRecall)} | {P(t.OverlappedRecall)} | {P(t.LeakRate)} |\n");
        }

        md.Append("\n## Why gold spans were not matched exactly\n\n");
        md.Append("*Missed*: no prediction touches it. *Partial*: touched, but some characters leak. *Wrong type*: fully covered, only by other types. *Boundary*: the right type overlaps it with other boundaries.\n\n");
        md.Append("| type | gold | exact | missed | partial | wrong type | boundary |\n|---|--:|--:|--:|--:|--:|--:|\n");
        foreach (var t in result.Types.Where(t => t.Gold > 0).Append(o))
        {
            var name = t == o ? "**all**" : t.Type;
            md.Append(Invariant, $"| {name} | {t.Gold:N0} | {t.ExactGold:N0} | {t.Missed:N0} | {t.Partial:N0} | {t.WrongType:N0} | {t.Boundary:N0} |\n");
        }

        md.Append("\n## Hard negatives\n\nShare of labeled look-alikes that some prediction overlaps (lower is better).\n\n");
        md.Append("| label | count | flagged | share |\n|---|--:|--:|--:|\n");
        foreach (var n in result.Negatives.Append(result.AllNegatives))
        {
            var name = n == result.AllNegatives ? "**all**" : n.Label;
            md.Append(Invariant, $"| {name} | {n.Count:N0} | {n.Flagged:N0} | {P(n.FlaggedShare)} |\n");
        }

        md.Append(Invariant, $"\n## Top {ListLength} missed gold spans\n\n");
        md.Append("Taken in turn from each type (most misses first), worst outcome first within a type. The value is shown in clear (the corpus is synthetic); in the context, the span is marked ⟦…⟧, other labeled values are masked as ‹TYPE› and line breaks shown as ⏎.\n\n");
        var misses = Scorer.RoundRobin(
            result.NotExact.OrderBy(m => m.Outcome).ThenBy(m => m.Document.Id, StringComparer.Ordinal).ThenBy(m => m.Span.Start),
            m => m.Span.Type,
            ListLength);
        if (misses.Count == 0)
        {
            md.Append("None: every gold span was matched exactly.\n");
        }
        else
        {
            md.Append("| # | type | doc | kind | outcome | value | context |\n|--:|---|---|---|---|---|---|\n");
            for (var i = 0; i < misses.Count; i++)
            {
                var m = misses[i];
                var outcome = m.Outcome switch
                {
                    GoldOutcome.Missed => "missed",
                    GoldOutcome.Partial => $"partial ({m.LeakedChars} chars leak; as {string.Join("/", m.FoundAs)})",
                    GoldOutcome.WrongType => $"wrong type ({string.Join("/", m.FoundAs)})",
                    _ => "boundary",
                };
                md.Append(Invariant, $"| {i + 1} | {m.Span.Type} | {m.Document.Id} | {m.Document.Kind} | {outcome} | {Code(m.Document.Text[m.Span.Start..m.Span.End])} | {Code(Context(m.Document, m.Span.Start, m.Span.End))} |\n");
            }
        }

        md.Append(Invariant, $"\n## Top {ListLength} false positives\n\n");
        md.Append("Predictions that overlap no gold span, taken in turn from each predicted type; *hits* names the hard negative they overlap, if any.\n\n");
        var falsePositives = Scorer.RoundRobin(
            result.FalsePositives.OrderBy(f => f.NegativeLabel is null ? 1 : 0).ThenBy(f => f.Document.Id, StringComparer.Ordinal).ThenBy(f => f.Prediction.Start),
            f => f.Prediction.Type,
            ListLength);
        if (falsePositives.Count == 0)
        {
            md.Append("None.\n");
        }
        else
        {
            md.Append("| # | predicted | doc | kind | hits | score | text | context |\n|--:|---|---|---|---|--:|---|---|\n");
            for (var i = 0; i < falsePositives.Count; i++)
            {
                var f = falsePositives[i];
                var p = f.Prediction;
                md.Append(Invariant, $"| {i + 1} | {p.Type} | {f.Document.Id} | {f.Document.Kind} | {f.NegativeLabel ?? "–"} | {p.Score:0.00} | {Code(f.Document.Text[p.Start..p.End])} | {Code(Context(f.Document, p.Start, p.End))} |\n");
            }
        }

        md.Append("\n## The corpus\n\n| kind | documents |\n|---|--:|\n");
        foreach (var (kind, count) in CorpusStatistics.Kinds(documents))
        {
            md.Append(Invariant, $"| {kind} | {count} |\n");
        }

        md.Append("\nRegenerate with `dotnet run -c Release --project eval -- generate` (fixed seed; the test `Shipped_corpus_is_what_the_generator_writes` keeps the checked-in file current).\n");
        return md.ToString();
    }

    public static string ConsoleSummary(ScoreResult result, IReadOnlyList<CorpusDocument> documents, RunInfo run, string reportPath)
    {
        var text = new StringBuilder();
        text.Append(Invariant, $"pi scan: {Throughput(documents, run)}{(run.ExitCode == 0 ? "" : $", exit code {run.ExitCode}")}\n");
        text.Append(Invariant, $"{"type",-15}{"gold",6}{"pred",6}  {"exact P/R/F1",-17}{"ovl F1",7}{"found",8}{"leak",8}\n");
        foreach (var t in result.Types.Append(result.Overall))
        {
            text.Append(Invariant, $"{(t == result.Overall ? "all" : t.Type),-15}{t.Gold,6}{t.Predicted,6}  {$"{F(t.ExactPrecision)}/{F(t.ExactRecall)}/{F(t.ExactF1)}",-17}{F(t.OverlapF1),7}{P(t.CoveredRecall),8}{P(t.LeakRate),8}\n");
        }

        text.Append(Invariant, $"overall precision (any overlap) {P(result.AnyOverlapPrecision)}; hard negatives flagged {P(result.AllNegatives.FlaggedShare)} ({result.AllNegatives.Flagged} of {result.AllNegatives.Count})\n");
        text.Append(Invariant, $"report: {reportPath}");
        return text.ToString();
    }

    /// <summary>
    /// Text around [start, end): the span marked ⟦…⟧, other gold spans masked as ‹TYPE›, line breaks as ⏎.
    /// </summary>
    public static string Context(CorpusDocument document, int start, int end, int radius = ContextRadius)
    {
        var text = document.Text;
        var from = Math.Max(0, start - radius);
        var to = Math.Min(text.Length, end + radius);
        if (from > 0 && char.IsLowSurrogate(text[from]))
        {
            from--;
        }

        if (to < text.Length && char.IsLowSurrogate(text[to]))
        {
            to++;
        }

        var others = document.Spans.Where(s => Scorer.Overlaps(s.Start, s.End, from, to) && !(s.Start == start && s.End == end)).ToList();
        var builder = new StringBuilder();
        if (from > 0)
        {
            builder.Append('…');
        }

        for (var i = from; i < to; i++)
        {
            if (i == start)
            {
                builder.Append('⟦');
            }

            var inTarget = i >= start && i < end;
            var other = inTarget ? null : others.FirstOrDefault(s => i >= s.Start && i < s.End);
            if (other is not null)
            {
                if (i == Math.Max(other.Start, from) || i == end)
                {
                    builder.Append('‹').Append(other.Type).Append('›');
                }
            }
            else
            {
                builder.Append(text[i] switch
                {
                    '\n' => "⏎",
                    '\r' => "",
                    '\t' => " ",
                    var c => c.ToString(),
                });
            }

            if (i == end - 1)
            {
                builder.Append('⟧');
            }
        }

        if (to < text.Length)
        {
            builder.Append('…');
        }

        return builder.ToString();
    }

    private static string Throughput(IReadOnlyList<CorpusDocument> documents, RunInfo run)
    {
        var seconds = run.Elapsed.TotalSeconds;
        if (seconds <= 0)
        {
            return "not measured";
        }

        var chars = documents.Sum(d => (long)d.Text.Length);
        return string.Create(Invariant, $"{documents.Count} documents in {seconds:0.00} s = {documents.Count / seconds:N0} documents/s ({chars / seconds / 1e6:0.00} M chars/s)");
    }

    private static void Row(StringBuilder md, string measure, string value) => md.Append("| ").Append(measure).Append(" | ").Append(value).Append(" |\n");

    private static string F(double? value) => value is null ? "–" : value.Value.ToString("0.000", Invariant);

    private static string P(double? value) => value is null ? "–" : (value.Value * 100).ToString("0.0", Invariant) + "%";

    /// <summary>A table cell as code: no Markdown inside, pipes escaped for the table.</summary>
    private static string Code(string text) =>
        "`" + text.Replace('`', 'ˋ').Replace("|", "\\|", StringComparison.Ordinal).Replace("\n", "⏎", StringComparison.Ordinal) + "`";
}

using PrivateInference.Eval.Corpus;

namespace PrivateInference.Eval.Scoring;

/// <summary>A span the detector reported: UTF-16 offsets, end exclusive.</summary>
public sealed record Prediction(int Start, int End, string Type, double Score = 1.0);

/// <summary>How a gold span fared, worst first.</summary>
public enum GoldOutcome
{
    /// <summary>No prediction of any type touches it: every character leaks.</summary>
    Missed,

    /// <summary>Some prediction touches it, but some of its characters are not covered.</summary>
    Partial,

    /// <summary>Fully covered, but only by predictions of other types.</summary>
    WrongType,

    /// <summary>A prediction of the right type overlaps it, but the boundaries differ.</summary>
    Boundary,

    /// <summary>A prediction with the same start, end and type.</summary>
    Exact,
}

/// <summary>Counters for one entity type (or all types together).</summary>
public sealed class TypeTally(string type)
{
    public string Type { get; } = type;

    public int Gold { get; internal set; }

    public int Predicted { get; internal set; }

    /// <summary>Predictions with the same start, end and type as a gold span.</summary>
    public int ExactPredicted { get; internal set; }

    /// <summary>Gold spans with a prediction of the same start, end and type.</summary>
    public int ExactGold { get; internal set; }

    /// <summary>Predictions overlapping a gold span of the same type.</summary>
    public int OverlapPredicted { get; internal set; }

    /// <summary>Gold spans overlapped by a prediction of the same type.</summary>
    public int OverlapGold { get; internal set; }

    /// <summary>Gold spans whose every character is covered by predictions of any type.</summary>
    public int CoveredAnyType { get; internal set; }

    /// <summary>Gold spans touched by a prediction of any type.</summary>
    public int OverlappedAnyType { get; internal set; }

    /// <summary>Predictions overlapping a gold span of any type.</summary>
    public int PredictedOverlappingAnyGold { get; internal set; }

    /// <summary>Non-whitespace characters inside gold spans.</summary>
    public int SensitiveChars { get; internal set; }

    /// <summary>Non-whitespace characters inside gold spans that no prediction covers.</summary>
    public int LeakedChars { get; internal set; }

    public int Missed { get; internal set; }

    public int Partial { get; internal set; }

    public int WrongType { get; internal set; }

    public int Boundary { get; internal set; }

    public double? ExactPrecision => Metrics.Ratio(ExactPredicted, Predicted);

    public double? ExactRecall => Metrics.Ratio(ExactGold, Gold);

    public double? ExactF1 => Metrics.F1(ExactPrecision, ExactRecall);

    public double? OverlapPrecision => Metrics.Ratio(OverlapPredicted, Predicted);

    public double? OverlapRecall => Metrics.Ratio(OverlapGold, Gold);

    public double? OverlapF1 => Metrics.F1(OverlapPrecision, OverlapRecall);

    public double? CoveredRecall => Metrics.Ratio(CoveredAnyType, Gold);

    public double? OverlappedRecall => Metrics.Ratio(OverlappedAnyType, Gold);

    public double? LeakRate => Metrics.Ratio(LeakedChars, SensitiveChars);

    internal void Add(TypeTally other)
    {
        Gold += other.Gold;
        Predicted += other.Predicted;
        ExactPredicted += other.ExactPredicted;
        ExactGold += other.ExactGold;
        OverlapPredicted += other.OverlapPredicted;
        OverlapGold += other.OverlapGold;
        CoveredAnyType += other.CoveredAnyType;
        OverlappedAnyType += other.OverlappedAnyType;
        PredictedOverlappingAnyGold += other.PredictedOverlappingAnyGold;
        SensitiveChars += other.SensitiveChars;
        LeakedChars += other.LeakedChars;
        Missed += other.Missed;
        Partial += other.Partial;
        WrongType += other.WrongType;
        Boundary += other.Boundary;
    }
}

/// <summary>Hard negatives of one label and how many of them some prediction touched.</summary>
public sealed class NegativeTally(string label)
{
    public string Label { get; } = label;

    public int Count { get; internal set; }

    public int Flagged { get; internal set; }

    public double? FlaggedShare => Metrics.Ratio(Flagged, Count);
}

/// <summary>A gold span that was not found exactly.</summary>
public sealed record GoldResult(CorpusDocument Document, GoldSpan Span, GoldOutcome Outcome, int LeakedChars, IReadOnlyList<string> FoundAs);

/// <summary>A prediction that overlaps no gold span; <see cref="NegativeLabel"/> says which hard negative it hit, if any.</summary>
public sealed record FalsePositive(CorpusDocument Document, Prediction Prediction, string? NegativeLabel);

public sealed class ScoreResult
{
    public required IReadOnlyList<TypeTally> Types { get; init; }

    public required TypeTally Overall { get; init; }

    public required IReadOnlyList<NegativeTally> Negatives { get; init; }

    public required NegativeTally AllNegatives { get; init; }

    /// <summary>Every gold span not matched exactly, in corpus order.</summary>
    public required IReadOnlyList<GoldResult> NotExact { get; init; }

    public required IReadOnlyList<FalsePositive> FalsePositives { get; init; }

    /// <summary>Predictions outside the text or empty; ignored by every other figure.</summary>
    public required int InvalidPredictions { get; init; }

    /// <summary>Overall precision, type-agnostic: a prediction is right when it overlaps any gold span.</summary>
    public double? AnyOverlapPrecision => Metrics.Ratio(Overall.PredictedOverlappingAnyGold, Overall.Predicted);

    public TypeTally For(string type) => Types.FirstOrDefault(t => t.Type == type) ?? new TypeTally(type);
}

public static class Metrics
{
    public static double? Ratio(int numerator, int denominator) => denominator == 0 ? null : (double)numerator / denominator;

    public static double? F1(double? precision, double? recall) =>
        precision is null || recall is null ? null : precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
}

/// <summary>Compares predictions with the gold labels. Pure: no files, no processes.</summary>
public static class Scorer
{
    public static ScoreResult Score(IReadOnlyList<CorpusDocument> documents, IReadOnlyDictionary<string, IReadOnlyList<Prediction>> predictions)
    {
        var tallies = new Dictionary<string, TypeTally>(StringComparer.Ordinal);
        var negatives = new Dictionary<string, NegativeTally>(StringComparer.Ordinal);
        var notExact = new List<GoldResult>();
        var falsePositives = new List<FalsePositive>();
        var invalid = 0;

        TypeTally Tally(string type)
        {
            if (!tallies.TryGetValue(type, out var tally))
            {
                tally = new TypeTally(type);
                tallies[type] = tally;
            }

            return tally;
        }

        foreach (var document in documents)
        {
            var all = predictions.TryGetValue(document.Id, out var p) ? p : [];
            var valid = new List<Prediction>(all.Count);
            foreach (var prediction in all)
            {
                if (prediction.Start < 0 || prediction.End > document.Text.Length || prediction.End <= prediction.Start)
                {
                    invalid++;
                }
                else
                {
                    valid.Add(prediction);
                }
            }

            var covered = new bool[document.Text.Length];
            foreach (var prediction in valid)
            {
                covered.AsSpan(prediction.Start, prediction.End - prediction.Start).Fill(true);
            }

            foreach (var gold in document.Spans)
            {
                var tally = Tally(gold.Type);
                tally.Gold++;

                var touching = valid.Where(x => Overlaps(x.Start, x.End, gold.Start, gold.End)).ToList();
                var exact = touching.Any(x => x.Start == gold.Start && x.End == gold.End && x.Type == gold.Type);
                var sameType = touching.Any(x => x.Type == gold.Type);

                var sensitive = 0;
                var leaked = 0;
                for (var i = gold.Start; i < gold.End; i++)
                {
                    if (!char.IsWhiteSpace(document.Text[i]))
                    {
                        sensitive++;
                        if (!covered[i])
                        {
                            leaked++;
                        }
                    }
                }

                var fullyCovered = covered.AsSpan(gold.Start, gold.Length).IndexOf(false) < 0;
                tally.SensitiveChars += sensitive;
                tally.LeakedChars += leaked;
                tally.ExactGold += exact ? 1 : 0;
                tally.OverlapGold += sameType ? 1 : 0;
                tally.OverlappedAnyType += touching.Count > 0 ? 1 : 0;
                tally.CoveredAnyType += fullyCovered ? 1 : 0;

                if (exact)
                {
                    continue;
                }

                var outcome = touching.Count == 0 ? GoldOutcome.Missed
                    : !fullyCovered ? GoldOutcome.Partial
                    : !sameType ? GoldOutcome.WrongType
                    : GoldOutcome.Boundary;
                switch (outcome)
                {
                    case GoldOutcome.Missed:
                        tally.Missed++;
                        break;
                    case GoldOutcome.Partial:
                        tally.Partial++;
                        break;
                    case GoldOutcome.WrongType:
                        tally.WrongType++;
                        break;
                    default:
                        tally.Boundary++;
                        break;
                }

                notExact.Add(new GoldResult(document, gold, outcome, leaked, touching.Select(x => x.Type).Distinct(StringComparer.Ordinal).ToList()));
            }

            foreach (var prediction in valid)
            {
                var tally = Tally(prediction.Type);
                tally.Predicted++;
                var golds = document.Spans.Where(g => Overlaps(prediction.Start, prediction.End, g.Start, g.End)).ToList();
                if (golds.Any(g => g.Start == prediction.Start && g.End == prediction.End && g.Type == prediction.Type))
                {
                    tally.ExactPredicted++;
                }

                if (golds.Any(g => g.Type == prediction.Type))
                {
                    tally.OverlapPredicted++;
                }

                if (golds.Count > 0)
                {
                    tally.PredictedOverlappingAnyGold++;
                }
                else
                {
                    var hit = document.Negatives.FirstOrDefault(n => Overlaps(prediction.Start, prediction.End, n.Start, n.End));
                    falsePositives.Add(new FalsePositive(document, prediction, hit?.Label));
                }
            }

            foreach (var negative in document.Negatives)
            {
                if (!negatives.TryGetValue(negative.Label, out var tally))
                {
                    tally = new NegativeTally(negative.Label);
                    negatives[negative.Label] = tally;
                }

                tally.Count++;
                if (covered.AsSpan(negative.Start, negative.Length).Contains(true))
                {
                    tally.Flagged++;
                }
            }
        }

        var overall = new TypeTally("ALL");
        foreach (var tally in tallies.Values)
        {
            overall.Add(tally);
        }

        var allNegatives = new NegativeTally("ALL")
        {
            Count = negatives.Values.Sum(n => n.Count),
            Flagged = negatives.Values.Sum(n => n.Flagged),
        };

        return new ScoreResult
        {
            Types = CorpusStatistics.Ordered(tallies.Keys).Select(t => tallies[t]).ToList(),
            Overall = overall,
            Negatives = negatives.Values.OrderByDescending(n => n.Count).ThenBy(n => n.Label, StringComparer.Ordinal).ToList(),
            AllNegatives = allNegatives,
            NotExact = notExact,
            FalsePositives = falsePositives,
            InvalidPredictions = invalid,
        };
    }

    public static bool Overlaps(int start1, int end1, int start2, int end2) => start1 < end2 && start2 < end1;

    /// <summary>
    /// Up to <paramref name="count"/> items taken in turn from each group (largest group first), so a
    /// short list still shows every type instead of thirty of the most common one.
    /// </summary>
    public static IReadOnlyList<T> RoundRobin<T>(IEnumerable<T> items, Func<T, string> group, int count)
    {
        var queues = items.GroupBy(group, StringComparer.Ordinal)
            .OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new Queue<T>(g))
            .ToList();
        var result = new List<T>(count);
        while (result.Count < count && queues.Any(q => q.Count > 0))
        {
            foreach (var queue in queues)
            {
                if (queue.Count > 0 && result.Count < count)
                {
                    result.Add(queue.Dequeue());
                }
            }
        }

        return result;
    }
}

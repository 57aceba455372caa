using PrivateInference.Redactor.Detection.Text;
using PrivateInference.Redactor.Detection.Validation;

namespace PrivateInference.Redactor.Detection.Recognizers;

/// <summary>
/// Primary account numbers: 12–19 digits, ungrouped or grouped by spaces, dashes or dots, Luhn-valid,
/// in a card network's issuer range with that network's length.
/// </summary>
/// <remarks>
/// A window of digit groups is a PAN only if it is a whole group run (never a slice of a longer digit run),
/// its separators are all of one kind, and its grouping is one people write (first group 4–6 digits).
/// Confidence is capped at 0.98 so that track data, which contains a PAN, always wins the overlap.
/// </remarks>
internal sealed class PanRecognizer : INumericRecognizer
{
    private const int MaxPanDigits = 19;
    private const int MinPanDigits = 12;
    private const int ContextChars = 48;

    public string Name => "pan";

    public void Inspect(ReadOnlySpan<char> text, NumericCluster cluster, ScanState state)
    {
        Span<byte> digits = stackalloc byte[MaxPanDigits];
        var n = cluster.Count;
        var i = 0;
        while (i < n)
        {
            var next = i + 1;
            if (cluster[i].DigitCount is >= 4 and <= MaxPanDigits)
            {
                var bestEnd = -1;
                var bestRank = -1;
                double bestScore = 0;
                for (var j = Math.Min(n - 1, i + 5); j >= i; j--)
                {
                    var count = cluster.DigitCount(i, j);
                    if (count is < MinPanDigits or > MaxPanDigits || !IsPlausibleGrouping(cluster, i, j))
                    {
                        continue;
                    }

                    cluster.CopyDigits(i, j, digits);
                    var pan = digits[..count];
                    var range = CardBrands.Match(pan);
                    if (range is null || !Luhn.IsValid(pan))
                    {
                        continue;
                    }

                    var score = Score(text, cluster, i, j, range);
                    var rank = Rank(cluster, i, j);
                    if (score > 0 && rank > bestRank)
                    {
                        bestEnd = j;
                        bestRank = rank;
                        bestScore = score;
                    }
                }

                if (bestEnd >= 0)
                {
                    var end = cluster[bestEnd].End;
                    state.Add(EntityType.Pan, cluster[i].Start, end, bestScore, Name);
                    state.LastPanEnd = end;
                    next = bestEnd + 1;
                }
            }

            i = next;
        }
    }

    private static bool IsPlausibleGrouping(NumericCluster cluster, int first, int last)
    {
        if (first == last)
        {
            // Ungrouped: the group is the whole number, so it is never a slice of a longer run. A number
            // right after "0." or before ".5" is a decimal fraction, not a card.
            return !(first > 0 && cluster[first].Before == SeparatorKind.Dot)
                && !(last + 1 < cluster.Count && cluster[last + 1].Before == SeparatorKind.Dot);
        }

        var kind = cluster[first + 1].Before;
        if (kind is not (SeparatorKind.Space or SeparatorKind.Dash or SeparatorKind.Dot) || !cluster.JoinedBy(first, last, kind))
        {
            return false;
        }

        // A grouped card number starts its run of groups: never the middle of a longer grouped number (a
        // 22-digit USPS tracking number is 4-4-4-4-4-2). Fields may follow it (an expiry, a CVV).
        if (first > 0 && cluster[first].Before == kind)
        {
            return false;
        }

        if (cluster[first].DigitCount is < 4 or > 6)
        {
            return false;
        }

        if (last - first == 1)
        {
            return true;
        }

        for (var g = first + 1; g < last; g++)
        {
            if (cluster[g].DigitCount is < 3 or > 6)
            {
                return false;
            }
        }

        return cluster[last].DigitCount <= 6;
    }

    /// <summary>Prefers the groupings card numbers are printed in (4-4-4-4[-3], 4-6-5, 4-6-4), then
    /// windows that end where the cluster's run of that separator ends, then the longer window.</summary>
    private static int Rank(NumericCluster cluster, int first, int last)
    {
        var rank = last - first;
        if (first == last)
        {
            return 100;
        }

        var canonical = true;
        for (var g = first; g < last; g++)
        {
            canonical &= cluster[g].DigitCount == 4;
        }

        var amex = last - first == 2 && cluster[first].DigitCount == 4 && cluster[first + 1].DigitCount == 6;
        if (canonical || amex)
        {
            rank += 50;
        }

        var runEnds = last + 1 >= cluster.Count || cluster[last + 1].Before != cluster[last].Before;
        if (runEnds)
        {
            rank += 20;
        }

        return rank;
    }

    private static double Score(ReadOnlySpan<char> text, NumericCluster cluster, int first, int last, IinRange range)
    {
        var start = cluster[first].Start;
        var end = cluster[last].End;
        // An ungrouped number bound to other-identifier wording ("Order #…", "tracking number: …") may be
        // that identifier, but a card pasted into the wrong field must not leak: it is still reported
        // (fail closed), at a confidence a caller can filter on. Card wording bound at least as closely, or
        // card grouping (4-4-4-4, 4-6-5), keeps the full confidence.
        var boundCard = Context.FillersBeforeCue(text, start, CardCues.Card, 3, ContextChars);
        var labelledOther = false;
        if (first == last)
        {
            var boundOther = Context.FillersBeforeCue(text, start, CardCues.OtherIdentifier, 3, ContextChars);
            labelledOther = boundOther >= 0 && (boundCard < 0 || boundOther < boundCard);
        }

        var cued = boundCard >= 0
            || Context.NearestCueBefore(text, start, CardCues.Card, ContextChars) >= 0
            || Context.AnyCueAfter(text, end, CardCues.Card, 16);
        if (range.NeedsCue && !cued)
        {
            return 0;
        }

        var score = 0.9;
        if (first != last)
        {
            score += 0.04;
        }

        if (cued)
        {
            score += 0.05;
        }

        // Glued to letters ("ID4111…") is more often an opaque identifier than a card.
        if ((start > 0 && Chars.IsAsciiLetter(text[start - 1])) || (end < text.Length && Chars.IsAsciiLetter(text[end])))
        {
            score -= 0.3;
        }

        if (labelledOther)
        {
            score = Math.Min(score, 0.6);
        }

        return Math.Min(score, 0.98);
    }
}

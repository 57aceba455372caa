using PrivateInference.Redactor.Detection.Text;

namespace PrivateInference.Redactor.Detection.Recognizers;

/// <summary>
/// Card expiry dates: MM/YY, MM/YYYY, MM-YY, MM-YYYY, YYYY-MM and MMYY beside expiry wording, or right
/// after a PAN. A bare month/year, or a full date (12/27/1980), is not an expiry.
/// </summary>
internal sealed class ExpiryRecognizer : INumericRecognizer
{
    private static readonly CueWords Cues = new(
        "exp", "expiry", "expires", "expire", "expired", "expiring", "expiration", "expiration date", "exp date",
        "expiry date", "expdate", "exp dt", "valid thru", "valid through", "valid until", "valid to", "good thru",
        "good through", "thru", "mm/yy", "mm/yyyy", "mmyy");

    public string Name => "expiry";

    public void Inspect(ReadOnlySpan<char> text, NumericCluster cluster, ScanState state)
    {
        var n = cluster.Count;
        for (var i = 0; i < n; i++)
        {
            ref readonly var g = ref cluster[i];
            if (state.IsCovered(g.Start, g.End))
            {
                continue;
            }

            if (i + 1 < n && IsMonthYear(cluster, i) && !IsInsideLongerDate(cluster, i, i + 1))
            {
                if (Emit(text, state, g.Start, cluster[i + 1].End, compact: false))
                {
                    i++;
                }
            }
            else if (g.DigitCount == 4 && IsAlone(cluster, i) && IsMonth(cluster, i, 0))
            {
                Emit(text, state, g.Start, g.End, compact: true);
            }
        }
    }

    private bool Emit(ReadOnlySpan<char> text, ScanState state, int start, int end, bool compact)
    {
        var afterPan = state.LastPanEnd >= 0 && state.LastPanEnd <= start && IsAfterPan(text, state.LastPanEnd, start);
        // Wording after the number ("12/27 is the expiry") binds only the MM/YY shapes: four bare digits
        // followed by "exp …" are more often the previous field (a CVV, a PIN) than an expiry.
        var cued = Context.CueBefore(text, start, Cues, 2, 32) || (!compact && Context.CueAfter(text, end, Cues, 3, 28))
            || Context.PreviousTurnCue(text, start, end, Cues) >= 0;
        if (!cued && !afterPan)
        {
            return false;
        }

        if (compact && start > 0 && (char.IsLetter(text[start - 1]) || end < text.Length && char.IsLetter(text[end])))
        {
            return false;
        }

        state.Add(EntityType.Expiry, start, end, cued ? 0.95 : 0.9, Name);
        state.LastExpiryEnd = end;
        if (afterPan)
        {
            state.LastExpiryAfterPanEnd = end;
        }

        return true;
    }

    /// <summary>Between the PAN and here only punctuation, spaces and expiry wording.</summary>
    private static bool IsAfterPan(ReadOnlySpan<char> text, int panEnd, int start)
    {
        if (start - panEnd > 24)
        {
            return false;
        }

        var p = panEnd;
        while (p < start)
        {
            var c = text[p];
            if (c is '\n' or '\r')
            {
                return false;
            }

            if (Chars.IsWordChar(c))
            {
                var wordEnd = CueWords.WordEndAfter(text, p);
                if (Cues.StartsAt(text, p, wordEnd) == 0)
                {
                    return false;
                }

                p = wordEnd;
                continue;
            }

            p++;
        }

        return true;
    }

    private static bool IsMonthYear(NumericCluster cluster, int i)
    {
        var kind = cluster[i + 1].Before;
        if (kind is not (SeparatorKind.Slash or SeparatorKind.Dash))
        {
            return false;
        }

        var first = cluster[i].DigitCount;
        var second = cluster[i + 1].DigitCount;
        if (first is 1 or 2 && second is 2 or 4)
        {
            return IsMonth(cluster, i, 0) && (second == 2 || IsPlausibleYear(cluster, i + 1));
        }

        // YYYY-MM
        return first == 4 && second == 2 && IsPlausibleYear(cluster, i) && IsMonth(cluster, i + 1, 0);
    }

    private static bool IsMonth(NumericCluster cluster, int group, int offset)
    {
        var d = cluster.DigitsOf(group);
        var month = cluster[group].DigitCount == 1 ? d[0] : (d[offset] * 10) + d[offset + 1];
        return month is >= 1 and <= 12;
    }

    private static bool IsPlausibleYear(NumericCluster cluster, int group)
    {
        var d = cluster.DigitsOf(group);
        var century = (d[0] * 10) + d[1];
        return century is 19 or 20;
    }

    private static bool IsInsideLongerDate(NumericCluster cluster, int first, int last) =>
        (first > 0 && cluster[first].Before is not SeparatorKind.Space)
        || (last + 1 < cluster.Count && cluster[last + 1].Before is not SeparatorKind.Space);

    private static bool IsAlone(NumericCluster cluster, int i) =>
        (i == 0 || cluster[i].Before == SeparatorKind.Space) && (i + 1 >= cluster.Count || cluster[i + 1].Before == SeparatorKind.Space);
}

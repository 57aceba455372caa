using PrivateInference.Redactor.Detection.Text;

namespace PrivateInference.Redactor.Detection.Dates;

/// <summary>
/// All-numeric dates: M/D/YYYY, M/D/YY, D.M.YYYY, YYYY-MM-DD, M-D-YYYY, MM/YYYY, and M/D beside date
/// wording. Day and month ranges are checked. System timestamps (a date directly followed by a time with
/// seconds, or ISO 'T') are log metadata, not dates about a person, and are left alone.
/// </summary>
/// <remarks>Recognizers.Text's DateTime model understands these too, but costs ~3 ms per 32-character
/// window here; the tests use it as an oracle for this recognizer instead.</remarks>
internal sealed class NumericDateRecognizer : INumericRecognizer
{
    public string Name => "date";

    public void Inspect(ReadOnlySpan<char> text, NumericCluster cluster, ScanState state)
    {
        var n = cluster.Count;
        var i = 0;
        while (i < n)
        {
            var consumed = TryThreePart(text, cluster, i, state) ? 3 : TryTwoPart(text, cluster, i, state) ? 2 : 1;
            i += consumed;
        }
    }

    private bool TryThreePart(ReadOnlySpan<char> text, NumericCluster cluster, int i, ScanState state)
    {
        if (i + 2 >= cluster.Count)
        {
            return false;
        }

        var kind = cluster[i + 1].Before;
        if (kind is not (SeparatorKind.Slash or SeparatorKind.Dash or SeparatorKind.Dot) || cluster[i + 2].Before != kind
            || (i > 0 && cluster[i].Before == kind) || (i + 3 < cluster.Count && cluster[i + 3].Before == kind))
        {
            return false;
        }

        var a = Value(cluster, i);
        var b = Value(cluster, i + 1);
        var c = Value(cluster, i + 2);
        int la = cluster[i].DigitCount, lb = cluster[i + 1].DigitCount, lc = cluster[i + 2].DigitCount;
        bool valid;
        if (la == 4)
        {
            valid = IsYear(a) && lb <= 2 && lc <= 2 && IsMonth(b) && IsDay(c);
        }
        else
        {
            valid = la <= 2 && lb <= 2 && lc is 2 or 4 && (lc == 2 || IsYear(c))
                && ((IsMonth(a) && IsDay(b)) || (IsDay(a) && IsMonth(b)));
        }

        if (!valid)
        {
            return false;
        }

        var start = cluster[i].Start;
        var end = cluster[i + 2].End;
        if (IsSystemTimestamp(text, end) || IsGluedToWord(text, start, end))
        {
            return false;
        }

        // A dashed 3-2-4 is an SSN, and 2-digit groups joined by dashes are often codes: need a 4-digit year
        // or slash/dot for dashed forms without wording.
        var score = kind == SeparatorKind.Dash && la != 4 && lc != 4 ? 0.6 : 0.95;
        state.Add(EntityType.Date, start, end, score, Name);
        return true;
    }

    private bool TryTwoPart(ReadOnlySpan<char> text, NumericCluster cluster, int i, ScanState state)
    {
        if (i + 1 >= cluster.Count)
        {
            return false;
        }

        var kind = cluster[i + 1].Before;
        if (kind is not (SeparatorKind.Slash or SeparatorKind.Dash) || (i > 0 && cluster[i].Before != SeparatorKind.Space)
            || (i + 2 < cluster.Count && cluster[i + 2].Before != SeparatorKind.Space))
        {
            return false;
        }

        var a = Value(cluster, i);
        var b = Value(cluster, i + 1);
        int la = cluster[i].DigitCount, lb = cluster[i + 1].DigitCount;
        var start = cluster[i].Start;
        var end = cluster[i + 1].End;
        if (IsGluedToWord(text, start, end) || (end < text.Length && text[end] is '%'))
        {
            return false;
        }

        // MM/YYYY (month and year are a date element below the year) and YYYY-MM.
        if ((la <= 2 && lb == 4 && IsMonth(a) && IsYear(b)) || (la == 4 && lb == 2 && IsYear(a) && IsMonth(b) && kind == SeparatorKind.Dash))
        {
            state.Add(EntityType.Date, start, end, 0.85, Name);
            return true;
        }

        // M/D: a ratio or a score ("7/10 pain", "1/2 tab") unless date wording binds it or a time of day
        // follows ("06/07 13:54").
        if (la <= 2 && lb <= 2 && kind == SeparatorKind.Slash && IsMonth(a) && IsDay(b)
            && (Context.CueBefore(text, start, DateCues.Words, 2, 32) || FollowedByTimeOfDay(cluster, i + 1)
                || Context.PreviousTurnCue(text, start, DateCues.Words) >= 0))
        {
            state.Add(EntityType.Date, start, end, 0.8, Name);
            return true;
        }

        return false;
    }

    /// <summary>ISO 8601 machine timestamps ("2024-03-14T09:26:53Z") are log metadata. A date written with a
    /// time of day ("04/02/2023 14:07:58", "collected 2025-11-22 17:08") is still a date about someone: the
    /// date part is reported.</summary>
    private static bool IsSystemTimestamp(ReadOnlySpan<char> text, int end) =>
        end + 1 < text.Length && text[end] == 'T' && char.IsAsciiDigit(text[end + 1]);

    private static bool FollowedByTimeOfDay(NumericCluster cluster, int group)
    {
        if (group + 1 < cluster.Count && cluster[group + 1].Before == SeparatorKind.Space)
        {
            var next = cluster[group + 1];
            // "13:54" (another group joined by ':') or a 4-digit military time "0817".
            return (group + 2 < cluster.Count && cluster[group + 2].Before == SeparatorKind.Colon && next.DigitCount <= 2)
                || (next.DigitCount == 4 && (group + 2 >= cluster.Count || cluster[group + 2].Before == SeparatorKind.Space) && IsMilitaryTime(cluster, group + 1));
        }

        return false;
    }

    private static bool IsMilitaryTime(NumericCluster cluster, int group)
    {
        var d = cluster.DigitsOf(group);
        return (d[0] * 10) + d[1] <= 23 && (d[2] * 10) + d[3] <= 59;
    }

    private static bool IsGluedToWord(ReadOnlySpan<char> text, int start, int end) =>
        (start > 0 && (char.IsLetter(text[start - 1]) || text[start - 1] is '.' or '/' or '$')) || (end < text.Length && char.IsLetter(text[end]));

    private static int Value(NumericCluster cluster, int group)
    {
        var v = 0;
        foreach (var d in cluster.DigitsOf(group))
        {
            v = (v * 10) + d;
        }

        return v;
    }

    private static bool IsMonth(int v) => v is >= 1 and <= 12;

    private static bool IsDay(int v) => v is >= 1 and <= 31;

    private static bool IsYear(int v) => v is >= 1900 and <= 2099;
}

using PrivateInference.Redactor.Detection.Text;

namespace PrivateInference.Redactor.Detection.Recognizers;

/// <summary>
/// U.S. Social Security numbers: AAA-GG-SSSS dashed or spaced, or nine plain digits beside SSN wording.
/// Area 000, 666 and 900–999, group 00 and serial 0000 are never issued and are rejected.
/// </summary>
internal sealed class SsnRecognizer : INumericRecognizer
{
    private static readonly CueWords SsnCues = new(
        "ssn", "ssns", "ss#", "ss", "ss no", "social security", "social security number", "social security no",
        "soc sec", "soc sec no", "social", "ssa", "tin", "taxpayer id", "ssn#");

    private static readonly CueWords OtherIdentifier = new(
        "mrn", "medical record", "medical record number", "account", "acct", "policy", "member", "member id", "claim", "order",
        "case", "ref", "reference", "invoice", "phone", "tel", "fax", "routing", "ein", "npi", "dea", "license",
        "licence", "serial", "lot", "batch", "tracking", "ticket", "zip", "plan", "group", "subscriber", "patient id", "member number");

    public string Name => "ssn";

    public void Inspect(ReadOnlySpan<char> text, NumericCluster cluster, ScanState state)
    {
        var n = cluster.Count;
        for (var i = 0; i < n; i++)
        {
            ref readonly var g = ref cluster[i];
            if (g.DigitCount == 3 && i + 2 < n && cluster[i + 1].DigitCount == 2 && cluster[i + 2].DigitCount == 4)
            {
                var kind = cluster[i + 1].Before;
                if (kind is SeparatorKind.Dash or SeparatorKind.Space or SeparatorKind.Dot
                    && cluster.JoinedBy(i, i + 2, kind)
                    && (i == 0 || cluster[i].Before != kind)
                    && (i + 3 >= n || cluster[i + 3].Before != kind)
                    && IsIssuable(cluster, i, i + 2))
                {
                    var score = kind switch
                    {
                        SeparatorKind.Dash => 0.85,
                        SeparatorKind.Space => 0.65,
                        _ => 0.4,
                    };
                    Emit(text, state, g.Start, cluster[i + 2].End, score);
                    i += 2;
                }
            }
            else if (g.DigitCount == 9 && IsAlone(cluster, i) && IsIssuable(cluster, i, i))
            {
                Emit(text, state, g.Start, g.End, 0.3);
            }
        }
    }

    private void Emit(ReadOnlySpan<char> text, ScanState state, int start, int end, double baseScore)
    {
        var bound = Context.CueBefore(text, start, SsnCues, 4, 40) || Context.CueAfter(text, end, SsnCues, 1, 12);
        // The dashed AAA-GG-SSSS shape is an SSN whatever label precedes it; spaced and plain digits
        // bound to another identifier's wording are that identifier.
        if (!bound && baseScore < 0.85 && Context.CueBefore(text, start, OtherIdentifier, 2, 30))
        {
            // Spaced AAA GG SSSS after another identifier's label (or a "Member:" speaker label) is still
            // reported, at a confidence below the dashed form; plain digits are that identifier.
            if (baseScore < 0.6)
            {
                return;
            }

            baseScore = 0.55;
        }

        var cue = bound ? 0 : Context.NearestCueBefore(text, start, SsnCues, 60);
        var score = bound ? Math.Max(baseScore, 0.6) + 0.35 : cue >= 0 ? baseScore + 0.1 : baseScore;
        if (IsGluedToWord(text, start, end))
        {
            score -= 0.3;
        }

        if (score >= 0.5)
        {
            state.Add(EntityType.Ssn, start, end, Math.Min(score, 0.99), Name);
        }
    }

    private static bool IsAlone(NumericCluster cluster, int i) =>
        (i == 0 || cluster[i].Before == SeparatorKind.Space) && (i + 1 >= cluster.Count || cluster[i + 1].Before == SeparatorKind.Space);

    private static bool IsGluedToWord(ReadOnlySpan<char> text, int start, int end) =>
        (start > 0 && char.IsLetter(text[start - 1])) || (end < text.Length && char.IsLetter(text[end]));

    private static bool IsIssuable(NumericCluster cluster, int first, int last)
    {
        Span<byte> d = stackalloc byte[9];
        if (cluster.CopyDigits(first, last, d) != 9)
        {
            return false;
        }

        var area = (d[0] * 100) + (d[1] * 10) + d[2];
        var group = (d[3] * 10) + d[4];
        var serial = (d[5] * 1000) + (d[6] * 100) + (d[7] * 10) + d[8];
        return area is not (0 or 666) && area < 900 && group != 0 && serial != 0;
    }
}

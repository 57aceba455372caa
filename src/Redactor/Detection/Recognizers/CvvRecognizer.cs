using PrivateInference.Redactor.Detection.Text;

namespace PrivateInference.Redactor.Detection.Recognizers;

/// <summary>
/// Card verification values: a standalone 3–4 digit number bound to CVV/CVC/CID/CAV2/"security code"
/// wording before or after it, or the third field of a "PAN | expiry | code" record.
/// </summary>
/// <remarks>Sensitive authentication data (PCI DSS 3.3): reported at high confidence so the Redactor
/// destroys it. Without wording a 3–4 digit number is never a CVV (room numbers, doses, years).</remarks>
internal sealed class CvvRecognizer : INumericRecognizer
{
    private static readonly CueWords Cues = new(
        "cvv", "cvv2", "cvc", "cvc2", "cid", "cav2", "cvn", "cvn2", "csc", "cvd", "cvv/cvc", "cvv code",
        "cvv number", "cvc code", "security code", "card security code", "security number", "sec code",
        "card verification", "card verification value", "card verification code", "card verification number",
        "verification value", "card code", "cvc number", "cid number", "3-digit code", "4-digit code",
        "code on the back", "code on back", "digits on the back", "number on the back", "back of the card",
        "back of card");

    private static readonly CueWords CardContextCues = new("code", "security", "verification", "pin", "digits", "number");

    public string Name => "cvv";

    public void Inspect(ReadOnlySpan<char> text, NumericCluster cluster, ScanState state)
    {
        var n = cluster.Count;
        for (var i = 0; i < n; i++)
        {
            ref readonly var g = ref cluster[i];
            if (g.DigitCount is not (3 or 4) || state.IsCovered(g.Start, g.End))
            {
                continue;
            }

            // "PAN, expiry, code" records (card dumps, CSV rows) need no wording: the third field is the CVV.
            var afterCardRecord = state.LastExpiryAfterPanEnd >= 0 && IsOnlyGlue(text, state.LastExpiryAfterPanEnd, g.Start, 3);
            if (!IsStandalone(text, cluster, i, allowLeadingComma: afterCardRecord))
            {
                continue;
            }

            var score = 0.0;
            if (Context.CueBefore(text, g.Start, Cues, 3, 40) || Context.CueAfter(text, g.End, Cues, 2, 24))
            {
                score = 0.97;
            }
            else if (afterCardRecord || (state.LastExpiryEnd >= 0 && g.Start - state.LastExpiryEnd <= 24 && Context.CueBefore(text, g.Start, CardContextCues, 1, 16)))
            {
                // "…, expires 5/27, code 802": right after a card's expiry, "code" means the CVV.
                score = 0.85;
            }
            else if (Context.PreviousTurnCue(text, g.Start, g.End, Cues) >= 0)
            {
                // "Agent: The three-digit code on the back?" / "Caller: 827."
                score = 0.9;
            }

            if (score > 0)
            {
                state.Add(EntityType.Cvv, g.Start, g.End, score, Name);
            }
        }
    }

    /// <summary>Not part of a grouped number, a date, a decimal or an amount; not glued to letters or units.</summary>
    private static bool IsStandalone(ReadOnlySpan<char> text, NumericCluster cluster, int i, bool allowLeadingComma)
    {
        if ((i > 0 && cluster[i].Before != SeparatorKind.Space) || (i + 1 < cluster.Count && cluster[i + 1].Before != SeparatorKind.Space))
        {
            return false;
        }

        ref readonly var g = ref cluster[i];
        if (g.Start > 0)
        {
            var before = text[g.Start - 1];
            if (char.IsLetter(before) || before is '$' or '€' or '£' or '+' or '.' || (before == ',' && !allowLeadingComma))
            {
                return false;
            }
        }

        if (g.End < text.Length)
        {
            var after = text[g.End];
            var thousands = after is ',' or '.' && g.End + 1 < text.Length && Chars.IsDigit(text[g.End + 1]);
            if (char.IsLetter(after) || after is '%' or '°' || thousands)
            {
                return false;
            }
        }

        return true;
    }

    internal static bool IsOnlyGlue(ReadOnlySpan<char> text, int from, int to, int maxChars)
    {
        if (to < from || to - from > maxChars)
        {
            return false;
        }

        foreach (var c in text[from..to])
        {
            if (Chars.IsWordChar(c) || c is '\n' or '\r')
            {
                return false;
            }
        }

        return true;
    }
}

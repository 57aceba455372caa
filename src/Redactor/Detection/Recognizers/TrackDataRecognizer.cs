using PrivateInference.Redactor.Detection.Text;
using PrivateInference.Redactor.Detection.Validation;

namespace PrivateInference.Redactor.Detection.Recognizers;

/// <summary>
/// Magnetic-stripe track data, with or without sentinels: track 1 <c>%B PAN ^ NAME ^ YYMM SVC DISCRETIONARY ?</c>
/// and track 2 <c>; PAN = YYMM SVC DISCRETIONARY ?</c> (or its EMV
/// equivalent with 'D' for '='). One entity covers the whole track.
/// </summary>
/// <remarks>Track data is sensitive authentication data: it is always reported at 0.99 so it wins
/// over the PAN inside it, and downstream it is destroyed, never vaulted.</remarks>
internal sealed class TrackDataRecognizer : INumericRecognizer
{
    private const int MaxTrack1Name = 26;
    private const int MaxTrackLength = 107;
    private const int MinFieldsAfterPan = 7;

    public string Name => "track_data";

    public void Inspect(ReadOnlySpan<char> text, NumericCluster cluster, ScanState state)
    {
        ref readonly var last = ref cluster[cluster.Count - 1];
        if (last.DigitCount is < 12 or > 19 || last.End >= text.Length)
        {
            return;
        }

        var separator = text[last.End];
        var end = separator switch
        {
            // 'D' is the field separator of EMV "track 2 equivalent data" (tag 57).
            '=' or 'D' => ReadTrack2Tail(text, last.End + 1),
            '^' => ReadTrack1Tail(text, last.End + 1),
            _ => -1,
        };
        if (end < 0)
        {
            return;
        }

        var start = last.Start;
        if (separator == '^' && start > 0 && (text[start - 1] | 0x20) == 'b')
        {
            start--;
            if (start > 0 && text[start - 1] == '%')
            {
                start--;
            }
        }
        else if (separator != '^' && start > 0 && text[start - 1] == ';')
        {
            start--;
        }

        if (end - start > MaxTrackLength)
        {
            end = start + MaxTrackLength;
        }

        Span<byte> digits = stackalloc byte[19];
        var count = cluster.CopyDigits(cluster.Count - 1, cluster.Count - 1, digits);
        var luhn = count > 0 && Luhn.IsValid(digits[..count]);
        state.Add(EntityType.TrackData, start, end, luhn ? 0.99 : 0.9, Name);
    }

    /// <summary>After '=': YYMM, service code, discretionary digits, optional end sentinel '?'.</summary>
    private static int ReadTrack2Tail(ReadOnlySpan<char> text, int position)
    {
        var p = position;
        while (p < text.Length && Chars.IsDigit(text[p]))
        {
            p++;
        }

        if (p - position < MinFieldsAfterPan)
        {
            return -1;
        }

        return p < text.Length && text[p] == '?' ? p + 1 : p;
    }

    /// <summary>After the first '^': NAME, '^', YYMM, service code, discretionary data, optional '?'.</summary>
    private static int ReadTrack1Tail(ReadOnlySpan<char> text, int position)
    {
        var p = position;
        while (p < text.Length && p - position <= MaxTrack1Name && text[p] != '^')
        {
            var c = text[p];
            if (c is '\n' or '\r' || !(char.IsLetter(c) || c is ' ' or '/' or '.' or '-' or '\'' or ','))
            {
                return -1;
            }

            p++;
        }

        if (p >= text.Length || text[p] != '^')
        {
            return -1;
        }

        p++;
        var fieldsStart = p;
        while (p < text.Length && Chars.IsDigit(text[p]))
        {
            p++;
        }

        if (p - fieldsStart < MinFieldsAfterPan)
        {
            return -1;
        }

        while (p < text.Length && char.IsAsciiLetterOrDigit(text[p]))
        {
            p++;
        }

        return p < text.Length && text[p] == '?' ? p + 1 : p;
    }
}

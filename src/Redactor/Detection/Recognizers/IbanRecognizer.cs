using PrivateInference.Redactor.Detection.Text;
using PrivateInference.Redactor.Detection.Validation;

namespace PrivateInference.Redactor.Detection.Recognizers;

/// <summary>
/// International bank account numbers: a country code, two check digits and the BBAN, compact or grouped
/// by single spaces or dashes; the country's length and the mod-97 check must both hold.
/// </summary>
internal sealed class IbanRecognizer : INumericRecognizer
{
    private const int MaxIbanLength = 34;

    public string Name => "iban";

    public void Inspect(ReadOnlySpan<char> text, NumericCluster cluster, ScanState state)
    {
        // The check digits follow the country code directly, so an IBAN starts two letters before a cluster.
        var digitsStart = cluster.Start;
        if (digitsStart < 2 || !Chars.IsAsciiLetter(text[digitsStart - 1]) || !Chars.IsAsciiLetter(text[digitsStart - 2]))
        {
            return;
        }

        var start = digitsStart - 2;
        if (start > 0 && Chars.IsWordChar(text[start - 1]))
        {
            return;
        }

        var length = Iban.LengthFor(text.Slice(start, 2));
        if (length == 0 || cluster[0].DigitCount < 2)
        {
            return;
        }

        Span<char> compact = stackalloc char[MaxIbanLength];
        var count = 0;
        var p = start;
        var end = start;
        while (p < text.Length && count < length)
        {
            var c = text[p];
            if (char.IsAsciiLetterOrDigit(c))
            {
                compact[count++] = c;
                p++;
                end = p;
            }
            else if (count > 0 && (c == ' ' || c == '-' || c == '\u00A0') && p + 1 < text.Length && char.IsAsciiLetterOrDigit(text[p + 1]))
            {
                p++;
            }
            else
            {
                break;
            }
        }

        if (count != length || (end < text.Length && char.IsAsciiLetterOrDigit(text[end])))
        {
            return;
        }

        if (Iban.HasValidCheckDigits(compact[..count]))
        {
            state.Add(EntityType.Iban, start, end, 0.98, Name);
        }
    }
}

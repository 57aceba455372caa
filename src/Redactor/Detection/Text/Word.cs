namespace PrivateInference.Redactor.Detection.Text;

/// <summary>A maximal run of letters and digits.</summary>
internal readonly record struct Word(int Start, int End, bool HasDigit, bool HasLetter, bool StartsUpper, bool AllUpper)
{
    public int Length => End - Start;

    /// <summary>Reads the word that starts at <paramref name="start"/> (a letter or digit).</summary>
    public static Word Read(ReadOnlySpan<char> text, int start)
    {
        var p = start;
        bool digit = false, letter = false, allUpper = true;
        while (p < text.Length)
        {
            var c = text[p];
            if (char.IsAsciiLetter(c))
            {
                letter = true;
                allUpper &= char.IsAsciiLetterUpper(c);
            }
            else if (char.IsAsciiDigit(c))
            {
                digit = true;
            }
            else if (c < 128 || !char.IsLetterOrDigit(c))
            {
                break;
            }
            else if (char.IsLetter(c))
            {
                letter = true;
                allUpper &= char.IsUpper(c);
            }
            else
            {
                digit = true;
            }

            p++;
        }

        return new Word(start, p, digit, letter, char.IsUpper(text[start]), letter && allUpper);
    }
}

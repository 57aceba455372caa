using PrivateInference.Redactor.Detection.Text;

namespace PrivateInference.Redactor.Detection.Dates;

/// <summary>Ages over 89 (HIPAA Safe Harbor aggregates them into "90 or older"): 90–125 bound to age
/// wording before ("age 92", "aged 94") or after ("92-year-old", "92 yo", "92 y/o", "92 years old").
/// The span is the number only.</summary>
internal sealed class AgeRecognizer : INumericRecognizer
{
    private static readonly CueWords Before = new(
        "age", "aged", "ages", "age of", "at age", "age is", "is age", "lived to", "turned", "turns", "turning",
        "she s", "he s", "i m", "shes", "hes", "im", "she is", "he is", "who is", "who was", "now", "is now", "reached",
        "dob/age", "age/sex", "centenarian");

    // A number right after these is a measurement, not an age: "HR is 92", "sat was 95".
    private static readonly CueWords Measurements = new(
        "hr", "pulse", "rate", "sat", "sats", "spo2", "o2", "saturation", "bp", "weight", "wt", "temp", "glucose",
        "sugar", "score", "level", "count", "rr", "systolic", "diastolic", "heart", "oxygen", "percent", "hb", "a1c");

    private static readonly string[] After =
    [
        "-year-old", " year-old", " year old", "-year old", " years old", " years-old", "-years-old", " yo", "yo", " y/o", "y/o",
        " y.o.", "y.o.", " yr old", " yr-old", "-yr-old", " yrs old", " years of age", " year old", "-y/o", " yoa", "-yo",
    ];

    public string Name => "age";

    private static bool LineBeforeMentionsAge(ReadOnlySpan<char> text, int position)
    {
        var from = Math.Max(0, position - 48);
        var window = text[from..position];
        var newline = window.LastIndexOf('\n');
        if (newline >= 0)
        {
            window = window[(newline + 1)..];
        }

        return window.Contains("age", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>"M/98", "(F, 95)", "F 92": sex then age, as record headers write them.</summary>
    private static bool IsAfterSex(ReadOnlySpan<char> text, int start)
    {
        var p = start;
        while (p > 0 && text[p - 1] is ' ' or ',' or '/' && start - p < 3)
        {
            p--;
        }

        if (p == start || p == 0 || text[p - 1] is not ('M' or 'F'))
        {
            return false;
        }

        return p == 1 || !char.IsLetterOrDigit(text[p - 2]);
    }

    public void Inspect(ReadOnlySpan<char> text, NumericCluster cluster, ScanState state)
    {
        if (cluster.Count != 1)
        {
            return;
        }

        ref readonly var g = ref cluster[0];
        if (g.DigitCount is not (2 or 3))
        {
            return;
        }

        var value = 0;
        foreach (var d in cluster.DigitsOf(0))
        {
            value = (value * 10) + d;
        }

        if (value is < 90 or > 125 || (g.Start > 0 && char.IsLetterOrDigit(text[g.Start - 1])))
        {
            return;
        }

        var rest = text[g.End..];
        var afterCue = false;
        foreach (var a in After)
        {
            if (rest.StartsWith(a, StringComparison.OrdinalIgnoreCase) && (rest.Length == a.Length || !char.IsLetter(rest[a.Length])))
            {
                afterCue = true;
                break;
            }
        }

        var unit = g.End < text.Length && (char.IsLetter(text[g.End]) || text[g.End] is '%' or '/' or '.' && g.End + 1 < text.Length && char.IsAsciiDigit(text[g.End + 1]));
        var sexAge = IsAfterSex(text, g.Start);
        var cuedBefore = !unit && Context.CueBefore(text, g.Start, Before, 1, 16) && !Context.CueBefore(text, g.Start, Measurements, 2, 20);
        // "DOB/Age: Aug 23, 1930 (95)": an age in parentheses on a line labelled with "age".
        var parenthesized = g.Start > 0 && text[g.Start - 1] == '(' && g.End < text.Length && text[g.End] == ')'
            && LineBeforeMentionsAge(text, g.Start);
        if (afterCue || sexAge || cuedBefore || parenthesized)
        {
            state.Add(EntityType.Age, g.Start, g.End, 0.93, Name);
        }
    }
}

using System.Collections.Frozen;
using System.Globalization;
using System.Reflection;

namespace PrivateInference.Redactor.Detection.Lexicon;

/// <summary>
/// Given names (SSA and Census counts), surnames (Census rank), common English words (frequency rank),
/// words that look like names but are not people in clinical and payment text, titles and name suffixes.
/// Loaded once from embedded resources; lookups are case-insensitive and allocation-free.
/// </summary>
internal sealed class NameLexicon
{
    private static readonly Lazy<NameLexicon> Instance = new(Load);

    private readonly FrozenDictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _firstNames;
    private readonly FrozenDictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _surnames;
    private readonly FrozenDictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _commonWords;
    private readonly FrozenSet<string>.AlternateLookup<ReadOnlySpan<char>> _notNames;
    private readonly FrozenSet<string>.AlternateLookup<ReadOnlySpan<char>> _titles;
    private readonly FrozenSet<string>.AlternateLookup<ReadOnlySpan<char>> _suffixes;

    private NameLexicon(
        FrozenDictionary<string, int> firstNames,
        FrozenDictionary<string, int> surnames,
        FrozenDictionary<string, int> commonWords,
        FrozenSet<string> notNames,
        FrozenSet<string> titles,
        FrozenSet<string> suffixes)
    {
        _firstNames = firstNames.GetAlternateLookup<ReadOnlySpan<char>>();
        _surnames = surnames.GetAlternateLookup<ReadOnlySpan<char>>();
        _commonWords = commonWords.GetAlternateLookup<ReadOnlySpan<char>>();
        _notNames = notNames.GetAlternateLookup<ReadOnlySpan<char>>();
        _titles = titles.GetAlternateLookup<ReadOnlySpan<char>>();
        _suffixes = suffixes.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    public static NameLexicon Shared => Instance.Value;

    /// <summary>Total U.S. births with this given name (0 when unknown).</summary>
    public int FirstNameCount(ReadOnlySpan<char> word) =>
        _firstNames.TryGetValue(word, out var c) || (NeedsFolding(word) && _firstNames.TryGetValue(Fold(word), out c)) ? Math.Max(c, 1) : 0;

    /// <summary>Census frequency rank of this surname (1 = most common; 0 when unknown). "O'Brien" and
    /// "Ramírez" are looked up as the Census writes them ("obrien", "ramirez").</summary>
    public int SurnameRank(ReadOnlySpan<char> word) =>
        _surnames.TryGetValue(word, out var r) || (NeedsFolding(word) && _surnames.TryGetValue(Fold(word), out r)) ? r : 0;

    private static bool NeedsFolding(ReadOnlySpan<char> word)
    {
        foreach (var c in word)
        {
            if (c > 127 || c is '\'' or '-')
            {
                return true;
            }
        }

        return false;
    }

    // The base letter of each of U+00C0..U+024F (Latin-1 Supplement, Extended-A and -B) and U+1E00..U+1EFF
    // (Latin Extended Additional: Vietnamese), '.' where there is none. A table, not string.Normalize: the
    // product runs with invariant globalization, where Normalize does not decompose.
    private const string LatinBase =
        "AAAAAA.CEEEEIIIIDNOOOOO.OUUUUY..aaaaaa.ceeeeiiiidnooooo.ouuuuy.yAaAaAaCcCcCcCcDdDdEeEeEeEeEeGgGgGgGgHhHhIiIiIiIiIi..JjKk.LlLlLl..LlNnNnNn...OoOoOo..RrRrRrSsSsSsSsTtTtTtUuUuUuUuUuUuWwYyYZzZzZz.b...............................Oo.............Uu............................AaIiOoUuUuUuUuUu.AaAa....GgKkOoOo..j...Gg..NnAa....AaAaEeEeIiIiOoOoRrRrUuUuSsTt..Hh......AaEeOoOoOoOoYy............................";

    private const string LatinAdditionalBase =
        "AaBbBbBbCcDdDdDdDdDdEeEeEeEeEeFfGgHhHhHhHhHhIiIiKkKkKkLlLlLlLlMmMmMmNnNnNnNnOoOoOoOoPpPpRrRrRrRrSsSsSsSsSsTtTtTtTtUuUuUuUuUuVvVvWwWwWwWwWwXxXxYyZzZzZzhtwy......AaAaAaAaAaAaAaAaAaAaAaAaEeEeEeEeEeEeEeEeIiIiOoOoOoOoOoOoOoOoOoOoOoOoUuUuUuUuUuUuUuYyYyYyYy......";

    /// <summary>Drops apostrophes, hyphens and diacritics: the Census lists are plain ASCII ("Köhler" is "kohler",
    /// "Søren" "soren", "Nguyễn" "nguyen", "Straße" "strasse").</summary>
    internal static string Fold(ReadOnlySpan<char> word)
    {
        var builder = new System.Text.StringBuilder(word.Length + 2);
        foreach (var c in word)
        {
            if (char.IsAsciiLetter(c))
            {
                builder.Append(c);
            }
            else if (c is >= '\u00C0' and <= '\u024F' && LatinBase[c - '\u00C0'] != '.')
            {
                builder.Append(LatinBase[c - '\u00C0']);
            }
            else if (c is >= '\u1E00' and <= '\u1EFF' && LatinAdditionalBase[c - '\u1E00'] != '.')
            {
                builder.Append(LatinAdditionalBase[c - '\u1E00']);
            }
            else
            {
                builder.Append(c switch
                {
                    '\u00DF' => "ss",
                    '\u00E6' or '\u00C6' => "ae",
                    '\u0153' or '\u0152' => "oe",
                    '\u00FE' or '\u00DE' => "th",
                    _ => string.Empty, // apostrophes, hyphens, combining marks of decomposed input
                });
            }
        }

        return builder.ToString();
    }

    /// <summary>Frequency rank of this word as an ordinary lower-case English word (0 when not one).</summary>
    public int CommonWordRank(ReadOnlySpan<char> word) => _commonWords.TryGetValue(word, out var r) ? r : 0;

    public bool IsNotName(ReadOnlySpan<char> word) => _notNames.Contains(word);

    public bool IsTitle(ReadOnlySpan<char> word) => _titles.Contains(word);

    public bool IsSuffix(ReadOnlySpan<char> word) => _suffixes.Contains(word);

    private static NameLexicon Load() => new(
        ReadRanked("first-names.tsv"),
        ReadRanked("surnames.tsv"),
        ReadRanked("common-words.tsv"),
        ReadSet("not-names.txt"),
        ReadSet("titles.txt"),
        ReadSet("name-suffixes.txt"));

    private static IEnumerable<string> Lines(string name)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("Lexicon." + name)
            ?? throw new InvalidOperationException($"Embedded lexicon {name} is missing from the build.");
        using var reader = new StreamReader(stream);
        while (reader.ReadLine() is { } line)
        {
            if (line.Length > 0 && line[0] != '#')
            {
                yield return line;
            }
        }
    }

    private static FrozenDictionary<string, int> ReadRanked(string name)
    {
        var map = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        foreach (var line in Lines(name))
        {
            var tab = line.IndexOf('\t', StringComparison.Ordinal);
            var key = tab < 0 ? line : line[..tab];
            var value = tab < 0 ? 0 : int.Parse(line.AsSpan(tab + 1), NumberStyles.Integer, CultureInfo.InvariantCulture);
            map.TryAdd(key, value);
        }

        return map.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);
    }

    private static FrozenSet<string> ReadSet(string name) =>
        Lines(name).Select(l => l.Trim()).Where(l => l.Length > 0).ToFrozenSet(StringComparer.OrdinalIgnoreCase);
}

using System.Text.RegularExpressions;
using PrivateInference.Eval.Corpus;

namespace PrivateInference.Eval.Tests;

/// <summary>The checked-in corpus: well-formed spans, enough variety, values that pass the checks real detectors apply.</summary>
public partial class ShippedCorpusTests
{
    private static readonly Lazy<IReadOnlyList<CorpusDocument>> Shipped = new(() => CorpusFile.Read(ShippedPath()));

    private static IReadOnlyList<CorpusDocument> Corpus => Shipped.Value;

    private static string ShippedPath()
    {
        for (var directory = new DirectoryInfo(TestContext.CurrentContext.TestDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "PrivateInference.sln")))
            {
                return Path.Combine(directory.FullName, "eval", "corpus", "corpus.jsonl");
            }
        }

        throw new InvalidOperationException("PrivateInference.sln not found above the test directory");
    }

    private static IEnumerable<(CorpusDocument Document, string Value)> Values(string type) =>
        Corpus.SelectMany(d => d.Spans.Where(s => s.Type == type).Select(s => (d, d.Text[s.Start..s.End])));

    [Test]
    public void Shipped_corpus_has_at_least_500_documents_and_9_kinds()
    {
        Assert.Multiple(() =>
        {
            Assert.That(Corpus, Has.Count.GreaterThanOrEqualTo(500));
            Assert.That(Corpus.Select(d => d.Kind).Distinct().Count(), Is.GreaterThanOrEqualTo(9));
            Assert.That(Corpus.Select(d => d.Id).Distinct().Count(), Is.EqualTo(Corpus.Count), "ids are unique");
        });
    }

    [Test]
    public void Every_labeled_span_is_inside_its_text_trimmed_and_cut_at_the_value_boundaries()
    {
        // Read with C# string (UTF-16) indices, the corpus's convention; gold spans and hard negatives alike.
        var problems = Corpus.SelectMany(SpanShape.Problems).ToList();

        Assert.That(problems, Is.Empty, SpanShape.Describe(problems));
    }

    [Test]
    public void Every_labeled_span_holds_exactly_the_value_the_generator_inserted()
    {
        // The builder's own record of what it appended at each offset, held against the checked-in file.
        var generated = CorpusGenerator.GenerateWithInsertedValues().ToDictionary(g => g.Document.Id, g => g.Inserted);
        var problems = new List<string>();
        foreach (var document in Corpus)
        {
            if (!generated.TryGetValue(document.Id, out var inserted))
            {
                problems.Add($"{document.Id} is not a generated document");
                continue;
            }

            var labels = document.Spans.Select(s => (s.Start, s.End, Label: s.Type, Gold: true))
                .Concat(document.Negatives.Select(n => (n.Start, n.End, n.Label, Gold: false)))
                .Order()
                .ToList();
            var expected = inserted.Select(v => (v.Start, v.End, v.Label, v.Gold)).Order().ToList();
            if (!labels.SequenceEqual(expected))
            {
                problems.Add($"{document.Id}: labels differ from the ones the builder recorded");
                continue;
            }

            foreach (var value in inserted.Where(v => v.End > document.Text.Length || !string.Equals(document.Text[v.Start..v.End], v.Value, StringComparison.Ordinal)))
            {
                problems.Add($"{document.Id} {value.Label} [{value.Start},{value.End}) does not hold '{value.Value}'");
            }
        }

        Assert.That(problems, Is.Empty, SpanShape.Describe(problems));
    }

    [Test]
    public void Spans_after_emoji_are_exercised_and_code_point_offsets_would_be_caught()
    {
        // Documents where a character outside the BMP precedes a label: there, UTF-16 and code-point offsets differ.
        var affected = Corpus.Where(d => d.Spans.Any(s => d.Text[..s.Start].Any(char.IsHighSurrogate))).ToList();
        var undetected = affected.Where(d => !SpanShape.Problems(SpanShape.WithCodePointOffsets(d)).Any()).Select(d => d.Id).ToList();

        Assert.Multiple(() =>
        {
            Assert.That(affected, Has.Count.GreaterThanOrEqualTo(20), "the corpus has gold spans after emoji");
            Assert.That(undetected, Is.Empty, "the span checks notice offsets counted in code points");
        });
    }

    [Test]
    public void Gold_spans_overlap_neither_each_other_nor_the_hard_negatives()
    {
        var problems = new List<string>();
        foreach (var document in Corpus)
        {
            var gold = document.Spans.OrderBy(s => s.Start).ToList();
            for (var i = 1; i < gold.Count; i++)
            {
                if (gold[i].Start < gold[i - 1].End)
                {
                    problems.Add($"{document.Id}: {gold[i - 1].Type} and {gold[i].Type} overlap");
                }
            }

            foreach (var negative in document.Negatives)
            {
                if (gold.Any(g => g.Start < negative.End && negative.Start < g.End))
                {
                    problems.Add($"{document.Id}: negative {negative.Label} overlaps a gold span");
                }
            }
        }

        Assert.That(problems, Is.Empty);
    }

    [Test]
    public void Shipped_corpus_is_what_the_generator_writes()
    {
        var generated = CorpusGenerator.Generate().Select(CorpusFile.ToJsonLine).ToList();
        var shipped = File.ReadAllLines(ShippedPath());

        Assert.That(
            shipped,
            Is.EqualTo(generated),
            "eval/corpus/corpus.jsonl is stale: run `dotnet run -c Release --project eval -- generate` and commit the file");
    }

    [Test]
    public void Every_kind_has_gold_spans_and_hard_negatives_and_the_corpus_exercises_non_ascii_text()
    {
        var kinds = Corpus.GroupBy(d => d.Kind).ToList();
        Assert.Multiple(() =>
        {
            foreach (var kind in kinds)
            {
                Assert.That(kind.Sum(d => d.Spans.Count), Is.GreaterThan(0), kind.Key);
                Assert.That(kind.Sum(d => d.Negatives.Count), Is.GreaterThan(0), kind.Key);
            }

            Assert.That(Corpus.Any(d => d.Text.Any(char.IsSurrogate)), Is.True, "some text has characters outside the BMP (emoji)");
            Assert.That(Corpus.Count(d => d.Text.Any(c => c > 127)), Is.GreaterThan(Corpus.Count / 10), "accented letters are common");
        });
    }

    [Test]
    public void Every_pan_passes_luhn_with_12_to_19_digits()
    {
        var bad = Values("PAN").Select(v => v.Value).Where(v => !LuhnValid(DigitsOf(v)) || DigitsOf(v).Length is < 12 or > 19).ToList();

        Assert.That(bad, Is.Empty);
    }

    [Test]
    public void Every_track_holds_a_luhn_valid_pan_and_an_expiry()
    {
        var bad = Values("TRACK_DATA").Select(v => v.Value).Where(v => !TrackPattern().IsMatch(v) || !LuhnValid(TrackPattern().Match(v).Groups["pan"].Value)).ToList();

        Assert.That(bad, Is.Empty);
    }

    [Test]
    public void Every_ssn_respects_the_issuance_rules()
    {
        var bad = Values("SSN").Select(v => v.Value).Where(v =>
        {
            var digits = DigitsOf(v);
            if (digits.Length != 9)
            {
                return true;
            }

            var area = int.Parse(digits[..3], System.Globalization.CultureInfo.InvariantCulture);
            return area is 0 or 666 or >= 900 || digits[3..5] == "00" || digits[5..] == "0000";
        }).ToList();

        Assert.That(bad, Is.Empty);
    }

    [Test]
    public void Every_iban_passes_mod_97()
    {
        var bad = Values("IBAN").Select(v => v.Value).Where(v => !IbanValid(v.Replace(" ", "", StringComparison.Ordinal).ToUpperInvariant())).ToList();

        Assert.That(bad, Is.Empty);
    }

    [Test]
    public void Every_vin_has_17_characters_and_a_valid_check_digit()
    {
        var bad = Values("VIN").Select(v => v.Value.ToUpperInvariant()).Where(v => v.Length != 17 || VinCheckDigit(v) != v[8]).ToList();

        Assert.That(bad, Is.Empty);
    }

    [Test]
    public void Every_dea_number_has_a_valid_check_digit()
    {
        var deas = Values("LICENSE_NUMBER").Select(v => v.Value).Where(v => DeaShape().IsMatch(v)).ToList();
        var bad = deas.Where(v =>
        {
            var d = v[2..].Select(c => c - '0').ToArray();
            return (d[0] + d[2] + d[4] + (2 * (d[1] + d[3] + d[5]))) % 10 != d[6];
        }).ToList();

        Assert.Multiple(() =>
        {
            Assert.That(deas, Is.Not.Empty);
            Assert.That(bad, Is.Empty);
        });
    }

    [Test]
    public void Ages_are_labeled_only_from_90_and_younger_ages_are_negatives()
    {
        var labeled = Values("AGE").Select(v => int.Parse(v.Value, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        var negatives = Corpus.SelectMany(d => d.Negatives.Where(n => n.Label == "AGE_UNDER_90").Select(n => int.Parse(d.Text[n.Start..n.End], System.Globalization.CultureInfo.InvariantCulture))).ToList();

        Assert.Multiple(() =>
        {
            Assert.That(labeled, Is.Not.Empty.And.All.GreaterThanOrEqualTo(90));
            Assert.That(negatives, Is.Not.Empty.And.All.LessThan(90));
        });
    }

    [Test]
    public void Person_spans_leave_titles_and_degrees_outside()
    {
        var bad = Values("PERSON").Select(v => v.Value)
            .Where(v => v.StartsWith("Dr.", StringComparison.OrdinalIgnoreCase) || v.StartsWith("Mr.", StringComparison.Ordinal) || v.StartsWith("Ms.", StringComparison.Ordinal) || v.EndsWith(" MD", StringComparison.Ordinal) || v.EndsWith(", MD", StringComparison.Ordinal))
            .ToList();

        Assert.That(bad, Is.Empty);
    }

    private static string DigitsOf(string value) => new(value.Where(char.IsAsciiDigit).ToArray());

    private static bool LuhnValid(string digits)
    {
        var sum = 0;
        for (var i = 0; i < digits.Length; i++)
        {
            var d = digits[digits.Length - 1 - i] - '0';
            sum += i % 2 == 1 ? (d * 2 > 9 ? (d * 2) - 9 : d * 2) : d;
        }

        return digits.Length > 0 && sum % 10 == 0;
    }

    private static bool IbanValid(string iban)
    {
        var rearranged = iban[4..] + iban[..4];
        var remainder = 0;
        foreach (var c in rearranged)
        {
            var value = char.IsAsciiDigit(c) ? (c - '0').ToString(System.Globalization.CultureInfo.InvariantCulture) : (c - 'A' + 10).ToString(System.Globalization.CultureInfo.InvariantCulture);
            foreach (var digit in value)
            {
                remainder = ((remainder * 10) + (digit - '0')) % 97;
            }
        }

        return remainder == 1;
    }

    private static char VinCheckDigit(string vin)
    {
        // 49 CFR 565.15: transliteration and position weights.
        const string letters = "ABCDEFGHJKLMNPRSTUVWXYZ";
        int[] letterValues = [1, 2, 3, 4, 5, 6, 7, 8, 1, 2, 3, 4, 5, 7, 9, 2, 3, 4, 5, 6, 7, 8, 9];
        int[] weights = [8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2];
        var sum = 0;
        for (var i = 0; i < 17; i++)
        {
            var c = vin[i];
            var value = char.IsAsciiDigit(c) ? c - '0' : letterValues[letters.IndexOf(c, StringComparison.Ordinal)];
            sum += value * weights[i];
        }

        return sum % 11 == 10 ? 'X' : (char)('0' + (sum % 11));
    }

    [GeneratedRegex(@"^(%?B(?<pan>\d{12,19})\^[A-Z/ ]+\^\d{4}\d*\??|;?(?<pan>\d{12,19})=\d{4}\d*\??)$")]
    private static partial Regex TrackPattern();

    [GeneratedRegex(@"^[A-Z]{2}\d{7}$")]
    private static partial Regex DeaShape();
}

using PrivateInference.Eval.Corpus;
using PrivateInference.Eval.Scoring;

namespace PrivateInference.Eval.Tests;

public class ScorerTests
{
    //                      0         1         2         3         4
    //                      0123456789012345678901234567890123456789012345
    private const string Text = "Patient Jane Doe, MRN 00482913, card 4111 1111 1111 1111.";

    private static readonly GoldSpan Name = new(8, 16, "PERSON");
    private static readonly GoldSpan Mrn = new(22, 30, "MRN");
    private static readonly GoldSpan Pan = new(37, 56, "PAN");

    private static CorpusDocument Document(IReadOnlyList<NegativeSpan>? negatives = null) =>
        new("d1", "test", Text, [Name, Mrn, Pan], negatives ?? []);

    private static ScoreResult Score(CorpusDocument document, params Prediction[] predictions) =>
        Scorer.Score([document], new Dictionary<string, IReadOnlyList<Prediction>> { [document.Id] = predictions });

    [Test]
    public void The_example_offsets_point_at_the_values()
    {
        Assert.Multiple(() =>
        {
            Assert.That(Text[Name.Start..Name.End], Is.EqualTo("Jane Doe"));
            Assert.That(Text[Mrn.Start..Mrn.End], Is.EqualTo("00482913"));
            Assert.That(Text[Pan.Start..Pan.End], Is.EqualTo("4111 1111 1111 1111"));
        });
    }

    [Test]
    public void Exact_match_needs_the_same_start_end_and_type()
    {
        var result = Score(Document(), new Prediction(37, 56, "PAN"), new Prediction(22, 30, "ACCOUNT_NUMBER"), new Prediction(8, 12, "PERSON"));

        var pan = result.For("PAN");
        var mrn = result.For("MRN");
        var person = result.For("PERSON");
        Assert.Multiple(() =>
        {
            Assert.That(pan.ExactPrecision, Is.EqualTo(1.0));
            Assert.That(pan.ExactRecall, Is.EqualTo(1.0));
            Assert.That(pan.ExactF1, Is.EqualTo(1.0));
            Assert.That(mrn.ExactRecall, Is.EqualTo(0.0), "right span, wrong type");
            Assert.That(person.ExactRecall, Is.EqualTo(0.0), "right type, shorter span");
            Assert.That(person.ExactPrecision, Is.EqualTo(0.0));
            Assert.That(result.For("ACCOUNT_NUMBER").ExactPrecision, Is.EqualTo(0.0));
        });
    }

    [Test]
    public void Overlap_match_accepts_other_boundaries_of_the_same_type_only()
    {
        var result = Score(Document(), new Prediction(8, 12, "PERSON"), new Prediction(20, 30, "ACCOUNT_NUMBER"));

        Assert.Multiple(() =>
        {
            Assert.That(result.For("PERSON").OverlapRecall, Is.EqualTo(1.0));
            Assert.That(result.For("PERSON").OverlapPrecision, Is.EqualTo(1.0));
            Assert.That(result.For("MRN").OverlapRecall, Is.EqualTo(0.0));
            Assert.That(result.For("ACCOUNT_NUMBER").OverlapPrecision, Is.EqualTo(0.0));
        });
    }

    [Test]
    public void F1_is_the_harmonic_mean_and_undefined_without_predictions()
    {
        Assert.Multiple(() =>
        {
            Assert.That(Metrics.F1(0.5, 1.0), Is.EqualTo(2.0 / 3).Within(1e-12));
            Assert.That(Metrics.F1(0, 0), Is.EqualTo(0.0));
            Assert.That(Metrics.F1(null, 1.0), Is.Null);
            Assert.That(new TypeTally("X").ExactPrecision, Is.Null);
        });
    }

    [Test]
    public void Type_agnostic_recall_counts_covered_spans_whatever_the_predicted_type()
    {
        // MRN fully covered by two predictions of other types; the name only touched; the PAN missed.
        var result = Score(Document(), new Prediction(20, 26, "ACCOUNT_NUMBER"), new Prediction(26, 31, "PHONE"), new Prediction(13, 16, "PERSON"));

        var all = result.Overall;
        Assert.Multiple(() =>
        {
            Assert.That(result.For("MRN").CoveredRecall, Is.EqualTo(1.0));
            Assert.That(result.For("PERSON").CoveredRecall, Is.EqualTo(0.0));
            Assert.That(result.For("PERSON").OverlappedRecall, Is.EqualTo(1.0));
            Assert.That(all.CoveredAnyType, Is.EqualTo(1));
            Assert.That(all.OverlappedAnyType, Is.EqualTo(2));
            Assert.That(all.CoveredRecall, Is.EqualTo(1.0 / 3).Within(1e-12));
        });
    }

    [Test]
    public void Leak_rate_is_the_share_of_non_whitespace_gold_characters_no_prediction_covers()
    {
        // Gold non-whitespace: "JaneDoe" 7 + "00482913" 8 + 16 PAN digits = 31.
        // Covered: "Jane" (4) and the first two PAN groups "4111 1111" (8 digits). Leaked: 3 + 8 + 8 = 19.
        var result = Score(Document(), new Prediction(8, 12, "PERSON"), new Prediction(37, 46, "PAN"));

        Assert.Multiple(() =>
        {
            Assert.That(result.Overall.SensitiveChars, Is.EqualTo(31));
            Assert.That(result.Overall.LeakedChars, Is.EqualTo(19));
            Assert.That(result.Overall.LeakRate, Is.EqualTo(19.0 / 31).Within(1e-12));
            Assert.That(result.For("PERSON").LeakRate, Is.EqualTo(3.0 / 7).Within(1e-12));
            Assert.That(result.For("MRN").LeakRate, Is.EqualTo(1.0));
            Assert.That(result.For("PAN").LeakRate, Is.EqualTo(0.5));
        });
    }

    [Test]
    public void Nothing_predicted_leaks_everything()
    {
        var result = Score(Document());

        Assert.Multiple(() =>
        {
            Assert.That(result.Overall.LeakRate, Is.EqualTo(1.0));
            Assert.That(result.Overall.Predicted, Is.Zero);
            Assert.That(result.AnyOverlapPrecision, Is.Null);
            Assert.That(result.NotExact.Select(m => m.Outcome), Is.All.EqualTo(GoldOutcome.Missed));
        });
    }

    [Test]
    public void Hard_negative_share_counts_negatives_touched_by_any_prediction()
    {
        // "Patient" and "card" as two negatives of one label, the comma after the MRN as another.
        NegativeSpan[] negatives = [new(0, 7, "COMMON_WORD"), new(32, 36, "COMMON_WORD"), new(30, 31, "PUNCTUATION")];
        var result = Score(Document(negatives), new Prediction(0, 3, "PERSON"), new Prediction(29, 31, "MRN"));

        var common = result.Negatives.Single(n => n.Label == "COMMON_WORD");
        var punctuation = result.Negatives.Single(n => n.Label == "PUNCTUATION");
        Assert.Multiple(() =>
        {
            Assert.That(common.FlaggedShare, Is.EqualTo(0.5));
            Assert.That(punctuation.FlaggedShare, Is.EqualTo(1.0));
            Assert.That(result.AllNegatives.Flagged, Is.EqualTo(2));
            Assert.That(result.AllNegatives.FlaggedShare, Is.EqualTo(2.0 / 3).Within(1e-12));
        });
    }

    [Test]
    public void Overall_precision_counts_predictions_overlapping_any_gold_span()
    {
        var result = Score(
            Document([new NegativeSpan(0, 7, "COMMON_WORD")]),
            new Prediction(0, 7, "PERSON"),
            new Prediction(10, 14, "DATE"),
            new Prediction(37, 56, "PAN"));

        Assert.Multiple(() =>
        {
            Assert.That(result.AnyOverlapPrecision, Is.EqualTo(2.0 / 3).Within(1e-12));
            Assert.That(result.FalsePositives, Has.Count.EqualTo(1));
            Assert.That(result.FalsePositives[0].NegativeLabel, Is.EqualTo("COMMON_WORD"));
        });
    }

    [Test]
    public void Each_gold_span_not_matched_exactly_gets_one_outcome()
    {
        var result = Score(
            Document(),
            new Prediction(8, 12, "PERSON"),
            new Prediction(22, 30, "ACCOUNT_NUMBER"),
            new Prediction(36, 57, "PAN"));

        var outcomes = result.NotExact.ToDictionary(m => m.Span.Type, m => m.Outcome);
        Assert.Multiple(() =>
        {
            Assert.That(outcomes["PERSON"], Is.EqualTo(GoldOutcome.Partial));
            Assert.That(outcomes["MRN"], Is.EqualTo(GoldOutcome.WrongType));
            Assert.That(outcomes["PAN"], Is.EqualTo(GoldOutcome.Boundary));
            Assert.That(result.Overall.Partial + result.Overall.WrongType + result.Overall.Boundary, Is.EqualTo(3));
        });
    }

    [Test]
    public void Predictions_outside_the_text_are_counted_and_ignored()
    {
        var result = Score(Document(), new Prediction(50, 500, "PAN"), new Prediction(5, 5, "PAN"), new Prediction(-1, 3, "PAN"));

        Assert.Multiple(() =>
        {
            Assert.That(result.InvalidPredictions, Is.EqualTo(3));
            Assert.That(result.Overall.Predicted, Is.Zero);
        });
    }

    [Test]
    public void A_document_without_an_output_line_has_no_predictions()
    {
        var result = Scorer.Score([Document()], new Dictionary<string, IReadOnlyList<Prediction>>());

        Assert.That(result.Overall.Missed, Is.EqualTo(3));
    }

    [Test]
    public void Round_robin_takes_in_turn_from_each_group_largest_first()
    {
        string[] items = ["a1", "a2", "a3", "b1", "c1", "c2"];

        var picked = Scorer.RoundRobin(items, s => s[..1], 5);

        Assert.That(picked, Is.EqualTo(new[] { "a1", "c1", "b1", "a2", "c2" }));
    }

    [Test]
    public void Context_marks_the_span_and_masks_other_labeled_values()
    {
        var context = DetectionReport.Context(Document(), Mrn.Start, Mrn.End, radius: 12);

        Assert.That(context, Is.EqualTo("…‹PERSON›, MRN ⟦00482913⟧, card ‹PAN›…"));
    }

    [Test]
    public void Prediction_lines_are_joined_by_id_even_when_the_id_is_a_number()
    {
        var (id, spans) = PiRunner.ParsePredictionLine("""{"id": 7, "spans": [{"start": 1, "end": 3, "type": "CVV", "score": 0.97}]}""");

        Assert.Multiple(() =>
        {
            Assert.That(id, Is.EqualTo("7"));
            Assert.That(spans, Is.EqualTo(new[] { new Prediction(1, 3, "CVV", 0.97) }));
        });
    }
}

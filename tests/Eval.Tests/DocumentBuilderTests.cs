using PrivateInference.Eval.Corpus;

namespace PrivateInference.Eval.Tests;

/// <summary>Offsets are C# string (UTF-16) indices, also after characters outside the BMP (emoji: two code units).</summary>
public class DocumentBuilderTests
{
    private static CorpusDocument ChatWithEmoji() =>
        new DocumentBuilder()
            .Text("[20:42] me: good evening 🙂\n")
            .Text("[20:44] support: hello, you're chatting with ")
            .Gold("PERSON", "Wade")
            .Text(" from support 😊 what can i do for you?\n")
            .Text("[")
            .Negative("TIME", "20:46")
            .Text("] me: member id ")
            .Gold("HEALTH_PLAN_ID", "XJH123456789")
            .Text(" 👍👍\n[20:48] me: my dr is dr ")
            .Gold("PERSON", "hope")
            .Text(", ok thx bye 🙏")
            .Build("t1", "support_chat");

    [Test]
    public void A_span_after_an_emoji_starts_at_its_utf16_index()
    {
        var document = ChatWithEmoji();
        var wade = document.Spans[0];
        var expectedStart = "[20:42] me: good evening 🙂\n[20:44] support: hello, you're chatting with ".Length;

        Assert.Multiple(() =>
        {
            Assert.That("🙂".Length, Is.EqualTo(2), "an emoji is two UTF-16 code units");
            Assert.That(wade.Start, Is.EqualTo(expectedStart));
            Assert.That(wade.End, Is.EqualTo(expectedStart + 4));
            Assert.That(document.Text[wade.Start..wade.End], Is.EqualTo("Wade"));
        });
    }

    [Test]
    public void Every_span_after_several_emoji_holds_its_value_and_passes_the_shape_checks()
    {
        var document = ChatWithEmoji();

        Assert.Multiple(() =>
        {
            Assert.That(document.Spans.Select(s => document.Text[s.Start..s.End]), Is.EqualTo(new[] { "Wade", "XJH123456789", "hope" }));
            Assert.That(document.Negatives.Select(n => document.Text[n.Start..n.End]), Is.EqualTo(new[] { "20:46" }));
            Assert.That(SpanShape.Problems(document), Is.Empty);
        });
    }

    [Test]
    public void Offsets_survive_the_json_round_trip()
    {
        var document = ChatWithEmoji();
        var parsed = CorpusFile.Parse(CorpusFile.ToJsonLine(document));

        Assert.Multiple(() =>
        {
            Assert.That(parsed.Text, Is.EqualTo(document.Text));
            Assert.That(parsed.Spans, Is.EqualTo(document.Spans));
            Assert.That(parsed.Negatives, Is.EqualTo(document.Negatives));
            Assert.That(parsed.Spans.Select(s => parsed.Text[s.Start..s.End]), Is.EqualTo(new[] { "Wade", "XJH123456789", "hope" }));
        });
    }

    [Test]
    public void Code_point_offsets_of_the_same_document_fail_the_shape_checks()
    {
        // What the corpus would hold if offsets were counted with runes or text elements: read as UTF-16
        // indices, every label lands one position to the left per emoji before it. (The mirror image — UTF-16
        // offsets read by code-point indexing, as Python's str or jq slices do — lands to the right: "ade ".)
        var shifted = SpanShape.WithCodePointOffsets(ChatWithEmoji());
        var problems = SpanShape.Problems(shifted).ToList();

        Assert.Multiple(() =>
        {
            Assert.That(shifted.Text[shifted.Spans[0].Start..shifted.Spans[0].End], Is.Not.EqualTo("Wade"));
            Assert.That(problems, Has.Count.EqualTo(4), "both names, the member ID and the time are misplaced");
        });
    }

    [Test]
    public void A_template_with_emoji_before_a_slot_labels_the_value_at_its_utf16_index()
    {
        var builder = new DocumentBuilder();
        var doc = new Doc(new Fakes(new Rng(7)), builder, veryOld: false) { LowerCase = true };
        doc.Line("good evening 🙂 😊 my name is {@pt.full} 👍 and my mrn is {mrn}");
        var document = builder.Build("t2", "support_chat");
        var inserted = builder.Inserted;

        Assert.Multiple(() =>
        {
            Assert.That(document.Spans.Select(s => s.Type), Is.EqualTo(new[] { "PERSON", "MRN" }));
            Assert.That(document.Spans[0].Start, Is.EqualTo("good evening 🙂 😊 my name is ".Length));
            Assert.That(inserted.Select(v => document.Text[v.Start..v.End]), Is.EqualTo(inserted.Select(v => v.Value)));
            Assert.That(document.Text[document.Spans[0].Start..document.Spans[0].End], Is.EqualTo(doc.Patient.Full.ToLowerInvariant()));
            Assert.That(SpanShape.Problems(document), Is.Empty);
        });
    }
}

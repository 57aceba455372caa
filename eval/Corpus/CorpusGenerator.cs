using PrivateInference.Eval.Corpus.Kinds;

namespace PrivateInference.Eval.Corpus;

/// <summary>Builds the labeled corpus: the same seed always gives the same documents, byte for byte.</summary>
public static class CorpusGenerator
{
    public const ulong DefaultSeed = 20_240_611;

    public const int DefaultCount = 648;

    /// <summary>Share of documents whose patient is 90 or older (their age is then PHI).</summary>
    private const double VeryOldShare = 0.2;

    private static readonly IDocumentKind[] Kinds =
    [
        new DischargeSummaries(), new ProgressNotes(), new ReferralLetters(), new LabReports(), new PriorAuthorizations(),
        new PaymentDisputes(), new CallTranscripts(), new SupportChats(), new Emails(),
    ];

    public static IReadOnlyList<string> KindNames => Kinds.Select(k => k.Name).ToList();

    /// <summary>Number of hand-written templates across all kinds.</summary>
    public static int TemplateCount => Kinds.Sum(k => k.Templates.Count());

    public static IReadOnlyList<CorpusDocument> Generate(int count = DefaultCount, ulong seed = DefaultSeed) =>
        GenerateWithInsertedValues(count, seed).Select(g => g.Document).ToList();

    /// <summary>The same documents, each with every label's inserted value, so tests can hold the written offsets against them.</summary>
    internal static IReadOnlyList<(CorpusDocument Document, IReadOnlyList<InsertedValue> Inserted)> GenerateWithInsertedValues(
        int count = DefaultCount, ulong seed = DefaultSeed)
    {
        CheckTemplates(seed);
        var order = new Rng(seed);
        var documents = new List<(CorpusDocument, IReadOnlyList<InsertedValue>)>(count);
        var block = new List<IDocumentKind>();
        for (var i = 0; i < count; i++)
        {
            if (block.Count == 0)
            {
                block.AddRange(Kinds);
                order.Shuffle(block);
            }

            var kind = block[^1];
            block.RemoveAt(block.Count - 1);

            // Each document has its own stream, so editing one kind's templates leaves the others' values alone.
            var rng = new Rng(seed ^ ((ulong)(i + 1) * 0x9E3779B97F4A7C15UL));
            var builder = new DocumentBuilder();
            var doc = new Doc(new Fakes(rng), builder, veryOld: rng.Chance(VeryOldShare));
            kind.Write(doc);
            documents.Add((builder.Build($"d{i + 1:0000}", kind.Name), builder.Inserted));
        }

        return documents;
    }

    /// <summary>Expands every template once, so a typo in a rarely drawn slot fails here, not in a year.</summary>
    private static void CheckTemplates(ulong seed)
    {
        var rng = new Rng(seed);
        foreach (var kind in Kinds)
        {
            foreach (var template in kind.Templates)
            {
                var builder = new DocumentBuilder();
                new Doc(new Fakes(rng), builder, veryOld: false).Write(template);
                builder.Build("check", kind.Name);
            }
        }
    }
}

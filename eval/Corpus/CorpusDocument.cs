namespace PrivateInference.Eval.Corpus;

/// <summary>A sensitive value the detector should find: UTF-16 offsets into the text, end exclusive.</summary>
public sealed record GoldSpan(int Start, int End, string Type)
{
    public int Length => End - Start;
}

/// <summary>A look-alike the detector should leave alone (drug dose, ICD-10 code, bare year, …).</summary>
public sealed record NegativeSpan(int Start, int End, string Label)
{
    public int Length => End - Start;
}

/// <summary>One labeled document of the corpus.</summary>
public sealed record CorpusDocument(
    string Id,
    string Kind,
    string Text,
    IReadOnlyList<GoldSpan> Spans,
    IReadOnlyList<NegativeSpan> Negatives);

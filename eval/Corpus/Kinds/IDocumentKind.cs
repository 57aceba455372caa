namespace PrivateInference.Eval.Corpus.Kinds;

/// <summary>One kind of document: its hand-written templates and how a document is put together from them.</summary>
internal interface IDocumentKind
{
    /// <summary>The <c>kind</c> field of the corpus line.</summary>
    string Name { get; }

    /// <summary>Every template the kind uses, so the generator can check each one expands.</summary>
    IEnumerable<string> Templates { get; }

    void Write(Doc d);
}

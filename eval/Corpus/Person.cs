namespace PrivateInference.Eval.Corpus;

internal sealed record Person(string First, string? Middle, string Last, bool Female)
{
    public string Full => $"{First} {Last}";

    public string WithMiddleInitial => Middle is null ? Full : $"{First} {Middle[0]}. {Last}";

    public string LastFirst => $"{Last}, {First}";

    public string Initial => $"{First[0]}. {Last}";

    /// <summary>Mr./Ms. — kept outside the PERSON span by the labeling rules.</summary>
    public string Title => Female ? "Ms." : "Mr.";

    public string He => Female ? "she" : "he";

    public string His => Female ? "her" : "his";

    public string Him => Female ? "her" : "him";
}

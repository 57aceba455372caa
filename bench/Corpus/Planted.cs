namespace PrivateInference.Bench.Corpus;

/// <summary>What the generator put into one document: counts per kind of sensitive value.</summary>
/// <remarks>The benchmark does not score detection; the counts only describe the corpus's mix.</remarks>
internal sealed class Planted
{
    public int Pans { get; set; }

    public int Tracks { get; set; }

    public int Cvvs { get; set; }

    public int Expiries { get; set; }

    public int Ssns { get; set; }

    public int Ibans { get; set; }

    /// <summary>True when the document holds payment card data (PAN, track, CVV or expiry).</summary>
    public bool HasCardData => Pans + Tracks + Cvvs + Expiries > 0;

    public void Add(Planted other)
    {
        Pans += other.Pans;
        Tracks += other.Tracks;
        Cvvs += other.Cvvs;
        Expiries += other.Expiries;
        Ssns += other.Ssns;
        Ibans += other.Ibans;
    }
}

namespace PrivateInference.Eval.Corpus;

/// <summary>
/// SplitMix64: a tiny seeded generator whose output is fixed by its definition, so the corpus is the
/// same bytes on every machine and runtime. Not for anything secret.
/// </summary>
internal sealed class Rng(ulong seed)
{
    private ulong _state = seed;

    public ulong NextUInt64()
    {
        var z = _state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>A uniform integer in [0, maxExclusive).</summary>
    public int Next(int maxExclusive)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxExclusive);
        return (int)(NextUInt64() % (ulong)maxExclusive);
    }

    /// <summary>A uniform integer in [min, maxInclusive].</summary>
    public int Between(int min, int maxInclusive) => min + Next(maxInclusive - min + 1);

    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    public bool Chance(double probability) => NextDouble() < probability;

    public T Pick<T>(IReadOnlyList<T> items) => items[Next(items.Count)];

    public char Digit() => (char)('0' + Next(10));

    public string Digits(int count)
    {
        var buffer = new char[count];
        for (var i = 0; i < count; i++)
        {
            buffer[i] = Digit();
        }

        return new string(buffer);
    }

    /// <summary>Digits without a leading zero.</summary>
    public string Number(int count) => (char)('1' + Next(9)) + Digits(count - 1);

    public char Letter(string alphabet = "ABCDEFGHJKLMNPRSTUVWXYZ") => alphabet[Next(alphabet.Length)];

    public string Letters(int count, string alphabet = "ABCDEFGHJKLMNPRSTUVWXYZ")
    {
        var buffer = new char[count];
        for (var i = 0; i < count; i++)
        {
            buffer[i] = Letter(alphabet);
        }

        return new string(buffer);
    }

    /// <summary>A few distinct items in random order.</summary>
    public List<T> Sample<T>(IReadOnlyList<T> items, int count)
    {
        var copy = items.ToList();
        Shuffle(copy);
        return copy.Take(Math.Min(count, copy.Count)).ToList();
    }

    public void Shuffle<T>(IList<T> items)
    {
        for (var i = items.Count - 1; i > 0; i--)
        {
            var j = Next(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }
}

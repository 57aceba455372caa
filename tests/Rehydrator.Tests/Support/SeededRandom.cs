namespace PrivateInference.Rehydrator.Tests.Support;

/// <summary>SplitMix64: a small deterministic generator for property tests, so a failing case can be replayed from its
/// seed (System.Random is banned by CA5394; nothing here is security-relevant).</summary>
internal sealed class SeededRandom(ulong seed)
{
    private ulong _state = seed;

    public ulong Seed { get; } = seed;

    public static SeededRandom FromEntropy() => new(BitConverter.ToUInt64(System.Security.Cryptography.RandomNumberGenerator.GetBytes(8)));

    public ulong NextUInt64()
    {
        var z = _state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>Uniform in [0, bound).</summary>
    public int Next(int bound) => (int)(NextUInt64() % (ulong)bound);

    /// <summary>Uniform in [min, max).</summary>
    public int Next(int min, int max) => min + Next(max - min);

    public T Pick<T>(IReadOnlyList<T> items) => items[Next(items.Count)];

    public bool Chance(int percent) => Next(100) < percent;
}

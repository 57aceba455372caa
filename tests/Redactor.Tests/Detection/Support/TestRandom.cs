namespace PrivateInference.Redactor.Tests.Detection.Support;

/// <summary>SplitMix64 from a fixed seed: the same generated cases on every run and machine.</summary>
/// <remarks>Not System.Random (CA5394 is an error here too); nothing secret is drawn from it.</remarks>
public sealed class TestRandom(ulong seed)
{
    private ulong _state = seed;

    public int Next(int maxExclusive)
    {
        _state += 0x9E3779B97F4A7C15UL;
        var z = _state;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        z ^= z >> 31;
        return (int)(z % (ulong)maxExclusive);
    }
}

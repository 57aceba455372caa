using System.Security.Cryptography;

namespace PrivateInference.TokenVault.Storage;

/// <summary>Delays between reconnection attempts: doubling from 100 ms up to 10 s, each jittered into its upper
/// half, so replicas that lost the database together do not come back in lock-step.</summary>
internal sealed class ReconnectBackoff
{
    private const double FirstMilliseconds = 100;
    private const double MaxMilliseconds = 10_000;

    private int _failures;

    public void Reset() => _failures = 0;

    public TimeSpan Next()
    {
        double ceiling = Math.Min(MaxMilliseconds, FirstMilliseconds * Math.Pow(2, _failures));
        _failures = Math.Min(_failures + 1, 16);
        int half = (int)(ceiling / 2);
        return TimeSpan.FromMilliseconds(half + RandomNumberGenerator.GetInt32(half + 1));
    }
}

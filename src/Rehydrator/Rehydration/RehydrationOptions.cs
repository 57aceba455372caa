namespace PrivateInference.Rehydrator.Rehydration;

/// <summary>Limits of the rehydration engine.</summary>
public sealed class RehydrationOptions
{
    /// <summary>Longest text of a unary request, and longest chunk of a stream, in UTF-16 code units (default 1 MiB of
    /// characters). Longer ones are refused with INVALID_ARGUMENT.</summary>
    public int MaxTextLength { get; set; } = 1024 * 1024;

    /// <summary>Values (distinct tokens revealed or masked) one caller may get per minute, per replica (default 600).</summary>
    public int RevealsPerMinute { get; set; } = 600;

    /// <summary>Most tokens in one Detokenize call: the vault's batch limit (1,000). Larger requests are split.</summary>
    public int MaxBatchSize { get; set; } = 1000;

    /// <summary>Most distinct surrogate candidates looked up per request or stream window (default 500): a hostile text
    /// full of number-shaped or name-shaped words cannot make one request cost the vault more than this many look-ups.
    /// Candidates beyond it (in text order) are not looked up and stay as written, which reveals nothing. They share the
    /// Detokenize batches with the tokens.</summary>
    public int MaxSurrogateCandidates { get; set; } = 500;

    /// <summary>Tolerance for the agent token's expiry when a stream window is served (as the authenticator's).</summary>
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> unless every limit is positive (the candidate limit may be
    /// 0: no surrogate look-ups) and the batch at most 1,000.</summary>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(MaxTextLength, nameof(MaxTextLength));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(RevealsPerMinute, nameof(RevealsPerMinute));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(MaxBatchSize, nameof(MaxBatchSize));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(MaxBatchSize, 1000, nameof(MaxBatchSize));
        ArgumentOutOfRangeException.ThrowIfLessThan(ClockSkew, TimeSpan.Zero, nameof(ClockSkew));
        ArgumentOutOfRangeException.ThrowIfNegative(MaxSurrogateCandidates, nameof(MaxSurrogateCandidates));
    }
}

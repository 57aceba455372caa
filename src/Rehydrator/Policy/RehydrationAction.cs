namespace PrivateInference.Rehydrator.Policy;

/// <summary>What a rehydration does with the tokens of one entity type, ordered from least to most permissive.</summary>
/// <remarks>The order is the rule for combining roles: when several of an agent's roles apply, the greatest action
/// per type wins (reveal over mask over withhold).</remarks>
public enum RehydrationAction
{
    /// <summary>Nothing is shown; the token stays as written and is never sent to the vault. The default for anything
    /// a policy does not list.</summary>
    Withhold = 0,

    /// <summary>A masked form of the value is shown (<see cref="Masking.Masks"/>): PAN and SSN last four, initials, year.</summary>
    Mask = 1,

    /// <summary>The value is shown as it was written.</summary>
    Reveal = 2,
}

/// <summary>Wire and audit names of <see cref="RehydrationAction"/>.</summary>
public static class RehydrationActions
{
    /// <summary>"reveal", "mask" or "withhold": the names the policy file and the vault's audit use.</summary>
    public static string Name(RehydrationAction action) => action switch
    {
        RehydrationAction.Reveal => "reveal",
        RehydrationAction.Mask => "mask",
        RehydrationAction.Withhold => "withhold",
        _ => throw new ArgumentOutOfRangeException(nameof(action)),
    };

    /// <summary>Reads "reveal", "mask" or "withhold" (exactly, lower case).</summary>
    public static bool TryParse(string? name, out RehydrationAction action)
    {
        (var known, action) = name switch
        {
            "reveal" => (true, RehydrationAction.Reveal),
            "mask" => (true, RehydrationAction.Mask),
            "withhold" => (true, RehydrationAction.Withhold),
            _ => (false, RehydrationAction.Withhold),
        };
        return known;
    }
}

using PrivateInference.Rehydrator.Policy;

namespace PrivateInference.Rehydrator.Rehydration;

/// <summary>How many tokens of one entity type got one action (occurrences in the text).</summary>
/// <param name="EntityType">Entity type in the token grammar's spelling, e.g. <c>PAN</c>.</param>
/// <param name="Action">What was done with them.</param>
/// <param name="Count">How many occurrences.</param>
public readonly record struct RehydrationCount(string EntityType, RehydrationAction Action, int Count);

/// <summary>What a rehydration did, counted over the occurrences of token-shaped spans in the text: never a value.</summary>
/// <param name="Counts">Per entity type and action: revealed and masked tokens and surrogates the vault resolved,
/// withheld tokens (never sent to the vault), and surrogates the vault resolved to a withheld type (left as written),
/// ordered by type and action.</param>
/// <param name="Unresolved">Token-shaped spans left as written because the vault did not know them for the tenant, their
/// type is not one the vault stores, or the input ended inside them. Surrogate candidates the vault does not know are just
/// text and never counted here.</param>
/// <param name="BreakGlassGrant">The ID of the break-glass grant that widened the policy for this request, or null.</param>
public sealed record RehydrationSummary(IReadOnlyList<RehydrationCount> Counts, int Unresolved, string? BreakGlassGrant)
{
    /// <summary>Occurrences that got <paramref name="action"/>, over all types.</summary>
    public int Total(RehydrationAction action) => Counts.Where(c => c.Action == action).Sum(c => c.Count);

    /// <summary>Occurrences of <paramref name="entityType"/> that got <paramref name="action"/>.</summary>
    public int Count(string entityType, RehydrationAction action) =>
        Counts.Where(c => c.Action == action && c.EntityType == entityType).Sum(c => c.Count);
}

/// <summary>A rehydrated text and what was done to it.</summary>
/// <param name="Text">SENSITIVE: the text with tokens revealed or masked as the policy allowed; never log it.</param>
/// <param name="Summary">Counts per type and action, unresolved tokens, the break-glass grant used.</param>
public sealed record RehydrationResult(string Text, RehydrationSummary Summary)
{
    /// <summary>Prints the shape, never the text.</summary>
    public override string ToString() => $"RehydrationResult({Text.Length} chars, {Summary.Counts.Count} counts, {Summary.Unresolved} unresolved)";
}

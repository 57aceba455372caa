using System.Collections.Frozen;

namespace PrivateInference.Rehydrator.Policy;

/// <summary>What one agent may see for one purpose: an action per entity type, and who and what took part.</summary>
public sealed class PolicyDecision
{
    private readonly FrozenDictionary<string, RehydrationAction> _actions;

    internal PolicyDecision(IReadOnlyList<string> roles, string purpose, FrozenDictionary<string, RehydrationAction> actions, bool breakGlassWidened)
    {
        Roles = roles;
        Purpose = purpose;
        _actions = actions;
        BreakGlassWidened = breakGlassWidened;
    }

    /// <summary>The agent's roles that have an entry for the purpose (sorted): the roles that took part in the decision.</summary>
    public IReadOnlyList<string> Roles { get; }

    /// <summary>The purpose of use.</summary>
    public string Purpose { get; }

    /// <summary>Whether a break-glass grant widened the action of at least one entity type.</summary>
    public bool BreakGlassWidened { get; }

    /// <summary>The action for tokens of <paramref name="entityType"/>; withhold for any type the vault does not store.</summary>
    public RehydrationAction ActionFor(string entityType) =>
        entityType is not null && _actions.TryGetValue(entityType, out var action) ? action : RehydrationAction.Withhold;
}

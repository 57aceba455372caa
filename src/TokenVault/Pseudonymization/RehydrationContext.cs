using System.Text.RegularExpressions;
using PrivateInference.Cryptography;
using PrivateInference.TokenVault.Audit;

namespace PrivateInference.TokenVault.Pseudonymization;

/// <summary>What a rehydration does with the tokens of one entity type.</summary>
public enum RehydrationAction
{
    /// <summary>The value is shown as it was written.</summary>
    Reveal,

    /// <summary>A masked form is shown (PAN and SSN last four, initials, year).</summary>
    Mask,

    /// <summary>Nothing is shown; the token stays. Withheld tokens are never detokenized.</summary>
    Withhold,
}

/// <summary>
/// The Rehydrator's account of one rehydration: on whose behalf (the agent's identity-provider subject and roles), for
/// which purpose of use, under which break-glass grant, how many tokens of each type got each action, and which action
/// a surrogate that resolves gets by its type. The vault writes it into the tenant's hash-chained audit record of the
/// Detokenize it accompanies, adding the surrogates it resolved (<see cref="WithSurrogates"/>).
/// </summary>
/// <remarks>Identity names, roles, purpose and counts only — never a value, a token or a fingerprint. The vault checks
/// every field's shape, so free text cannot smuggle a value into the audit trail.</remarks>
/// <param name="Agent">The agent's identity-provider subject.</param>
/// <param name="Roles">The agent's roles that took part.</param>
/// <param name="Purpose">The purpose of use.</param>
/// <param name="BreakGlassGrant">The break-glass grant that widened the policy, or null.</param>
/// <param name="Actions">Distinct tokens per entity type and action (the tokens the caller decided on).</param>
/// <param name="SurrogateActions">The action per entity type for surrogates that resolve; a type not listed is withheld.
/// Null (a caller that sends none) withholds every type as well.</param>
public sealed partial record RehydrationContext(
    string Agent,
    IReadOnlyList<string> Roles,
    string Purpose,
    string? BreakGlassGrant,
    IReadOnlyList<(string EntityType, RehydrationAction Action, int Count)> Actions,
    IReadOnlyDictionary<string, RehydrationAction>? SurrogateActions = null)
{
    /// <summary>The audit action of a rehydration.</summary>
    public const string AuditAction = "rehydrate";

    private const int MaxAgentLength = 256;
    private const int MaxRoles = 16;

    /// <summary>The wire and audit name of an action: "reveal", "mask", "withhold".</summary>
    public static string ActionName(RehydrationAction action) => action switch
    {
        RehydrationAction.Reveal => "reveal",
        RehydrationAction.Mask => "mask",
        RehydrationAction.Withhold => "withhold",
        _ => throw new ArgumentOutOfRangeException(nameof(action)),
    };

    /// <summary>Reads "reveal", "mask" or "withhold".</summary>
    public static bool TryParseAction(string? name, out RehydrationAction action)
    {
        action = name switch
        {
            "reveal" => RehydrationAction.Reveal,
            "mask" => RehydrationAction.Mask,
            "withhold" => RehydrationAction.Withhold,
            _ => (RehydrationAction)(-1),
        };
        return action >= 0;
    }

    /// <summary>The action for a surrogate that resolves to a token of <paramref name="entityType"/>: withhold unless
    /// <see cref="SurrogateActions"/> lists the type.</summary>
    public RehydrationAction SurrogateAction(string entityType) =>
        SurrogateActions is not null && SurrogateActions.TryGetValue(entityType, out var action) ? action : RehydrationAction.Withhold;

    /// <summary>This context with the surrogates a Detokenize resolved added to <see cref="Actions"/>: each distinct vault
    /// token found through a surrogate and not among the call's found tokens (which the caller counted already), under its
    /// type and <see cref="SurrogateAction"/>.</summary>
    public RehydrationContext WithSurrogates(DetokenizedBatch results)
    {
        ArgumentNullException.ThrowIfNull(results);
        var counted = new HashSet<string>(results.Tokens.Where(r => r.Found).Select(r => r.Token), StringComparer.Ordinal);
        var found = results.Surrogates.Where(r => r.Found && counted.Add(r.Token))
            .GroupBy(r => (r.EntityType, Action: SurrogateAction(r.EntityType)))
            .Select(g => (g.Key.EntityType, g.Key.Action, g.Count()))
            .ToList();
        return found.Count == 0 ? this : this with { Actions = [.. Actions, .. found] };
    }

    /// <summary>Whether a refusal reason has the audit vocabulary's shape: 1-64 characters of a-z and '_'.</summary>
    public static bool IsValidReason(string reason) => ReasonPattern().IsMatch(reason);

    /// <summary>Whether every field has its shape (see <see cref="Validate"/>).</summary>
    public bool IsValid()
    {
        try
        {
            Validate();
            return true;
        }
        catch (VaultException)
        {
            return false;
        }
    }

    /// <summary>Refuses (INVALID_ARGUMENT, naming the field, never its content) a field without its shape.</summary>
    public void Validate()
    {
        if (string.IsNullOrEmpty(Agent) || Agent.Length > MaxAgentLength || Agent.Any(c => char.IsControl(c) || char.IsSurrogate(c)))
        {
            throw Invalid("context.agent must be 1-256 printable characters.", "invalid_agent");
        }

        if (Roles is null || Roles.Count > MaxRoles || Roles.Any(r => r is null || !NamePattern().IsMatch(r)))
        {
            throw Invalid("context.roles must be at most 16 names of a-z, 0-9, '.', '_' and '-'.", "invalid_roles");
        }

        if (Purpose is null || !NamePattern().IsMatch(Purpose))
        {
            throw Invalid("context.purpose must be a name of a-z, 0-9, '.', '_' and '-'.", "invalid_purpose");
        }

        if (BreakGlassGrant is not null && !NamePattern().IsMatch(BreakGlassGrant))
        {
            throw Invalid("context.break_glass_grant must be a name of a-z, 0-9, '.', '_' and '-'.", "invalid_break_glass_grant");
        }

        if (Actions is null || Actions.Any(a => !Token.IsValidEntityType(a.EntityType) || a.Count < 0 || !Enum.IsDefined(a.Action)))
        {
            throw Invalid("context.actions must name entity types of the token grammar, known actions and counts >= 0.", "invalid_actions");
        }

        if (SurrogateActions is not null && (SurrogateActions.Count > TokenEntityTypes.Vaulted.Count
            || SurrogateActions.Any(a => a.Key is null || !TokenEntityTypes.Vaulted.Contains(a.Key) || !Enum.IsDefined(a.Value))))
        {
            throw Invalid("context.surrogate_actions must map vaulted entity types to reveal, mask or withhold.", "invalid_surrogate_actions");
        }
    }

    /// <summary>Adds the context to an audit record's detail: agent, roles, purpose, grant, and counts per action and type.</summary>
    internal AuditDetail AddTo(AuditDetail detail)
    {
        detail.Add("agent", Agent).Add("roles", string.Join(',', Roles)).Add("purpose", Purpose);
        if (BreakGlassGrant is not null)
        {
            detail.Add("break_glass", BreakGlassGrant);
        }

        foreach (var group in Actions.GroupBy(a => a.Action))
        {
            var counts = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (var (type, _, count) in group)
            {
                counts[type] = counts.GetValueOrDefault(type) + count;
            }

            detail.Add(ActionName(group.Key), counts);
        }

        return detail;
    }

    /// <summary>Prints the shape, never the agent.</summary>
    public override string ToString() => $"RehydrationContext(purpose: {Purpose}, {Actions.Count} action counts, {SurrogateActions?.Count ?? 0} surrogate actions)";

    private static VaultException Invalid(string message, string reason) => new(VaultErrorKind.InvalidArgument, message, reason);

    [GeneratedRegex(@"^[a-z0-9][a-z0-9._-]{0,63}\z", RegexOptions.CultureInvariant)]
    private static partial Regex NamePattern();

    [GeneratedRegex(@"^[a-z_]{1,64}\z", RegexOptions.CultureInvariant)]
    private static partial Regex ReasonPattern();
}

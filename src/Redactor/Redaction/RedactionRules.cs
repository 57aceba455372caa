using PrivateInference.Redactor.Detection;

namespace PrivateInference.Redactor.Redaction;

/// <summary>What Redact does with an entity of one type.</summary>
public enum RedactionDecision
{
    /// <summary>Replaced by its vault token: reversible for authorized agents.</summary>
    Tokenize,

    /// <summary>Replaced by <c>[TYPE_REDACTED]</c>: irreversible, nothing sent to the vault.</summary>
    Mask,

    /// <summary>Left as written.</summary>
    Leave,
}

/// <summary>A tenant's redaction policy: the types it masks and the types it leaves; every other type found is tokenized.</summary>
/// <remarks>Sensitive authentication data (CVV, TRACK_DATA) is masked whatever the rules say: PCI DSS forbids storing it,
/// so it never reaches the vault.</remarks>
public sealed class RedactionRules
{
    /// <summary>Rules for the types to mask irreversibly and the types to leave as written.</summary>
    public RedactionRules(IReadOnlySet<EntityType> mask, IReadOnlySet<EntityType> leave)
    {
        ArgumentNullException.ThrowIfNull(mask);
        ArgumentNullException.ThrowIfNull(leave);
        Mask = mask;
        Leave = leave;
    }

    /// <summary>Tokenize every type (sensitive authentication data is still masked).</summary>
    public static RedactionRules TokenizeAll { get; } = new(new HashSet<EntityType>(), new HashSet<EntityType>());

    /// <summary>Types replaced by <c>[TYPE_REDACTED]</c>.</summary>
    public IReadOnlySet<EntityType> Mask { get; }

    /// <summary>Types left as written.</summary>
    public IReadOnlySet<EntityType> Leave { get; }

    /// <summary>The decision for one type.</summary>
    public RedactionDecision For(EntityType type) =>
        type.IsSensitiveAuthenticationData() || Mask.Contains(type) ? RedactionDecision.Mask
        : Leave.Contains(type) ? RedactionDecision.Leave
        : RedactionDecision.Tokenize;
}

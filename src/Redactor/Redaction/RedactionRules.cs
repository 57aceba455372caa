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

    /// <summary>In results only: tokenized, and replaced by the realistic surrogate the vault issued for the token
    /// (surrogate mode, <see cref="ReplacementStyle.Surrogate"/>); the policy itself decides <see cref="Tokenize"/>.</summary>
    Surrogate,
}

/// <summary>How tokenized entities appear in the sanitized text.</summary>
public enum ReplacementStyle
{
    /// <summary>Bracketed vault tokens, "[PERSON_7QH2K9MX3A]".</summary>
    Token,

    /// <summary>Realistic surrogates the vault maps to their tokens (a PAN keeping length and last four and failing Luhn,
    /// digit identifiers through FF1, names and addresses from lists); types without one get their token.</summary>
    Surrogate,
}

/// <summary>A tenant's redaction policy: the types it masks and the types it leaves; every other type found is tokenized,
/// and appears as its token or its surrogate (<see cref="Replacement"/>).</summary>
/// <remarks>Sensitive authentication data (CVV, TRACK_DATA) is masked whatever the rules say: PCI DSS forbids storing it,
/// so it never reaches the vault.</remarks>
public sealed class RedactionRules
{
    /// <summary>Rules for the types to mask irreversibly and the types to leave as written, and how tokenized entities
    /// appear (tokens unless said otherwise).</summary>
    public RedactionRules(IReadOnlySet<EntityType> mask, IReadOnlySet<EntityType> leave, ReplacementStyle replacement = ReplacementStyle.Token)
    {
        ArgumentNullException.ThrowIfNull(mask);
        ArgumentNullException.ThrowIfNull(leave);
        if (!Enum.IsDefined(replacement))
        {
            throw new ArgumentOutOfRangeException(nameof(replacement));
        }

        Mask = mask;
        Leave = leave;
        Replacement = replacement;
    }

    /// <summary>Tokenize every type (sensitive authentication data is still masked).</summary>
    public static RedactionRules TokenizeAll { get; } = new(new HashSet<EntityType>(), new HashSet<EntityType>());

    /// <summary>Types replaced by <c>[TYPE_REDACTED]</c>.</summary>
    public IReadOnlySet<EntityType> Mask { get; }

    /// <summary>Types left as written.</summary>
    public IReadOnlySet<EntityType> Leave { get; }

    /// <summary>Tokens or surrogates for tokenized entities, unless a request says which.</summary>
    public ReplacementStyle Replacement { get; }

    /// <summary>The decision for one type.</summary>
    public RedactionDecision For(EntityType type) =>
        type.IsSensitiveAuthenticationData() || Mask.Contains(type) ? RedactionDecision.Mask
        : Leave.Contains(type) ? RedactionDecision.Leave
        : RedactionDecision.Tokenize;
}

namespace PrivateInference.Rehydrator;

/// <summary>What went wrong, as the caller should see it; each kind maps to one gRPC status code.</summary>
public enum RehydrationErrorKind
{
    /// <summary>The request is malformed: missing or unknown purpose, text over the limit, malformed UTF-16 (INVALID_ARGUMENT).</summary>
    InvalidArgument,

    /// <summary>No valid agent token: missing, malformed, forged, expired, not yet valid, wrong issuer or audience (UNAUTHENTICATED).</summary>
    Unauthenticated,

    /// <summary>The agent may not do this: another tenant, no role with a grant for the purpose, an invalid break-glass
    /// grant (PERMISSION_DENIED).</summary>
    PermissionDenied,

    /// <summary>The agent's rate limit of revealed and masked values is used up (RESOURCE_EXHAUSTED).</summary>
    ResourceExhausted,

    /// <summary>The vault refused on the tenant's state, e.g. its key is disabled (FAILED_PRECONDITION).</summary>
    FailedPrecondition,

    /// <summary>The vault is unreachable or failed; nothing was revealed (UNAVAILABLE).</summary>
    Unavailable,
}

/// <summary>A refusal or failure of a rehydration, with a fixed message that never carries a value or a token.</summary>
/// <remarks>
/// Messages are constants chosen by the code that throws: they name fields, limits and rules, never the content of a
/// request or a credential. <see cref="Reason"/> is the audit vocabulary's code (a-z and '_') that goes into the vault's
/// record of the refusal.
/// </remarks>
public sealed class RehydrationException : Exception
{
    /// <summary>A failure of unknown kind: UNAVAILABLE, fail closed.</summary>
    public RehydrationException()
        : this(RehydrationErrorKind.Unavailable, "The rehydration could not be completed; nothing was revealed.", "unavailable")
    {
    }

    /// <summary>An UNAVAILABLE failure with a fixed message.</summary>
    public RehydrationException(string message)
        : this(RehydrationErrorKind.Unavailable, message, "unavailable")
    {
    }

    /// <summary>An UNAVAILABLE failure with a fixed message and its cause (never shown to callers).</summary>
    public RehydrationException(string message, Exception innerException)
        : base(message, innerException)
    {
        Kind = RehydrationErrorKind.Unavailable;
        Reason = "unavailable";
    }

    /// <summary>A refusal of the given kind, with a fixed message and an audit reason code (a-z and '_').</summary>
    public RehydrationException(RehydrationErrorKind kind, string message, string reason, Exception? innerException = null)
        : base(message, innerException)
    {
        ArgumentException.ThrowIfNullOrEmpty(reason);
        Kind = kind;
        Reason = reason;
    }

    /// <summary>Which status the caller gets.</summary>
    public RehydrationErrorKind Kind { get; }

    /// <summary>The audit reason code, e.g. <c>unauthenticated</c>, <c>unknown_purpose</c>, <c>rate_limited</c>.</summary>
    public string Reason { get; }
}

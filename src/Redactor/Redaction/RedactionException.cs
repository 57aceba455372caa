namespace PrivateInference.Redactor.Redaction;

/// <summary>Why a redaction failed, as the caller should see it; each kind maps to one gRPC status code.</summary>
public enum RedactionFailure
{
    /// <summary>The request is malformed: text over the limit, a lone surrogate, a missing tenant (INVALID_ARGUMENT).</summary>
    InvalidArgument,

    /// <summary>The vault does not know the tenant (NOT_FOUND).</summary>
    TenantNotFound,

    /// <summary>The tenant's key is disabled or destroyed (FAILED_PRECONDITION).</summary>
    KeyUnavailable,

    /// <summary>The vault is unreachable, failing or answered nonsense (UNAVAILABLE).</summary>
    VaultUnavailable,
}

/// <summary>A redaction refused or failed with nothing of the text returned. The message is fixed and never carries a
/// value.</summary>
public sealed class RedactionException : Exception
{
    /// <summary>A failure of <paramref name="kind"/> with a fixed message.</summary>
    public RedactionException(RedactionFailure kind, string message)
        : base(message)
    {
        Kind = kind;
    }

    /// <summary>An unavailable vault.</summary>
    public RedactionException()
        : this(RedactionFailure.VaultUnavailable, "The vault could not tokenize the text.")
    {
    }

    /// <summary>An unavailable vault, with a fixed message.</summary>
    public RedactionException(string message)
        : this(RedactionFailure.VaultUnavailable, message)
    {
    }

    /// <summary>An unavailable vault, with a fixed message; the inner exception is kept for its type only.</summary>
    public RedactionException(string message, Exception innerException)
        : base(message, innerException)
    {
        Kind = RedactionFailure.VaultUnavailable;
    }

    /// <summary>What went wrong.</summary>
    public RedactionFailure Kind { get; }
}

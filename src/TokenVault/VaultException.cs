namespace PrivateInference.TokenVault;

/// <summary>What went wrong, as the caller should see it; each kind maps to one gRPC status code.</summary>
public enum VaultErrorKind
{
    /// <summary>The request is malformed: a field is missing, too long, of an unknown type (INVALID_ARGUMENT).</summary>
    InvalidArgument,

    /// <summary>The tenant does not exist (NOT_FOUND).</summary>
    TenantNotFound,

    /// <summary>The caller's identity may not do this (PERMISSION_DENIED).</summary>
    PermissionDenied,

    /// <summary>No valid identity was presented (UNAUTHENTICATED).</summary>
    Unauthenticated,

    /// <summary>The tenant's key is disabled or destroyed, or a precondition such as approvals is missing (FAILED_PRECONDITION).</summary>
    FailedPrecondition,

    /// <summary>The tenant or object already exists (ALREADY_EXISTS).</summary>
    AlreadyExists,

    /// <summary>A dependency (database, key provider, audit trail) is unavailable; retry later (UNAVAILABLE).</summary>
    Unavailable,
}

/// <summary>A refusal or failure of a vault operation, with a fixed message that never carries a value.</summary>
/// <remarks>
/// Messages are chosen by the code that throws, from constants: they name fields, limits and states,
/// never the content of a request. The interceptor copies the message into the gRPC status as is.
/// </remarks>
public sealed class VaultException : Exception
{
    public VaultException()
        : this(VaultErrorKind.Unavailable, "The vault could not complete the request.")
    {
    }

    public VaultException(string message)
        : this(VaultErrorKind.Unavailable, message)
    {
    }

    public VaultException(string message, Exception innerException)
        : base(message, innerException)
    {
        Kind = VaultErrorKind.Unavailable;
        Reason = "unavailable";
    }

    public VaultException(VaultErrorKind kind, string message, string? reason = null, Exception? innerException = null)
        : base(message, innerException)
    {
        Kind = kind;
        Reason = reason ?? kind.ToString().ToLowerInvariant();
    }

    public VaultErrorKind Kind { get; }

    /// <summary>A short code for the audit outcome ("refused:&lt;reason&gt;"): e.g. "key_disabled", "batch_too_large".</summary>
    public string Reason { get; }
}

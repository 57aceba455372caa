namespace PrivateInference.TokenVault.Keys;

/// <summary>Why a key operation could not be served.</summary>
public enum KeyUnavailableReason
{
    /// <summary>No key with that id and version exists (or it was destroyed).</summary>
    NotFound = 1,

    /// <summary>The wrapped key failed authentication: wrong AAD, wrong KEK, or tampered bytes.</summary>
    IntegrityCheckFailed = 2,

    /// <summary>The key exists but does not meet policy (not AES-256, extractable, not sensitive).</summary>
    PolicyViolation = 3,

    /// <summary>The provider (module, token, login, session) failed.</summary>
    ProviderFailure = 4,
}

/// <summary>A KEK could not be used. Maps to one gRPC status; the message is fixed per reason.</summary>
/// <remarks>
/// The message never carries key bytes, plaintext, AAD or the PIN: only the reason. An inner
/// exception, when present, comes from the provider and names the failing call and return code.
/// </remarks>
public sealed class KeyUnavailableException : Exception
{
    public KeyUnavailableException()
        : this(KeyUnavailableReason.ProviderFailure)
    {
    }

    public KeyUnavailableException(KeyUnavailableReason reason, Exception? innerException = null)
        : base(MessageFor(reason), innerException)
    {
        Reason = reason;
    }

    public KeyUnavailableReason Reason { get; }

    private static string MessageFor(KeyUnavailableReason reason) => reason switch
    {
        KeyUnavailableReason.NotFound => "The key-encryption key does not exist.",
        KeyUnavailableReason.IntegrityCheckFailed => "The wrapped key failed its integrity check.",
        KeyUnavailableReason.PolicyViolation => "The key-encryption key does not meet the key policy.",
        _ => "The key provider is unavailable.",
    };
}

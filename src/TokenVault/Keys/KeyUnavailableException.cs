namespace PrivateInference.TokenVault.Keys;

/// <summary>Why a key operation could not be served.</summary>
public enum KeyUnavailableReason
{
    /// <summary>No key with that id exists: a KEK version, or an import key (unknown, used already, or bound to another KEK name).</summary>
    NotFound = 1,

    /// <summary>The wrapped bytes failed authentication or decoding: wrong AAD, wrong key, or tampered bytes.</summary>
    IntegrityCheckFailed = 2,

    /// <summary>The key exists but does not meet policy (not AES-256, extractable, not sensitive, two keys under one label).</summary>
    PolicyViolation = 3,

    /// <summary>The provider (module, token, login, session, key directory) failed.</summary>
    ProviderFailure = 4,

    /// <summary>The KEK exists but is disabled at the provider; <see cref="IKekProvider.Enable"/> reverses it.</summary>
    Disabled = 5,

    /// <summary>The KEK version was destroyed. Irreversible; the version is never reused.</summary>
    Destroyed = 6,

    /// <summary>A KEK with that name and version already exists.</summary>
    AlreadyExists = 7,

    /// <summary>The import key's lifetime is over; it has been destroyed. Ask for a new one.</summary>
    Expired = 8,

    /// <summary>The provider or its module does not support the requested mechanism (for example this import wrapping).</summary>
    NotSupported = 9,
}

/// <summary>A KEK could not be used or managed. Maps to one gRPC status; the message is fixed per reason.</summary>
/// <remarks>
/// The message never carries key bytes, plaintext, AAD or the PIN: only the reason. <see cref="KekId"/> names
/// the key when the provider knows it (a label, not a secret) so that callers can put it in audit records
/// without parsing messages. An inner exception, when present, comes from the provider and names the
/// failing call and return code.
/// </remarks>
public sealed class KeyUnavailableException : Exception
{
    public KeyUnavailableException()
        : this(KeyUnavailableReason.ProviderFailure)
    {
    }

    public KeyUnavailableException(KeyUnavailableReason reason, Exception? innerException = null)
        : this(reason, kekId: null, innerException)
    {
    }

    public KeyUnavailableException(KeyUnavailableReason reason, KekId? kekId, Exception? innerException = null)
        : base(MessageFor(reason), innerException)
    {
        Reason = reason;
        KekId = kekId;
    }

    public KeyUnavailableReason Reason { get; }

    /// <summary>The KEK the operation was about, when there was one.</summary>
    public KekId? KekId { get; }

    private static string MessageFor(KeyUnavailableReason reason) => reason switch
    {
        KeyUnavailableReason.NotFound => "The key does not exist.",
        KeyUnavailableReason.IntegrityCheckFailed => "The wrapped key failed its integrity check.",
        KeyUnavailableReason.PolicyViolation => "The key does not meet the key policy.",
        KeyUnavailableReason.Disabled => "The key-encryption key is disabled.",
        KeyUnavailableReason.Destroyed => "The key-encryption key was destroyed.",
        KeyUnavailableReason.AlreadyExists => "The key-encryption key already exists.",
        KeyUnavailableReason.Expired => "The import key has expired.",
        KeyUnavailableReason.NotSupported => "The key provider does not support this operation.",
        _ => "The key provider is unavailable.",
    };
}

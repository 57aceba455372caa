using System.Collections.Frozen;

namespace PrivateInference.Cryptography;

/// <summary>The token grammar's vocabulary: the entity types a vault token can have, and the sensitive authentication data
/// that never gets a token.</summary>
/// <remarks>One list for the vault (which refuses any other type) and the Rehydrator (which resolves only these). Sensitive
/// authentication data (CVV, track data, PIN blocks) is never vaulted: PCI DSS forbids storing it after authorization. The
/// Redactor destroys it irreversibly; the vault refuses it as a second line of defence; a rehydration policy may name it
/// only to withhold it.</remarks>
public static class TokenEntityTypes
{
    /// <summary>Types a vault token can have.</summary>
    public static FrozenSet<string> Vaulted { get; } = new[]
    {
        "PAN", "EXPIRY", "SSN", "IBAN", "PERSON", "MRN", "DATE", "AGE", "PHONE", "EMAIL", "URL", "IP_ADDRESS",
        "ADDRESS", "ZIP", "ACCOUNT_NUMBER", "HEALTH_PLAN_ID", "LICENSE_NUMBER", "DEVICE_ID", "VIN",
    }.ToFrozenSet(StringComparer.Ordinal);

    /// <summary>Sensitive authentication data: destroyed by the Redactor, never vaulted, never rehydrated.</summary>
    public static FrozenSet<string> SensitiveAuthenticationData { get; } = new[] { "CVV", "TRACK_DATA", "PIN_BLOCK" }
        .ToFrozenSet(StringComparer.Ordinal);
}

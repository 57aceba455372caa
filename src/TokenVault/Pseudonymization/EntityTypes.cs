using System.Collections.Frozen;

namespace PrivateInference.TokenVault.Pseudonymization;

/// <summary>The entity types the vault stores, in the token grammar's spelling, and the ones it refuses.</summary>
/// <remarks>
/// Sensitive authentication data (CVV, track data, PIN blocks) is never vaulted: PCI DSS forbids storing it
/// after authorization. The Redactor masks it irreversibly; the vault refuses it as a second line of defence.
/// </remarks>
public static class EntityTypes
{
    public static FrozenSet<string> Vaulted { get; } = new[]
    {
        "PAN", "EXPIRY", "SSN", "IBAN", "PERSON", "MRN", "DATE", "AGE", "PHONE", "EMAIL", "URL", "IP_ADDRESS",
        "ADDRESS", "ZIP", "ACCOUNT_NUMBER", "HEALTH_PLAN_ID", "LICENSE_NUMBER", "DEVICE_ID", "VIN",
    }.ToFrozenSet(StringComparer.Ordinal);

    public static FrozenSet<string> SensitiveAuthenticationData { get; } = new[] { "CVV", "TRACK_DATA", "PIN_BLOCK" }
        .ToFrozenSet(StringComparer.Ordinal);
}

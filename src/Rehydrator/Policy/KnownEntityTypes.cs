using System.Collections.Frozen;

namespace PrivateInference.Rehydrator.Policy;

/// <summary>The entity types the vault stores, in the token grammar's spelling: the only types a token can resolve to.</summary>
/// <remarks>The same list as the vault's <c>EntityTypes.Vaulted</c> (a test keeps them in step; the Rehydrator may not
/// reference the vault's assembly). A token-shaped span of any other type is left as written and counted as unresolved.
/// Sensitive authentication data (CVV, track data, PIN blocks) is never vaulted, so it can never be rehydrated; a policy
/// may still name it, as <c>withhold</c> only.</remarks>
public static class KnownEntityTypes
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

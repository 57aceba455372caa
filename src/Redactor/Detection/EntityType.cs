namespace PrivateInference.Redactor.Detection;

/// <summary>Kinds of sensitive entity the detection engine can find.</summary>
/// <remarks>The wire names (<see cref="EntityTypes.WireName"/>) are a public contract of
/// <c>./pi scan --jsonl</c>: never rename one.</remarks>
public enum EntityType
{
    Pan,
    TrackData,
    Cvv,
    Expiry,
    Ssn,
    Iban,
    Person,
    Mrn,
    Date,
    Age,
    Phone,
    Email,
    Url,
    IpAddress,
    Address,
    Zip,
    AccountNumber,
    HealthPlanId,
    LicenseNumber,
    DeviceId,
    Vin,
}

/// <summary>Names and sets of <see cref="EntityType"/>.</summary>
public static class EntityTypes
{
    private static readonly string[] WireNames =
    [
        "PAN", "TRACK_DATA", "CVV", "EXPIRY", "SSN", "IBAN", "PERSON", "MRN", "DATE", "AGE", "PHONE", "EMAIL", "URL",
        "IP_ADDRESS", "ADDRESS", "ZIP", "ACCOUNT_NUMBER", "HEALTH_PLAN_ID", "LICENSE_NUMBER", "DEVICE_ID", "VIN",
    ];

    /// <summary>Every type the engine knows, in declaration order.</summary>
    public static IReadOnlyList<EntityType> All { get; } = Enum.GetValues<EntityType>();

    /// <summary>The stable upper-case name used in JSON output and docs, e.g. <c>TRACK_DATA</c>.</summary>
    public static string WireName(this EntityType type) => WireNames[(int)type];

    /// <summary>Parses a wire name (case-insensitive).</summary>
    public static bool TryParseWireName(string name, out EntityType type)
    {
        for (var i = 0; i < WireNames.Length; i++)
        {
            if (string.Equals(WireNames[i], name, StringComparison.OrdinalIgnoreCase))
            {
                type = (EntityType)i;
                return true;
            }
        }

        type = default;
        return false;
    }

    /// <summary>Sensitive authentication data: destroyed, never stored (PCI DSS 3.3).</summary>
    public static bool IsSensitiveAuthenticationData(this EntityType type) =>
        type is EntityType.Cvv or EntityType.TrackData;
}

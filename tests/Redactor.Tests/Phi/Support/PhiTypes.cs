namespace PrivateInference.Redactor.Tests.Phi.Support;

/// <summary>The PHI entity types of issue 3, and the groups the tables compare together.</summary>
public static class PhiTypes
{
    /// <summary>Every PHI type of issue 3 (card data and SSN are specified elsewhere).</summary>
    public static readonly EntityType[] All =
    [
        EntityType.Person,
        EntityType.Mrn,
        EntityType.Date,
        EntityType.Age,
        EntityType.Phone,
        EntityType.Email,
        EntityType.Url,
        EntityType.IpAddress,
        EntityType.Address,
        EntityType.Zip,
        EntityType.AccountNumber,
        EntityType.HealthPlanId,
        EntityType.LicenseNumber,
        EntityType.DeviceId,
        EntityType.Vin,
    ];

    /// <summary>The labelled and check-digit identifiers: the value only, never the label.</summary>
    public static readonly EntityType[] Identifiers =
    [
        EntityType.Mrn,
        EntityType.AccountNumber,
        EntityType.HealthPlanId,
        EntityType.LicenseNumber,
        EntityType.DeviceId,
        EntityType.Vin,
    ];

    /// <summary>The network family: e-mail addresses, URLs and IP addresses.</summary>
    public static readonly EntityType[] Network = [EntityType.Email, EntityType.Url, EntityType.IpAddress];

    /// <summary>A street or city line and its ZIP code.</summary>
    public static readonly EntityType[] Location = [EntityType.Address, EntityType.Zip];
}

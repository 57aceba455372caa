namespace PrivateInference.Redactor.Tests.Detection.Support;

/// <summary>
/// The entity types this suite specifies (issue "Foundation" §4). The engine may report other kinds
/// (PHI such as dates or phone numbers) in the same texts; the tables pin only these.
/// </summary>
public static class CardData
{
    public static readonly IReadOnlySet<EntityType> Types = new HashSet<EntityType>
    {
        EntityType.Pan,
        EntityType.TrackData,
        EntityType.Cvv,
        EntityType.Expiry,
        EntityType.Ssn,
        EntityType.Iban,
    };

    /// <summary>The card-data entities of a scan result, as hits, in the engine's order.</summary>
    public static List<Hit> HitsIn(IEnumerable<DetectedEntity> entities) =>
        entities.Where(e => Types.Contains(e.Type)).Select(Hit.From).ToList();
}

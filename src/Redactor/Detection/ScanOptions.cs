namespace PrivateInference.Redactor.Detection;

/// <summary>Per-request choices for a scan.</summary>
public sealed record ScanOptions
{
    /// <summary>The confidence used when a caller does not set one.</summary>
    public const double DefaultMinConfidence = 0.5;

    /// <summary>Defaults: every type, <see cref="DefaultMinConfidence"/>.</summary>
    public static ScanOptions Default { get; } = new();

    /// <summary>Entities below this confidence are dropped before overlaps are resolved.</summary>
    public double MinConfidence { get; init; } = DefaultMinConfidence;

    /// <summary>Types to report; null means every type.</summary>
    public IReadOnlySet<EntityType>? Types { get; init; }

    internal bool Wants(EntityType type) => Types is null || Types.Contains(type);
}

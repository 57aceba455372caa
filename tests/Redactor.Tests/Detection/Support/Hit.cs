using System.Globalization;

namespace PrivateInference.Redactor.Tests.Detection.Support;

/// <summary>The part of a detected entity the tables pin: type and UTF-16 span.</summary>
/// <remarks>Its text form shows type and offsets only, never the covered value.</remarks>
public readonly record struct Hit(EntityType Type, int Start, int End)
{
    public static Hit From(DetectedEntity entity) => new(entity.Type, entity.Start, entity.End);

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{Type.WireName()}[{Start}..{End})");
}

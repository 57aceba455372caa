namespace PrivateInference.Redactor.Tests.Detection.Support;

/// <summary>One synthetic text holding every entity type, with its expected entities.</summary>
public static class MixedText
{
    public const string Marked =
        "Card «4111 1111 1111 1111» exp «12/27» CVV «123». "
        + "Swipe «%B5555555555554444^DOE/JOHN^2912101000000000000000000?» and «;4111111111111111=27121010000000000000?». "
        + "SSN «219-09-9999». IBAN «DE89 3704 0044 0532 0130 00».";

    public static readonly EntityType[] Types =
    [
        EntityType.Pan,
        EntityType.Expiry,
        EntityType.Cvv,
        EntityType.TrackData,
        EntityType.TrackData,
        EntityType.Ssn,
        EntityType.Iban,
    ];

    public static string Text => MarkedText.Parse(Marked).Text;

    public static IReadOnlyList<Hit> Expected => MarkedText.Expect(Marked, Types).Expected;
}

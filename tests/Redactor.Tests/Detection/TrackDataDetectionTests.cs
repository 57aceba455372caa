namespace PrivateInference.Redactor.Tests.Detection;

/// <summary>Spec §4 TRACK_DATA: one entity per track, sentinels included when present, winning over the PAN inside.</summary>
public sealed class TrackDataDetectionTests
{
    private const EntityType Track = EntityType.TrackData;

    public static IEnumerable<TestCaseData> Cases()
    {
        yield return Row.Finds(
            "Track_1_with_sentinels_is_one_track_entity",
            "«%B4111111111111111^DOE/JOHN^2712101000000000000000000?»",
            Track);
        yield return Row.Finds(
            "Track_1_with_sentinels_inside_text_covers_percent_to_question_mark",
            "Swipe «%B4111111111111111^DOE/JOHN^2712101000000000000000000?» received",
            Track);
        yield return Row.Finds(
            "Track_1_without_sentinels_is_one_track_entity",
            "Swipe «B4111111111111111^DOE/JOHN^2712101000000000000000000» received",
            Track);
        yield return Row.Finds(
            "Track_1_with_a_space_in_the_name_is_one_track_entity",
            "Swipe «%B4111111111111111^DOE/JOHN Q^2712101000000000000000000?» received",
            Track);
        yield return Row.Finds(
            "Track_1_with_mastercard_is_one_track_entity",
            "Swipe «%B5555555555554444^SMITH/JANE^2912101000000000000000000?» received",
            Track);
        yield return Row.Finds(
            "Track_1_with_amex_is_one_track_entity",
            "Swipe «%B378282246310005^SMITH/JANE^2901101000000000000000000?» received",
            Track);
        yield return Row.Finds(
            "Track_2_with_sentinels_is_one_track_entity",
            "«;4111111111111111=27121010000000000000?»",
            Track);
        yield return Row.Finds(
            "Track_2_with_sentinels_inside_text_covers_semicolon_to_question_mark",
            "Swipe «;4111111111111111=27121010000000000000?» received",
            Track);
        yield return Row.Finds(
            "Track_2_without_sentinels_is_one_track_entity",
            "Swipe «4111111111111111=27121010000000000000» received",
            Track);
        yield return Row.Finds(
            "Track_2_with_mastercard_is_one_track_entity",
            "Swipe «;5555555555554444=29121010000000000000?» received",
            Track);
        yield return Row.Finds(
            "Track_2_with_amex_is_one_track_entity",
            "Swipe «;378282246310005=29011010000000000000?» received",
            Track);
        yield return Row.Finds(
            "Track_1_and_track_2_on_separate_lines_are_two_entities",
            "«%B4111111111111111^DOE/JOHN^2712101000000000000000000?»\n«;4111111111111111=27121010000000000000?»",
            Track,
            Track);
        yield return Row.Finds(
            "Track_1_directly_followed_by_track_2_are_two_entities",
            "«%B4111111111111111^DOE/JOHN^2712101000000000000000000?»«;4111111111111111=27121010000000000000?»",
            Track,
            Track);
        yield return Row.Finds(
            "Track_2_then_a_separate_pan_are_a_track_and_a_pan",
            "Swipe «;4111111111111111=27121010000000000000?» then keyed «5555 5555 5555 4444»",
            Track,
            EntityType.Pan);
    }

    [TestCaseSource(nameof(Cases))]
    public void Track_data_is_found_exactly(string marked, EntityType[] types) => Scanner.AssertFinds(marked, types);
}

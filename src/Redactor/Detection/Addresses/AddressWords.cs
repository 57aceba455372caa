using System.Collections.Frozen;

namespace PrivateInference.Redactor.Detection.Addresses;

/// <summary>USPS street suffixes, unit designators and state names/abbreviations.</summary>
internal static class AddressWords
{
    public static FrozenSet<string> StreetSuffixes { get; } = new[]
    {
        "street", "st", "avenue", "ave", "av", "road", "rd", "boulevard", "blvd", "drive", "dr", "lane", "ln", "court", "ct",
        "way", "place", "pl", "terrace", "ter", "parkway", "pkwy", "highway", "hwy", "circle", "cir", "trail", "trl",
        "square", "sq", "loop", "crescent", "cres", "alley", "aly", "row", "run", "path", "pike", "plaza", "plz",
        "point", "pt", "ridge", "rdg", "crossing", "xing", "expressway", "expy", "freeway", "fwy", "turnpike", "tpke",
        "route", "rte", "center", "ctr", "commons", "cmns", "heights", "hts", "hollow", "holw", "grove", "grv",
        "park", "pk", "walk", "close", "mews", "green", "gardens", "gdns", "estates", "est", "view", "vw",
    }.ToFrozenSet(StringComparer.OrdinalIgnoreCase);

    public static FrozenSet<string> UnitDesignators { get; } = new[]
    {
        "apt", "apartment", "suite", "ste", "unit", "rm", "room", "fl", "floor", "bldg", "building", "dept", "lot",
        "space", "spc", "trlr", "#", "no",
    }.ToFrozenSet(StringComparer.OrdinalIgnoreCase);

    public static FrozenSet<string> Directions { get; } = new[]
    {
        "n", "s", "e", "w", "ne", "nw", "se", "sw", "north", "south", "east", "west", "northeast", "northwest",
        "southeast", "southwest",
    }.ToFrozenSet(StringComparer.OrdinalIgnoreCase);

    public static FrozenSet<string> StateAbbreviations { get; } = new[]
    {
        "AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "FL", "GA", "HI", "ID", "IL", "IN", "IA", "KS", "KY", "LA",
        "ME", "MD", "MA", "MI", "MN", "MS", "MO", "MT", "NE", "NV", "NH", "NJ", "NM", "NY", "NC", "ND", "OH", "OK",
        "OR", "PA", "RI", "SC", "SD", "TN", "TX", "UT", "VT", "VA", "WA", "WV", "WI", "WY", "DC", "PR", "VI", "GU",
        "AS", "MP",
    }.ToFrozenSet(StringComparer.Ordinal);

    public static FrozenSet<string> StateNames { get; } = new[]
    {
        "alabama", "alaska", "arizona", "arkansas", "california", "colorado", "connecticut", "delaware", "florida",
        "georgia", "hawaii", "idaho", "illinois", "indiana", "iowa", "kansas", "kentucky", "louisiana", "maine",
        "maryland", "massachusetts", "michigan", "minnesota", "mississippi", "missouri", "montana", "nebraska",
        "nevada", "new hampshire", "new jersey", "new mexico", "new york", "north carolina", "north dakota", "ohio",
        "oklahoma", "oregon", "pennsylvania", "rhode island", "south carolina", "south dakota", "tennessee", "texas",
        "utah", "vermont", "virginia", "washington", "west virginia", "wisconsin", "wyoming", "puerto rico",
    }.ToFrozenSet(StringComparer.OrdinalIgnoreCase);

    /// <summary>Suffixes that are not also everyday words ("walk", "run", "view"): only these end a street
    /// written in lower case, as people type in chats.</summary>
    public static FrozenSet<string> UnambiguousSuffixes { get; } = new[]
    {
        "street", "st", "avenue", "ave", "road", "rd", "boulevard", "blvd", "drive", "dr", "lane", "ln", "court", "ct",
        "place", "pl", "terrace", "ter", "parkway", "pkwy", "highway", "hwy", "circle", "cir", "trail", "trl", "way",
    }.ToFrozenSet(StringComparer.OrdinalIgnoreCase);

    public static readonly FrozenSet<string>.AlternateLookup<ReadOnlySpan<char>> UnambiguousSuffix = UnambiguousSuffixes.GetAlternateLookup<ReadOnlySpan<char>>();

    public static readonly FrozenSet<string>.AlternateLookup<ReadOnlySpan<char>> StateAbbreviationIgnoreCase =
        StateAbbreviations.ToFrozenSet(StringComparer.OrdinalIgnoreCase).GetAlternateLookup<ReadOnlySpan<char>>();

    public static readonly FrozenSet<string>.AlternateLookup<ReadOnlySpan<char>> Suffix = StreetSuffixes.GetAlternateLookup<ReadOnlySpan<char>>();
    public static readonly FrozenSet<string>.AlternateLookup<ReadOnlySpan<char>> Unit = UnitDesignators.GetAlternateLookup<ReadOnlySpan<char>>();
    public static readonly FrozenSet<string>.AlternateLookup<ReadOnlySpan<char>> Direction = Directions.GetAlternateLookup<ReadOnlySpan<char>>();
    public static readonly FrozenSet<string>.AlternateLookup<ReadOnlySpan<char>> StateAbbreviation = StateAbbreviations.GetAlternateLookup<ReadOnlySpan<char>>();
}

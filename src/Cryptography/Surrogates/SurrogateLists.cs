using System.Collections.Frozen;
using System.Reflection;

namespace PrivateInference.Cryptography.Surrogates;

/// <summary>The embedded lists <see cref="ListSurrogate"/> draws from and recognizes (<c>Surrogates/Lists</c>), loaded
/// once. Arrays keep the file order, which the surrogate format depends on; the sets answer case-insensitive ASCII
/// membership without allocating.</summary>
internal sealed class SurrogateLists
{
    private static readonly Lazy<SurrogateLists> Instance = new(() => new SurrogateLists());

    private SurrogateLists()
    {
        GivenNames = Read("given-names.txt");
        Surnames = Read("surnames.txt");
        Streets = Read("streets.txt");
        Cities = Read("cities.txt");
        States = Read("states.txt");
        var suffixes = Read("street-suffixes.txt");
        SuffixFull = [.. suffixes.Select(line => line[..line.IndexOf('\t', StringComparison.Ordinal)])];
        SuffixShort = [.. suffixes.Select(line => line[(line.IndexOf('\t', StringComparison.Ordinal) + 1)..])];
        Given = Set(GivenNames);
        Surname = Set(Surnames);
        Street = Set(Streets);
        City = Set(Cities);
        State = Set(States);
        Suffix = Set([.. SuffixFull, .. SuffixShort]);
        FullSuffix = Set(SuffixFull);
        CandidateStart = Set([.. GivenNames, .. Surnames, .. Cities]);
    }

    public static SurrogateLists Shared => Instance.Value;

    public IReadOnlyList<string> GivenNames { get; }

    public IReadOnlyList<string> Surnames { get; }

    public IReadOnlyList<string> Streets { get; }

    public IReadOnlyList<string> Cities { get; }

    public IReadOnlyList<string> States { get; }

    /// <summary>Street suffixes written out ("avenue"), in the file's order.</summary>
    public IReadOnlyList<string> SuffixFull { get; }

    /// <summary>The USPS abbreviations ("ave"), index for index with <see cref="SuffixFull"/>.</summary>
    public IReadOnlyList<string> SuffixShort { get; }

    public FrozenSet<string>.AlternateLookup<ReadOnlySpan<char>> Given { get; }

    public FrozenSet<string>.AlternateLookup<ReadOnlySpan<char>> Surname { get; }

    public FrozenSet<string>.AlternateLookup<ReadOnlySpan<char>> Street { get; }

    public FrozenSet<string>.AlternateLookup<ReadOnlySpan<char>> City { get; }

    public FrozenSet<string>.AlternateLookup<ReadOnlySpan<char>> State { get; }

    /// <summary>Both forms of every suffix.</summary>
    public FrozenSet<string>.AlternateLookup<ReadOnlySpan<char>> Suffix { get; }

    public FrozenSet<string>.AlternateLookup<ReadOnlySpan<char>> FullSuffix { get; }

    /// <summary>Every word a name or a "City, ST" candidate can start with (given names, surnames, cities): one look-up
    /// rejects an ordinary word where the three lists would take three.</summary>
    public FrozenSet<string>.AlternateLookup<ReadOnlySpan<char>> CandidateStart { get; }

    /// <summary>The entries of one list: every line that is not empty and not a <c>#</c> comment.</summary>
    private static string[] Read(string name)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("Surrogates." + name)
            ?? throw new InvalidOperationException($"The surrogate list {name} is missing from the build.");
        using var reader = new StreamReader(stream);
        return [.. reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Where(line => line[0] != '#')];
    }

    /// <summary>Entries are lower-case ASCII (checked by the tests), so ordinal case-insensitive comparison is ASCII
    /// case folding here: the finder only ever looks up runs of ASCII letters.</summary>
    private static FrozenSet<string>.AlternateLookup<ReadOnlySpan<char>> Set(IEnumerable<string> entries) =>
        entries.ToFrozenSet(StringComparer.OrdinalIgnoreCase).GetAlternateLookup<ReadOnlySpan<char>>();
}

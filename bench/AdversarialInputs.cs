using System.Globalization;
using System.Text;
using PrivateInference.Bench.Corpus;
using PrivateInference.Redactor.Detection;

namespace PrivateInference.Bench;

/// <summary>
/// Inputs built to make a detector slow: long runs of digits, separators, cue words and partial card data.
/// Each is 1 MiB of UTF-8, scanned for card data only and with every recognizer. The engine is linear if
/// the time for 1 MiB is about 8 times the time for 128 KiB of the same input; a quadratic path shows as
/// about 64 times.
/// </summary>
internal static class AdversarialInputs
{
    public const int Size = 1 << 20;
    private const int SmallSize = Size / 8;
    private const int ProbeSize = SmallSize / 8;

    /// <summary>Above this predicted time for 1 MiB (if the growth were quadratic), the input is probed at
    /// smaller sizes instead, so that a super-linear path costs seconds, not minutes.</summary>
    private const double MaxPredictedMilliseconds = 10_000;

    /// <summary>The inputs of the issue, then ones found while reading the engine and for the anchors of the
    /// word and text recognizers (marked with *).</summary>
    public static IReadOnlyList<(string Name, Func<int, string> Build)> Inputs { get; } =
    [
        ("single long digit run", Repeat("1234567890")),
        ("\"4111 \" repeated", Repeat("4111 ")),
        ("\"1-\" repeated", Repeat("1-")),
        ("\"1 \" repeated", Repeat("1 ")),
        ("\"CVV \" repeated", Repeat("CVV ")),
        ("\"CVV 123 \" repeated", Repeat("CVV 123 ")),
        ("\"%B4111111111111111^\" repeated", Repeat("%B4111111111111111^")),
        ("\"^\" repeated", Repeat("^")),
        ("\"DE89 \" repeated", Repeat("DE89 ")),
        ("\"12/\" repeated", Repeat("12/")),
        ("digits and zero-width spaces", Repeat("1\u200B")),
        ("full-width digit run", Repeat("１２３４５６７８９０")),
        ("* \"card 4111 1111 1111 1111 \" repeated", Repeat("card 4111 1111 1111 1111 ")),
        ("* \"x4111111111111111\" repeated", Repeat("x4111111111111111")),
        ("* \"a123456789\" repeated", Repeat("a123456789")),
        ("* random hex, no spaces (a pasted blob)", RandomHex),
        ("* one word of letters (no spaces)", Repeat("abcdefghij")),
        ("* \"Jane Doe \" repeated", Repeat("Jane Doe ")),
        ("* \"a@b.\" repeated", Repeat("a@b.")),
        ("* \"http://\" repeated", Repeat("http://")),
        ("* \"::\" repeated", Repeat("::")),
    ];

    /// <summary>Builds the unit repeated to the given number of bytes of UTF-8 (never more).</summary>
    private static Func<int, string> Repeat(string unit) => utf8Bytes =>
    {
        var unitBytes = Encoding.UTF8.GetByteCount(unit);
        var sb = new StringBuilder(utf8Bytes);
        var bytes = 0;
        while (bytes + unitBytes <= utf8Bytes)
        {
            sb.Append(unit);
            bytes += unitBytes;
        }

        foreach (var rune in unit.EnumerateRunes())
        {
            if (bytes + rune.Utf8SequenceLength > utf8Bytes)
            {
                break;
            }

            sb.Append(rune.ToString());
            bytes += rune.Utf8SequenceLength;
        }

        return sb.ToString();
    };

    private static string RandomHex(int utf8Bytes)
    {
        var random = new Random(7);
        return string.Create(utf8Bytes, random, static (chars, r) =>
        {
            for (var i = 0; i < chars.Length; i++)
            {
                chars[i] = "0123456789abcdef"[r.Next(16)];
            }
        });
    }

    public static void Run()
    {
        var engine = DetectionEngine.Default;
        var card = ScanThroughput.CardDataOptions;

        // Tier every engine method up to optimized code first, so that small and large inputs run the same code.
        var documents = SyntheticCorpus.Shared.Documents;
        for (var pass = 0; pass < 3; pass++)
        {
            foreach (var d in documents)
            {
                engine.Scan(d);
                engine.Scan(d, card);
            }
        }

        Console.WriteLine(FormattableString.Invariant($"adversarial inputs: {Size:N0} bytes of UTF-8 each; best of up to 9 runs; growth = time(1 MiB) / time(128 KiB), about 8 when linear, 64 when quadratic"));
        Console.WriteLine();
        Console.WriteLine(FormattableString.Invariant(
            $"| {"Input",-42} | {"UTF-16 chars",12} | {"card data: ms / MiB",19} | {"MB/s",6} | {"growth",6} | {"all: ms / MiB",13} | {"MB/s",6} | {"growth",6} | {"entities",8} |"));
        Console.WriteLine(FormattableString.Invariant(
            $"|{new string('-', 44)}|{new string('-', 13)}:|{new string('-', 20)}:|{new string('-', 7)}:|{new string('-', 7)}:|{new string('-', 14)}:|{new string('-', 7)}:|{new string('-', 7)}:|{new string('-', 9)}:|"));
        var superLinear = false;
        foreach (var (name, build) in Inputs)
        {
            var cardOnly = Measure(build, text => engine.Scan(text, card).Count);
            var all = Measure(build, text => engine.Scan(text).Count);
            superLinear |= cardOnly.SuperLinear || all.SuperLinear;
            Console.WriteLine(FormattableString.Invariant(
                $"| {name,-42} | {build(Size).Length,12:N0} | {cardOnly.Ms,19} | {cardOnly.MBs,6} | {cardOnly.Growth,6} | {all.Ms,13} | {all.MBs,6} | {all.Growth,6} | {all.Entities,8} |"));
        }

        if (superLinear)
        {
            Console.WriteLine();
            Console.WriteLine("† super-linear: not run at 1 MiB. Its growth is time(128 KiB) / time(16 KiB), and the 1 MiB time is extrapolated with it.");
        }
    }

    private static Measurement Measure(Func<int, string> build, Func<string, int> scan)
    {
        var probe = build(ProbeSize);
        var small = build(SmallSize);
        var probeMs = Timing.BestMilliseconds(() => scan(probe), warmups: 1, runs: 3);
        if (probeMs * 64 * 64 > MaxPredictedMilliseconds)
        {
            // Too slow to run at 1 MiB if quadratic: measure the growth from 16 to 128 KiB and extrapolate.
            var smallMs = Timing.OnceMilliseconds(() => scan(small));
            var ratio = smallMs / probeMs;
            var predicted = smallMs * ratio;
            return new(
                FormattableString.Invariant($"~{predicted:N0} †"),
                FormattableString.Invariant($"~{Size / 1e3 / predicted:F2}"),
                FormattableString.Invariant($"{ratio:F0} †"),
                FormattableString.Invariant($"~{scan(probe) * (Size / ProbeSize):N0}"),
                SuperLinear: true);
        }

        var full = build(Size);
        var smallBest = Timing.BestMilliseconds(() => scan(small), warmups: 1, runs: 5);
        var first = Timing.OnceMilliseconds(() => scan(full));
        var runs = Math.Clamp((int)(500 / Math.Max(first, 0.01)), 1, 9);
        var fullMs = runs == 1 ? first : Math.Min(first, Timing.BestMilliseconds(() => scan(full), warmups: 0, runs: runs));
        var rate = Size / 1e3 / fullMs;
        return new(
            fullMs.ToString("F2", CultureInfo.InvariantCulture),
            rate.ToString(rate < 10 ? "F2" : "F0", CultureInfo.InvariantCulture),
            (fullMs / smallBest).ToString("F1", CultureInfo.InvariantCulture),
            scan(full).ToString("N0", CultureInfo.InvariantCulture),
            SuperLinear: false);
    }

    private sealed record Measurement(string Ms, string MBs, string Growth, string Entities, bool SuperLinear);
}

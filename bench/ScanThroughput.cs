using System.Globalization;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Loggers;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using PrivateInference.Bench.Corpus;
using PrivateInference.Redactor.Detection;

namespace PrivateInference.Bench;

/// <summary>
/// Single-thread throughput of <see cref="DetectionEngine.Scan(string, ScanOptions?)"/> over the whole
/// synthetic corpus, one document per call as the service scans requests: with every recognizer, and
/// for the card-data types only.
/// </summary>
/// <remarks>One benchmark operation is one pass over the corpus, so BenchmarkDotNet's mean is the time per
/// corpus and its allocation figure is the bytes allocated per corpus.</remarks>
public class ScanThroughput
{
    /// <summary>The card-data types: PAN, track data, CVV, expiry, SSN, IBAN.</summary>
    internal static ScanOptions CardDataOptions { get; } = new()
    {
        Types = new HashSet<EntityType> { EntityType.Pan, EntityType.TrackData, EntityType.Cvv, EntityType.Expiry, EntityType.Ssn, EntityType.Iban },
    };

    private IReadOnlyList<string> _documents = [];

    [GlobalSetup]
    public void Setup() => _documents = SyntheticCorpus.Shared.Documents;

    /// <summary>What the service runs: every recognizer of the default engine.</summary>
    [Benchmark]
    public int ScanCorpus()
    {
        var engine = DetectionEngine.Default;
        var found = 0;
        foreach (var document in _documents)
        {
            found += engine.Scan(document).Count;
        }

        return found;
    }

    /// <summary>Only the card-data types (the engine then runs only the recognizers that can produce them):
    /// what the 200 MB/s target covers.</summary>
    [Benchmark]
    public int CardDataOnly()
    {
        var engine = DetectionEngine.Default;
        var found = 0;
        foreach (var document in _documents)
        {
            found += engine.Scan(document, CardDataOptions).Count;
        }

        return found;
    }

    /// <summary>Runs the benchmark and prints BenchmarkDotNet's table, then the one-line summary.</summary>
    public static void Run()
    {
        var corpus = SyntheticCorpus.Shared;
        Console.WriteLine(corpus.Describe());
        Console.WriteLine(DescribeDetections(corpus));
        Console.WriteLine();

        var summary = BenchmarkRunner.Run<ScanThroughput>(CreateConfig());
        Console.WriteLine();
        var full = Report(summary, nameof(ScanCorpus), corpus, "all recognizers");
        var card = Report(summary, nameof(CardDataOnly), corpus, "card-data types only");
        Console.WriteLine();
        Console.WriteLine(FormattableString.Invariant($"scan: {full:F0} MB/s (single thread), corpus {corpus.Megabytes:F1} MB"));
        Console.WriteLine(FormattableString.Invariant($"scan, card-data types only: {card:F0} MB/s (single thread), corpus {corpus.Megabytes:F1} MB"));
    }

    /// <summary>Prints one benchmark's figures; returns its MB/s at the mean.</summary>
    private static double Report(Summary summary, string method, SyntheticCorpus corpus, string label)
    {
        var report = summary.Reports.SingleOrDefault(r => r.BenchmarkCase.Descriptor.WorkloadMethod.Name == method && r.ResultStatistics is not null)
            ?? throw new InvalidOperationException($"BenchmarkDotNet produced no result for {method}; see its log above.");
        var stats = report.ResultStatistics!;
        var seconds = stats.Mean / 1e9;
        var allocated = report.GcStats.GetBytesAllocatedPerOperation(report.BenchmarkCase) ?? 0;
        Console.WriteLine(FormattableString.Invariant($"{method} ({label}):"));
        Console.WriteLine(FormattableString.Invariant(
            $"  corpus pass: mean {stats.Mean / 1e6:F1} ms, median {stats.Median / 1e6:F1} ms, stddev {stats.StandardDeviation / 1e6:F1} ms, min {stats.Min / 1e6:F1} ms, max {stats.Max / 1e6:F1} ms, n = {stats.N}"));
        Console.WriteLine(FormattableString.Invariant(
            $"  throughput: {corpus.Megabytes / seconds:F0} MB/s of UTF-8 at the mean ({corpus.Megabytes / (stats.Median / 1e9):F0} at the median, {corpus.Megabytes / (stats.Min / 1e9):F0} at the fastest iteration); {corpus.Chars / 1e6 / seconds:F0} M UTF-16 chars/s, {corpus.Documents.Count / seconds:N0} documents/s"));
        Console.WriteLine(FormattableString.Invariant(
            $"  allocated: {allocated:N0} bytes per pass = {allocated / corpus.Megabytes:N0} bytes per MB ({allocated / (double)corpus.Documents.Count:F0} bytes per document)"));
        return corpus.Megabytes / seconds;
    }

    /// <summary>What the engine reports on the corpus: a sanity check that the benchmark measures real work.</summary>
    internal static string DescribeDetections(SyntheticCorpus corpus)
    {
        var counts = new int[EntityTypes.All.Count];
        var documentsWithFindings = 0;
        foreach (var document in corpus.Documents)
        {
            var found = DetectionEngine.Default.Scan(document);
            documentsWithFindings += found.Count > 0 ? 1 : 0;
            foreach (var entity in found)
            {
                counts[(int)entity.Type]++;
            }
        }

        var perType = EntityTypes.All
            .Where(t => counts[(int)t] > 0)
            .Select(t => string.Create(CultureInfo.InvariantCulture, $"{t.WireName()} {counts[(int)t]}"));
        return string.Create(CultureInfo.InvariantCulture, $"  detected: {string.Join(", ", perType)} in {documentsWithFindings} documents");
    }

    /// <summary>The short in-process job shared by the BenchmarkDotNet benchmarks of this project.</summary>
    internal static ManualConfig CreateConfig()
    {
        // In-process: no second build of a generated project, and the corpus is generated once. A short job
        // (3 warm-up and 10 measured iterations of about a quarter second) is enough for a stable mean here.
        var job = Job.Default
            .WithToolchain(InProcessEmitToolchain.Instance)
            .WithLaunchCount(1)
            .WithWarmupCount(3)
            .WithIterationCount(10)
            .WithIterationTime(Perfolizer.Horology.TimeInterval.FromMilliseconds(250))
            .WithId("short-inprocess");
        var config = ManualConfig.CreateEmpty()
            .AddJob(job)
            .AddLogger(ConsoleLogger.Default)
            .AddColumnProvider(DefaultColumnProviders.Instance)
            .AddDiagnoser(MemoryDiagnoser.Default)
            .WithArtifactsPath(Path.Combine(AppContext.BaseDirectory, "BenchmarkDotNet.Artifacts"));
        return config;
    }
}

using System.Diagnostics;
using System.Globalization;
using PrivateInference.Bench;
using PrivateInference.Bench.Corpus;
using PrivateInference.Bench.Pipeline;
using PrivateInference.Bench.Vault;
using PrivateInference.Redactor.Detection;

// dotnet run -c Release --project bench -- <command>; see docs/PERFORMANCE.md for what each prints.
var command = args.Length > 0 ? args[0] : "";
switch (command)
{
    case "scan":
        ScanThroughput.Run();
        break;
    case "adversarial":
        AdversarialInputs.Run();
        break;
    case "breakdown":
        TimeBreakdown.Run();
        break;
    case "crypto":
        CryptoThroughput.Run();
        break;
    case "all":
        ScanThroughput.Run();
        Console.WriteLine();
        AdversarialInputs.Run();
        Console.WriteLine();
        TimeBreakdown.Run();
        break;
    case "corpus":
        Console.WriteLine(SyntheticCorpus.Shared.Describe());
        Console.WriteLine(ScanThroughput.DescribeDetections(SyntheticCorpus.Shared));
        if (args.Length > 1)
        {
            // Writes the corpus for inspection, documents separated by a form feed.
            File.WriteAllText(args[1], string.Join("\n\f\n", SyntheticCorpus.Shared.Documents));
        }

        break;
    case "vault":
        // Tokenize and Detokenize on a real PostgreSQL (PI_BENCH_POSTGRES); scripts/bench-vault.sh starts one.
        return await VaultBenchmark.RunAsync(args[1..]);
    case "pipeline":
        // Rehydrate, RehydrateStream and Redact end to end over gRPC on loopback (TokenVault, Rehydrator and Redactor as
        // Kestrel services); SQLite by default, PostgreSQL and SoftHSM2 through scripts/bench-pipeline.sh.
        return await PipelineBenchmark.RunAsync(args[1..]);
    case "redact":
        // Only Redact over gRPC, with its splits (Tokenize alone, Scan alone); short enough to run under dotnet-trace.
        return await RedactBenchmark.RunAsync(args[1..]);
    case "engine":
        // The Rehydrator's engine alone, in process, surrogates on and off (also part of "pipeline").
        await EngineInProcess.RunAsync();
        break;
    case "loop":
        // A plain scan loop to run under a profiler (dotnet-trace, dotnet-counters): the corpus (input 0),
        // or the 128 KiB version of adversarial input N (1-based, as listed by "adversarial"); every
        // recognizer, or with "card" only the card-data types.
        Loop(
            args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 20,
            args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 0,
            args.Length > 3 && args[3] == "card" ? ScanThroughput.CardDataOptions : null);
        break;
    default:
        Console.Error.WriteLine("usage: dotnet run -c Release --project bench -- scan | adversarial | breakdown | all | crypto | corpus [file] | loop [seconds] [adversarial input, 0 = corpus] [card] | vault [seconds per level] | pipeline [seconds per level] | redact [seconds per level] [callers …] | engine");
        return 2;
}

return 0;

static void Loop(int seconds, int adversarialInput, ScanOptions? options)
{
    IReadOnlyList<string> documents = adversarialInput > 0
        ? [AdversarialInputs.Inputs[adversarialInput - 1].Build(AdversarialInputs.Size / 8)]
        : SyntheticCorpus.Shared.Documents;
    var megabytes = documents.Sum(d => (long)System.Text.Encoding.UTF8.GetByteCount(d)) / 1e6;
    var clock = Stopwatch.StartNew();
    var passes = 0;
    while (clock.Elapsed.TotalSeconds < seconds)
    {
        foreach (var d in documents)
        {
            DetectionEngine.Default.Scan(d, options);
        }

        passes++;
    }

    Console.WriteLine(FormattableString.Invariant(
        $"loop: {passes} passes over {megabytes:F2} MB in {clock.Elapsed.TotalSeconds:F1} s, {passes * megabytes / clock.Elapsed.TotalSeconds:F1} MB/s"));
}

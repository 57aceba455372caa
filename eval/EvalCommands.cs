using System.Globalization;
using PrivateInference.Eval.Corpus;

namespace PrivateInference.Eval;

/// <summary>The two subcommands and their options.</summary>
internal static class EvalCommands
{
    public const string DefaultCorpusPath = "eval/corpus/corpus.jsonl";

    private const string Usage = """
        usage: dotnet run -c Release --project eval -- <command> [options]

          generate [--out eval/corpus/corpus.jsonl] [--count 648] [--seed 20240611]
              writes the labeled corpus (deterministic for a seed)
          score [--corpus eval/corpus/corpus.jsonl] [--pi ./pi] [--out docs/DETECTION.md]
              runs `pi scan --jsonl` on the corpus as an outside process and writes the report
        """;

    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Length == 0)
        {
            await Console.Error.WriteLineAsync(Usage);
            return 2;
        }

        var options = ParseOptions(args.AsSpan(1));
        if (options is null)
        {
            await Console.Error.WriteLineAsync(Usage);
            return 2;
        }

        switch (args[0])
        {
            case "generate":
                return Generate(options);
            case "score":
                return await Scoring.ScoreCommand.RunAsync(
                    options.GetValueOrDefault("corpus", DefaultCorpusPath),
                    options.GetValueOrDefault("pi", "./pi"),
                    options.GetValueOrDefault("out", "docs/DETECTION.md"));
            default:
                await Console.Error.WriteLineAsync(Usage);
                return 2;
        }
    }

    private static Dictionary<string, string>? ParseOptions(ReadOnlySpan<string> args)
    {
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Length; i += 2)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length)
            {
                return null;
            }

            options[args[i][2..]] = args[i + 1];
        }

        return options;
    }

    private static int Generate(Dictionary<string, string> options)
    {
        var path = options.GetValueOrDefault("out", DefaultCorpusPath);
        var count = int.Parse(options.GetValueOrDefault("count", CorpusGenerator.DefaultCount.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture);
        var seed = ulong.Parse(options.GetValueOrDefault("seed", CorpusGenerator.DefaultSeed.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture);

        var documents = CorpusGenerator.Generate(count, seed);
        CorpusFile.Write(path, documents);

        Console.WriteLine($"wrote {documents.Count} documents to {path} ({CorpusGenerator.TemplateCount} templates, seed {seed})");
        Console.WriteLine(CorpusStatistics.Describe(documents));
        return 0;
    }
}

using System.Diagnostics;
using System.Text;
using System.Text.Json;
using PrivateInference.Eval.Corpus;

namespace PrivateInference.Eval.Scoring;

/// <summary>The result of one `pi scan --jsonl` run.</summary>
public sealed record PiRun(
    IReadOnlyDictionary<string, IReadOnlyList<Prediction>> Predictions,
    TimeSpan Elapsed,
    int ExitCode,
    string StandardError);

/// <summary>
/// Runs `pi scan --jsonl IN --out OUT` as a separate process, exactly as an outside scorer would: the
/// detector sees only {id, text} lines and is judged only by what it writes.
/// </summary>
public static class PiRunner
{
    public static async Task<PiRun> RunAsync(string pi, IReadOnlyList<CorpusDocument> documents, CancellationToken cancellationToken = default)
    {
        var directory = Directory.CreateTempSubdirectory("pi-eval-");
        try
        {
            var input = Path.Combine(directory.FullName, "in.jsonl");
            var output = Path.Combine(directory.FullName, "out.jsonl");
            var lines = new StringBuilder();
            foreach (var document in documents)
            {
                lines.Append(CorpusFile.ToScanInputLine(document)).Append('\n');
            }

            await File.WriteAllTextAsync(input, lines.ToString(), new UTF8Encoding(false), cancellationToken);

            // One small call first, so a stale CLI is rebuilt before the timed run, not during it.
            var warmInput = Path.Combine(directory.FullName, "warm.jsonl");
            await File.WriteAllTextAsync(warmInput, CorpusFile.ToScanInputLine(documents[0]) + "\n", new UTF8Encoding(false), cancellationToken);
            var warm = await RunProcessAsync(pi, ["scan", "--jsonl", warmInput, "--out", Path.Combine(directory.FullName, "warm.out.jsonl")], cancellationToken);
            if (warm.ExitCode != 0)
            {
                return new PiRun(new Dictionary<string, IReadOnlyList<Prediction>>(), TimeSpan.Zero, warm.ExitCode, warm.StandardError);
            }

            var run = await RunProcessAsync(pi, ["scan", "--jsonl", input, "--out", output], cancellationToken);
            var predictions = File.Exists(output) ? ReadPredictions(output) : new Dictionary<string, IReadOnlyList<Prediction>>();
            return new PiRun(predictions, run.Elapsed, run.ExitCode, run.StandardError);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    public static Dictionary<string, IReadOnlyList<Prediction>> ReadPredictions(string path)
    {
        var predictions = new Dictionary<string, IReadOnlyList<Prediction>>(StringComparer.Ordinal);
        foreach (var line in File.ReadLines(path))
        {
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            var (id, spans) = ParsePredictionLine(line);
            predictions[id] = spans;
        }

        return predictions;
    }

    /// <summary>One output line: {"id": …, "spans": [{"start", "end", "type", "score"}]}; a non-string id is joined by its JSON text.</summary>
    public static (string Id, IReadOnlyList<Prediction> Spans) ParsePredictionLine(string line)
    {
        using var json = JsonDocument.Parse(line);
        var root = json.RootElement;
        var idElement = root.GetProperty("id");
        var id = idElement.ValueKind == JsonValueKind.String ? idElement.GetString()! : idElement.GetRawText();
        var spans = new List<Prediction>();
        if (root.TryGetProperty("spans", out var array))
        {
            foreach (var span in array.EnumerateArray())
            {
                spans.Add(new Prediction(
                    span.GetProperty("start").GetInt32(),
                    span.GetProperty("end").GetInt32(),
                    span.GetProperty("type").GetString() ?? "",
                    span.TryGetProperty("score", out var score) && score.ValueKind == JsonValueKind.Number ? score.GetDouble() : 1.0));
            }
        }

        return (id, spans);
    }

    private static async Task<(int ExitCode, TimeSpan Elapsed, string StandardError)> RunProcessAsync(string fileName, string[] arguments, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(fileName)
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        var stopwatch = Stopwatch.StartNew();
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {fileName}");
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        stopwatch.Stop();
        await stdout;
        return (process.ExitCode, stopwatch.Elapsed, await stderr);
    }
}

using System.ComponentModel;
using System.Diagnostics;
using PrivateInference.Eval.Corpus;

namespace PrivateInference.Eval.Scoring;

/// <summary>`score`: run pi on the corpus, compare, write docs/DETECTION.md. Exits 0 whatever the scores.</summary>
internal static class ScoreCommand
{
    public static async Task<int> RunAsync(string corpusPath, string pi, string reportPath)
    {
        if (!File.Exists(corpusPath))
        {
            await Console.Error.WriteLineAsync($"score: no corpus at {corpusPath} (run from the repository root, or pass --corpus)");
            return 1;
        }

        var documents = CorpusFile.Read(corpusPath);
        PiRun run;
        try
        {
            run = await PiRunner.RunAsync(pi, documents);
        }
        catch (Win32Exception e)
        {
            await Console.Error.WriteLineAsync($"score: could not start {pi}: {e.Message}");
            return 1;
        }

        if (run.Predictions.Count == 0)
        {
            await Console.Error.WriteLineAsync($"score: {pi} wrote no predictions (exit code {run.ExitCode})");
            await Console.Error.WriteLineAsync(run.StandardError);
            return 1;
        }

        var result = Scorer.Score(documents, run.Predictions);
        var command = $"dotnet run -c Release --project eval -- score --corpus {corpusPath} --pi {pi} --out {reportPath}";
        var info = new RunInfo(DateTime.UtcNow, command, corpusPath, await CommitAsync(), run.Elapsed, run.ExitCode);

        var directory = Path.GetDirectoryName(Path.GetFullPath(reportPath));
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        await File.WriteAllTextAsync(reportPath, DetectionReport.Markdown(result, documents, info));
        Console.WriteLine(DetectionReport.ConsoleSummary(result, documents, info, reportPath));
        return 0;
    }

    /// <summary>The commit scored, with "+changes" when the tree is dirty; null outside a git checkout.</summary>
    private static async Task<string?> CommitAsync()
    {
        try
        {
            var head = await GitAsync("rev-parse", "--short", "HEAD");
            if (head is null)
            {
                return null;
            }

            var status = await GitAsync("status", "--porcelain", "--untracked-files=no");
            return string.IsNullOrWhiteSpace(status) ? head : head + " +changes";
        }
        catch (Win32Exception)
        {
            return null;
        }
    }

    private static async Task<string?> GitAsync(params string[] arguments)
    {
        var start = new ProcessStartInfo("git") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start);
        if (process is null)
        {
            return null;
        }

        var output = await process.StandardOutput.ReadToEndAsync();
        await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return process.ExitCode == 0 ? output.Trim() : null;
    }
}

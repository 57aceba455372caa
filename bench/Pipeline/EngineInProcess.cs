using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using PrivateInference.Contracts.Vault.V1;
using PrivateInference.Rehydrator.Authorization;
using PrivateInference.Rehydrator.Policy;
using PrivateInference.Rehydrator.Rehydration;

namespace PrivateInference.Bench.Pipeline;

/// <summary>
/// The Rehydrator's own cost per note, without gRPC and without the vault: <see cref="RehydrationEngine"/> over the
/// tokenized note with an in-memory vault that answers the note's tokens (and no surrogate), single-threaded, with the
/// shipped policy's surrogate switch on and off. CPU time and bytes allocated per note on this thread; every result is
/// checked against the original note.
/// </summary>
internal static class EngineInProcess
{
    private const int Rounds = 4_000;

    /// <summary>The <c>engine</c> command: the same, standalone, with made-up tokens (no vault, no services).</summary>
    public static Task RunAsync()
    {
        var tokens = PipelineNote.Values.Select(v => PrivateInference.Cryptography.Token.FromKey(v.EntityType, PrivateInference.Cryptography.TokenId.New()).Format()).ToArray();
        CountCorpusCandidates();
        return RunAsync("bench-engine", tokens, PipelineNote.Tokenized(tokens), PipelineNote.Original());
    }

    /// <summary>How many surrogate candidates ordinary text yields (the synthetic corpus, raw values and no tokens), by kind.</summary>
    private static void CountCorpusCandidates()
    {
        var corpus = PrivateInference.Bench.Corpus.SyntheticCorpus.Shared;
        var kinds = new Dictionary<PrivateInference.Cryptography.Surrogates.SurrogateKind, int>();
        foreach (var document in corpus.Documents)
        {
            foreach (var candidate in PrivateInference.Cryptography.Surrogates.SurrogateFinder.Find(document))
            {
                kinds[candidate.Kind] = kinds.GetValueOrDefault(candidate.Kind) + 1;
            }
        }

        var kb = corpus.Utf8Bytes / 1024.0;
        Console.WriteLine(FormattableString.Invariant(
            $"  surrogate candidates in the synthetic corpus ({corpus.Documents.Count:N0} documents, {kb:N0} KiB): {kinds.Values.Sum() / kb:F2} per KiB ({string.Join(", ", kinds.OrderBy(k => k.Key).Select(k => $"{k.Key} {k.Value / kb:F2}"))})"));
    }

    public static async Task RunAsync(string tenantId, IReadOnlyList<string> tokens, string tokenized, string original)
    {
        var json = await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "rehydration-policy.json")).ConfigureAwait(false);
        var vault = new MemoryVault(tokens.Select((t, i) => (t, PipelineNote.Values[i])).ToDictionary(x => x.t, x => x.Item2, StringComparer.Ordinal));
        var agent = new AuthenticatedAgent("agent:bench", tenantId, ["privacy-officer"], DateTimeOffset.UtcNow.AddHours(1));
        var engines = new[] { true, false }.Select(surrogates => (Surrogates: surrogates, Engine: new RehydrationEngine(
            RehydrationPolicy.Parse(json.Replace("\"surrogates\": true", $"\"surrogates\": {(surrogates ? "true" : "false")}", StringComparison.Ordinal)),
            vault,
            new RehydrationOptions { RevealsPerMinute = PipelineBenchmark.RevealsPerMinute },
            NullLogger<RehydrationEngine>.Instance))).ToArray();

        // Both warmed up before either is measured: the first measured loop otherwise pays for tiered compilation.
        foreach (var (_, engine) in engines)
        {
            for (var i = 0; i < Rounds; i++)
            {
                await engine.RehydrateAsync(agent, null, "operations", tokenized).ConfigureAwait(false);
            }
        }

        foreach (var (surrogates, engine) in engines)
        {
            var wrong = 0;
            vault.Candidates = 0;
            var bytes = GC.GetAllocatedBytesForCurrentThread();
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            var start = Stopwatch.GetTimestamp();
            for (var i = 0; i < Rounds; i++)
            {
                var result = await engine.RehydrateAsync(agent, null, "operations", tokenized).ConfigureAwait(false);
                wrong += result.Text == original ? 0 : 1;
            }

            var elapsed = Stopwatch.GetElapsedTime(start).TotalMilliseconds / Rounds;
            var cpuPerNote = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMilliseconds / Rounds;
            var allocated = (GC.GetAllocatedBytesForCurrentThread() - bytes) / Rounds;
            Console.WriteLine(FormattableString.Invariant(
                $"  RehydrationEngine in process, in-memory vault, surrogates {(surrogates ? "on " : "off")}: {elapsed:F3} ms per note ({cpuPerNote:F3} ms CPU of the process), {allocated:N0} bytes allocated, {(double)vault.Candidates / Rounds:F1} candidates sent; {(wrong == 0 ? "every text equal to the original" : $"{wrong} WRONG")}"));
        }

        Console.WriteLine();
    }

    /// <summary>Answers the note's tokens from memory; no surrogate is known. Counts the candidates it was sent.</summary>
    private sealed class MemoryVault(Dictionary<string, (string EntityType, string Value)> values) : IRehydrationVault
    {
        public long Candidates { get; set; }

        public Task<DetokenizeResponse> DetokenizeAsync(DetokenizeRequest request, CancellationToken cancellationToken)
        {
            var response = new DetokenizeResponse();
            foreach (var token in request.Tokens)
            {
                response.Results.Add(values.TryGetValue(token, out var v)
                    ? new DetokenizeResult { Token = token, Found = true, EntityType = v.EntityType, Value = v.Value }
                    : new DetokenizeResult { Token = token });
            }

            foreach (var _ in request.Surrogates)
            {
                response.SurrogateResults.Add(new DetokenizeResult());
            }

            Candidates += request.Surrogates.Count;
            return Task.FromResult(response);
        }

        public Task RecordRehydrationAsync(RecordRehydrationRequest request, CancellationToken cancellationToken) => Task.CompletedTask;
    }
}

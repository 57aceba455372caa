using System.Diagnostics;
using System.Globalization;
using Grpc.Core;
using Grpc.Net.Client;
using PrivateInference.Contracts.Redactor.V1;
using PrivateInference.Contracts.Vault.V1;
using Microsoft.Extensions.Logging.Abstractions;
using PrivateInference.Redactor.Detection;
using PrivateInference.Redactor.Redaction;
using PrivateInference.TokenVault.Authorization;
using PrivateInference.TokenVault.Storage;
using PrivateInference.VaultClient;
using EntityType = PrivateInference.Redactor.Detection.EntityType;

namespace PrivateInference.Bench.Pipeline;

/// <summary>
/// <c>redact</c>: only the Redact half of <see cref="PipelineBenchmark"/>, with splits of where its CPU goes, short
/// enough to run under a profiler (<c>dotnet-trace collect … -- dotnet PrivateInference.Bench.dll redact 15 16</c>).
/// The same services and note; SQLite by default, PostgreSQL when <c>PI_BENCH_POSTGRES</c> is set.
/// </summary>
/// <remarks>
/// Phases, each with the process's CPU per call: Redact through the Redactor (client → Redactor → vault); the vault's
/// Tokenize alone with the very items the Redactor sends for the note (client → vault); the Redactor's Scan of the note
/// over gRPC (client → Redactor, no vault); and, in process on one thread, the scan alone and the service token check.
/// Redact minus Tokenize minus the in-process scan is what the Redactor's hop costs: its HTTP/2 server and client,
/// protobuf both ways, the request building and the text rebuilding.
/// </remarks>
internal static class RedactBenchmark
{
    public static async Task<int> RunAsync(IReadOnlyList<string> args)
    {
        var seconds = args.Count > 0 && double.TryParse(args[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var s) ? s : 10;
        int[] callerCounts = args.Count > 1 ? [.. args.Skip(1).Select(a => int.Parse(a, CultureInfo.InvariantCulture))] : [1, 16];
        var phase = TimeSpan.FromSeconds(seconds);
        var warmUp = TimeSpan.FromSeconds(Math.Min(5, seconds));
        var tenantId = "bench-" + Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(4));
        var postgres = Environment.GetEnvironmentVariable(Vault.VaultBenchmark.PostgresVariable);
        var sqliteFolder = postgres is null ? Directory.CreateTempSubdirectory("pi-bench-redact-db-") : null;
        IVaultStore store = postgres is { Length: > 0 }
            ? new PostgresVaultStore(postgres, "bench_" + tenantId[6..])
            : new SqliteVaultStore(Path.Combine(sqliteFolder!.FullName, "vault.db"));
        try
        {
            await using var services = await PipelineServices.StartAsync(store, PipelineBenchmark.RevealsPerMinute).ConfigureAwait(false);
            using var vaultChannel = GrpcChannel.ForAddress(services.VaultUrl);
            using var redactorChannel = GrpcChannel.ForAddress(services.RedactorUrl);
            var vault = new TokenVaultService.TokenVaultServiceClient(vaultChannel);
            var redactor = new RedactorService.RedactorServiceClient(redactorChannel);
            var admin = new Metadata { { "authorization", "Bearer " + services.ServiceToken("bench:key-admin", VaultRoles.KeyAdmin) } };
            var tokenizerToken = services.ServiceToken("bench:redactor", VaultRoles.Tokenizer);
            var tokenizer = new Metadata { { "authorization", "Bearer " + tokenizerToken } };
            await new KeyAdminService.KeyAdminServiceClient(vaultChannel).CreateTenantAsync(new CreateTenantRequest { TenantId = tenantId }, admin);

            using var redactorVaultChannel = VaultChannel.Create(services.VaultUrl);
            var redactorVault = new GrpcRedactionVault(new TokenVaultService.TokenVaultServiceClient(redactorVaultChannel), VaultCallCredentials.Create(tokenizerToken, null, TimeSpan.FromSeconds(30)));
            var original = PipelineNote.Original();
            var request = new RedactRequest { TenantId = tenantId, Text = original };
            var reference = (await redactor.RedactAsync(request)).Text;
            var tokenize = TokenizeRequestOf(tenantId, original);
            var scan = new ScanRequest { TenantId = tenantId, Text = original };
            long wrong = 0;
            Console.WriteLine(FormattableString.Invariant(
                $"redact benchmark: client → Redactor → TokenVault ({(postgres is { Length: > 0 } ? "PostgreSQL" : "embedded SQLite")}), loopback HTTP/2, one process; {PipelineNote.Utf8Bytes(original):N0}-byte note, {tokenize.Items.Count} distinct values to tokenize; load average {Vault.VaultBenchmark.LoadAverage()}; {seconds:F0} s per level"));

            var phases = new (string Name, Func<Task> Call)[]
            {
                ("Redact (client → Redactor → vault)", async () =>
                {
                    if (!string.Equals((await redactor.RedactAsync(request)).Text, reference, StringComparison.Ordinal))
                    {
                        Interlocked.Increment(ref wrong);
                    }
                }),
                ("vault Tokenize alone (the Redactor's items)", async () => await vault.TokenizeAsync(tokenize, tokenizer)),
                ("vault Tokenize alone, through the Redactor's vault client (its channel, bearer header and deadline)", async () => await redactorVault.TokenizeAsync(tokenize, CancellationToken.None)),
                ("Redactor Scan alone (client → Redactor)", async () => await redactor.ScanAsync(scan)),
            };
            // PI_BENCH_PHASES=1 runs the first phase only (Redact), for a profile of nothing else.
            var only = int.TryParse(Environment.GetEnvironmentVariable("PI_BENCH_PHASES"), CultureInfo.InvariantCulture, out var n) ? n : phases.Length;
            // Every phase warms up before any is measured: tiered compilation of the first phase's code would otherwise be
            // counted in its CPU.
            foreach (var (_, call) in phases.Take(only))
            {
                await MeasureAsync(4, warmUp, call).ConfigureAwait(false);
            }

            foreach (var (name, call) in phases.Take(only))
            {
                foreach (var callers in callerCounts)
                {
                    var m = await MeasureAsync(callers, phase, call).ConfigureAwait(false);
                    Console.WriteLine(FormattableString.Invariant(
                        $"  {name}, {callers,2} callers: {m.PerSecond,6:N0}/s, p50 {m.P50:F2} ms, p99 {m.P99:F2} ms, CPU {m.CpuMs:F3} ms per call, {m.AllocatedKb:F1} KB allocated per call, GCs per 1,000 calls {m.Gcs} ({m.Calls:N0} calls)"));
                }
            }

            var validator = new ServiceTokenValidator(new ServiceIdentityOptions { JwksFile = services.VaultJwks });
            var tokens = await vault.TokenizeAsync(tokenize, tokenizer);
            var engine = new RedactionEngine(DetectionEngine.Default, new CannedVault(tokens), 1 << 20, NullLogger<RedactionEngine>.Instance);
            var redaction = new RedactionRequest(tenantId, original, new ScanOptions(), RedactionRules.TokenizeAll);
            var (scanMs, scanKb) = Time(() => DetectionEngine.Default.Scan(original).Count);
            var (engineMs, engineKb) = Time(() => engine.RedactAsync(redaction).GetAwaiter().GetResult().Replacements.Count);
            var (tokenMs, tokenKb) = Time(() => validator.ValidateAsync(tokenizerToken).GetAwaiter().GetResult() is null ? 0 : 1);
            Console.WriteLine(FormattableString.Invariant(
                $"  in process, one thread: DetectionEngine.Scan of the note {scanMs:F3} ms ({scanKb:F1} KB); RedactionEngine with a canned vault answer (scan, Tokenize request, text rebuilt) {engineMs:F3} ms ({engineKb:F1} KB); vault service token check {tokenMs:F3} ms ({tokenKb:F1} KB)"));
            if (sqliteFolder is not null)
            {
                // What the store's connections run with: journal_mode is the file's (WAL, set by the migration), synchronous
                // is per connection and the store sets none, so a fresh connection shows the library's default.
                using var connection = new Microsoft.Data.Sqlite.SqliteConnection("Data Source=" + Path.Combine(sqliteFolder.FullName, "vault.db"));
                connection.Open();
                using var pragma = connection.CreateCommand();
                pragma.CommandText = "PRAGMA journal_mode";
                var journal = pragma.ExecuteScalar();
                pragma.CommandText = "PRAGMA synchronous";
                var synchronous = pragma.ExecuteScalar();
                Console.WriteLine(FormattableString.Invariant($"  SQLite: journal_mode {journal}, synchronous {synchronous} (0 OFF, 1 NORMAL, 2 FULL, 3 EXTRA), SQLite {connection.ServerVersion}"));
            }

            Console.WriteLine(wrong == 0 ? "every redacted text equalled the first" : FormattableString.Invariant($"WRONG RESULTS: {wrong:N0}"));
            return wrong == 0 ? 0 : 1;
        }
        finally
        {
            sqliteFolder?.Delete(recursive: true);
        }
    }

    /// <summary>The Tokenize the Redactor sends for <paramref name="text"/>: its distinct (type, spelling) values in order.</summary>
    private static TokenizeRequest TokenizeRequestOf(string tenantId, string text)
    {
        var request = new TokenizeRequest { TenantId = tenantId };
        var seen = new HashSet<(EntityType, string)>();
        foreach (var e in DetectionEngine.Default.Scan(text))
        {
            var value = text[e.Start..e.End];
            if (e.Type is not (EntityType.Cvv or EntityType.TrackData) && seen.Add((e.Type, value)))
            {
                request.Items.Add(new TokenizeItem { EntityType = e.Type.WireName(), Value = value });
            }
        }

        return request;
    }

    /// <summary>Mean time (ms) and allocation (KB) of <paramref name="step"/> on this thread.</summary>
    private static (double Ms, double Kb) Time(Func<int> step)
    {
        const int Rounds = 1_000;
        for (var i = 0; i < Rounds / 10; i++)
        {
            step();
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread();
        var start = Stopwatch.GetTimestamp();
        for (var i = 0; i < Rounds; i++)
        {
            step();
        }

        return (Stopwatch.GetElapsedTime(start).TotalMilliseconds / Rounds, (GC.GetAllocatedBytesForCurrentThread() - allocated) / 1024.0 / Rounds);
    }

    /// <summary>The vault's answer for the note, given back without a call: the Redactor's own work alone.</summary>
    private sealed class CannedVault(TokenizeResponse response) : IRedactionVault
    {
        public Task<TokenizeResponse> TokenizeAsync(TokenizeRequest request, CancellationToken cancellationToken) => Task.FromResult(response);
    }

    private static async Task<Measured> MeasureAsync(int callers, TimeSpan duration, Func<Task> call)
    {
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var allocatedBefore = GC.GetTotalAllocatedBytes();
        int[] gcsBefore = [GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2)];
        var samples = new List<double>[callers];
        var start = Stopwatch.GetTimestamp();
        var deadline = start + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        await Task.WhenAll(Enumerable.Range(0, callers).Select(worker => Task.Run(async () =>
        {
            var mine = samples[worker] = new List<double>(4096);
            while (Stopwatch.GetTimestamp() < deadline)
            {
                var t0 = Stopwatch.GetTimestamp();
                await call().ConfigureAwait(false);
                mine.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
            }
        }))).ConfigureAwait(false);
        var elapsed = Stopwatch.GetElapsedTime(start);
        var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
        var allocated = GC.GetTotalAllocatedBytes() - allocatedBefore;
        var all = samples.SelectMany(x => x).ToArray();
        Array.Sort(all);
        double At(double p) => all[Math.Clamp((int)Math.Ceiling(p / 100 * all.Length) - 1, 0, all.Length - 1)];
        var gcs = string.Join('/', Enumerable.Range(0, 3).Select(g => ((GC.CollectionCount(g) - gcsBefore[g]) * 1000.0 / all.Length).ToString("F1", CultureInfo.InvariantCulture)));
        return new Measured(all.Length, all.Length / elapsed.TotalSeconds, At(50), At(99), cpu.TotalMilliseconds / all.Length, allocated / 1024.0 / all.Length, "gen0/1/2 " + gcs);
    }

    private sealed record Measured(int Calls, double PerSecond, double P50, double P99, double CpuMs, double AllocatedKb, string Gcs);
}

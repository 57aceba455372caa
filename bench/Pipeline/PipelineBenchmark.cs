using System.Diagnostics;
using System.Globalization;
using System.Runtime;
using System.Security.Cryptography;
using Grpc.Core;
using Grpc.Net.Client;
using Npgsql;
using PrivateInference.Bench.Vault;
using PrivateInference.Contracts.Redactor.V1;
using PrivateInference.Contracts.Rehydrator.V1;
using PrivateInference.Contracts.Vault.V1;
using PrivateInference.Rehydrator.Authorization;
using PrivateInference.Rehydrator.Text;
using PrivateInference.TokenVault.Authorization;
using PrivateInference.TokenVault.Storage;

namespace PrivateInference.Bench.Pipeline;

/// <summary>
/// <c>pipeline</c>: the Rehydrator and the Redactor end to end over gRPC on loopback, against the targets of issue 5 §6.
/// The TokenVault, the Redactor and the Rehydrator run as real Kestrel services (<see cref="PipelineServices"/>); the
/// client calls the Rehydrator over HTTP/2 with an agent JWT, the Rehydrator calls the vault over HTTP/2 with its
/// service token, the vault detokenizes and commits its audit record; likewise the client calls the Redactor's Redact
/// with the note as written, the Redactor scans it and calls the vault's Tokenize with its tokenizer service token. Embedded SQLite and a local key by default; PostgreSQL when
/// <c>PI_BENCH_POSTGRES</c> is set and PKCS#11 when <c>PI_PKCS11_*</c> are (<c>scripts/bench-pipeline.sh</c>).
/// </summary>
/// <remarks>
/// The note (<see cref="PipelineNote"/>, about 2 KB, 20 identifiers) is tokenized through the vault's gRPC Tokenize
/// first; every rehydrated text is compared with the original, and every redacted text with the first one (whose
/// rehydration must give back the original), so the figures are of correct answers. The Rehydrator's
/// per-caller rate limit is raised for the run (see <see cref="RevealsPerMinute"/>): at the default 600 values a minute
/// one caller would be refused after 30 notes.
/// </remarks>
internal static class PipelineBenchmark
{
    /// <summary>The rate limit for the run: far above what 16 callers on this machine reach (20 values a call).</summary>
    public const int RevealsPerMinute = 100_000_000;

    private const int ChunkSize = 64;
    private const string Purpose = "operations";
    private const double P50Target = 2.0;
    private const double P99Target = 10.0;
    private const double ChunkP99Target = 1.0;

    private static readonly int[] CallerCounts = [1, 16];

    public static async Task<int> RunAsync(IReadOnlyList<string> args)
    {
        var seconds = args.Count > 0 && double.TryParse(args[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var s) ? s : 20;
        var warmUp = TimeSpan.FromSeconds(Math.Min(5, seconds));
        var phase = TimeSpan.FromSeconds(seconds);
        var run = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));
        var tenantId = "bench-" + run;
        var postgres = Environment.GetEnvironmentVariable(VaultBenchmark.PostgresVariable);
        var schema = "bench_" + run;
        var sqliteFolder = postgres is null ? Directory.CreateTempSubdirectory("pi-bench-pipeline-db-") : null;
        IVaultStore store = postgres is { Length: > 0 }
            ? new PostgresVaultStore(postgres, schema)
            : new SqliteVaultStore(Path.Combine(sqliteFolder!.FullName, "vault.db"));
        try
        {
            await using var services = await PipelineServices.StartAsync(store, RevealsPerMinute).ConfigureAwait(false);
            Describe(services, postgres, seconds, warmUp);
            using var vaultChannel = GrpcChannel.ForAddress(services.VaultUrl);
            using var channel = GrpcChannel.ForAddress(services.RehydratorUrl);
            var tokens = await PrepareAsync(services, new TokenVaultService.TokenVaultServiceClient(vaultChannel), new KeyAdminService.KeyAdminServiceClient(vaultChannel), tenantId).ConfigureAwait(false);
            var tokenized = PipelineNote.Tokenized(tokens);
            var original = PipelineNote.Original();
            var chunks = PipelineNote.Chunks(tokenized, ChunkSize);
            Console.WriteLine(FormattableString.Invariant(
                $"note: {PipelineNote.Utf8Bytes(original):N0} bytes UTF-8 as written, {PipelineNote.Utf8Bytes(tokenized):N0} tokenized, {PipelineNote.Values.Length} tokens; stream: {chunks.Length} chunks of {ChunkSize} chars"));
            Console.WriteLine();

            var client = new RehydratorService.RehydratorServiceClient(channel);
            var headers = new Metadata { { "authorization", "Bearer " + services.AgentToken("agent:bench-privacy-officer", tenantId, "privacy-officer") } };
            var bench = new Run(client, headers, services.Store, tokenized, original, chunks);

            await bench.MeasureAsync("warm-up, unary", 4, warmUp, bench.UnaryAsync, print: false).ConfigureAwait(false);
            await bench.MeasureAsync("warm-up, stream", 4, warmUp, bench.StreamAsync, print: false).ConfigureAwait(false);

            Console.WriteLine(FormattableString.Invariant($"Rehydrate (unary), privacy-officer/{Purpose}, {seconds:F0} s per level:"));
            var unary = new Dictionary<int, Measurement>();
            foreach (var callers in CallerCounts)
            {
                unary[callers] = await bench.MeasureAsync(FormattableString.Invariant($"{callers,2} callers"), callers, phase, bench.UnaryAsync).ConfigureAwait(false);
            }

            Console.WriteLine(FormattableString.Invariant($"RehydrateStream, the same note in {chunks.Length} chunks, each chunk sent when the previous one's output arrived, {seconds:F0} s per level:"));
            var stream = new Dictionary<int, Measurement>();
            foreach (var callers in CallerCounts)
            {
                stream[callers] = await bench.MeasureAsync(FormattableString.Invariant($"{callers,2} callers"), callers, phase, bench.StreamAsync).ConfigureAwait(false);
            }

            Console.WriteLine(FormattableString.Invariant($"Where the time goes: the vault's Detokenize alone (the Rehydrator's one call per note: the 20 tokens, detokenizer service token), gRPC from this client, {seconds:F0} s per level:"));
            var detokenize = new DetokenizeRequest { TenantId = tenantId };
            detokenize.Tokens.Add(tokens);
            var vaultClient = new TokenVaultService.TokenVaultServiceClient(vaultChannel);
            var detokenizer = new Metadata { { "authorization", "Bearer " + services.ServiceToken("bench:rehydrator", VaultRoles.Detokenizer) } };
            foreach (var callers in CallerCounts)
            {
                await bench.MeasureAsync(FormattableString.Invariant($"{callers,2} callers"), callers, phase, async _ => await vaultClient.DetokenizeAsync(detokenize, detokenizer)).ConfigureAwait(false);
            }

            // The same call with the note's surrogate candidates, as the Rehydrator sends it when surrogates are on.
            var scanned = TextScanner.Find(tokenized);
            var withCandidates = detokenize.Clone();
            withCandidates.Surrogates.Add(scanned.Surrogates.Select(c => scanned.Text.Substring(c.Start, c.Length)).Distinct(StringComparer.Ordinal));
            Console.WriteLine(FormattableString.Invariant($"The same Detokenize with the note's {withCandidates.Surrogates.Count} surrogate candidates:"));
            foreach (var callers in CallerCounts)
            {
                await bench.MeasureAsync(FormattableString.Invariant($"{callers,2} callers"), callers, phase, async _ => await vaultClient.DetokenizeAsync(withCandidates, detokenizer)).ConfigureAwait(false);
            }

            await PartsAsync(services, headers, detokenizer, tokenized).ConfigureAwait(false);
            await EngineInProcess.RunAsync(tenantId, tokens, tokenized, original).ConfigureAwait(false);

            using var redactorChannel = GrpcChannel.ForAddress(services.RedactorUrl);
            var redactor = new RedactorService.RedactorServiceClient(redactorChannel);
            var redact = await RedactAsync(bench, redactor, client, headers, tenantId, original, seconds, warmUp, phase).ConfigureAwait(false);

            var wrong = bench.Wrong;
            Console.WriteLine(wrong == 0
                ? "every rehydrated text checked against the original note, every redacted text against the first: all equal"
                : FormattableString.Invariant($"WRONG RESULTS: {wrong:N0} rehydrated or redacted texts differ from what they must be"));
            Console.WriteLine(FormattableString.Invariant($"load average at the end: {VaultBenchmark.LoadAverage()}"));
            Console.WriteLine();

            var top = unary[16];
            var topRedact = redact[16];
            var topStream = stream[16];
            var rows = new (string Figure, string Measured, string Target, bool Passed)[]
            {
                ("Redact p50, 16 callers", FormattableString.Invariant($"**{topRedact.Percentile(50):F2} ms**"), FormattableString.Invariant($"≤ {P50Target:F0} ms"), topRedact.Percentile(50) <= P50Target),
                ("Redact p99, 16 callers", FormattableString.Invariant($"**{topRedact.Percentile(99):F2} ms**"), FormattableString.Invariant($"≤ {P99Target:F0} ms"), topRedact.Percentile(99) <= P99Target),
                ("Rehydrate p50, 16 callers", FormattableString.Invariant($"**{top.Percentile(50):F2} ms**"), FormattableString.Invariant($"≤ {P50Target:F0} ms"), top.Percentile(50) <= P50Target),
                ("Rehydrate p99, 16 callers", FormattableString.Invariant($"**{top.Percentile(99):F2} ms**"), FormattableString.Invariant($"≤ {P99Target:F0} ms"), top.Percentile(99) <= P99Target),
                ("RehydrateStream p99 per chunk, 16 callers", FormattableString.Invariant($"**{topStream.ChunkPercentile(99):F2} ms**"), FormattableString.Invariant($"≤ {ChunkP99Target:F0} ms"), topStream.ChunkPercentile(99) <= ChunkP99Target),
                ("RehydrateStream p99 per chunk, 1 caller", FormattableString.Invariant($"**{stream[1].ChunkPercentile(99):F2} ms**"), FormattableString.Invariant($"≤ {ChunkP99Target:F0} ms"), stream[1].ChunkPercentile(99) <= ChunkP99Target),
            };
            Console.WriteLine("| Figure | Measured | Target | |");
            Console.WriteLine("|---|---:|---:|---|");
            foreach (var row in rows)
            {
                Console.WriteLine($"| {row.Figure} | {row.Measured} | {row.Target} | {(row.Passed ? "PASS" : "FAIL")} |");
            }

            return wrong == 0 ? 0 : 1;
        }
        finally
        {
            if (postgres is { Length: > 0 })
            {
                await using var server = NpgsqlDataSource.Create(postgres);
                await using var drop = server.CreateCommand($"DROP SCHEMA IF EXISTS {schema} CASCADE");
                await drop.ExecuteNonQueryAsync().ConfigureAwait(false);
            }

            sqliteFolder?.Delete(recursive: true);
        }
    }

    private static void Describe(PipelineServices services, string? postgres, double seconds, TimeSpan warmUp)
    {
        Console.WriteLine("pipeline benchmark: client → Rehydrator → TokenVault and client → Redactor → TokenVault, each a Kestrel gRPC service on loopback (HTTP/2, no TLS), one process");
        Console.WriteLine(postgres is { Length: > 0 }
            ? $"vault store: PostgreSQL at {new NpgsqlConnectionStringBuilder(postgres).Host}:{new NpgsqlConnectionStringBuilder(postgres).Port}, a fresh schema (PI_BENCH_POSTGRES)"
            : "vault store: embedded SQLite in a temporary folder (set PI_BENCH_POSTGRES, or run scripts/bench-pipeline.sh, for PostgreSQL)");
        Console.WriteLine(services.Kek.IsDevelopmentOnly ? "KEK provider: local (development-only) key in a temporary folder" : "KEK provider: PKCS#11 (PI_PKCS11_*)");
        Console.WriteLine(FormattableString.Invariant(
            $"Rehydrator: RevealsPerMinute raised to {RevealsPerMinute:N0} for the benchmark (default 600); agent JWT (ES256) checked on every call; logging at Warning and above"));
        Console.WriteLine(FormattableString.Invariant(
            $"machine: {Environment.ProcessorCount} logical CPUs, load average at start {VaultBenchmark.LoadAverage()}; .NET {Environment.Version}, {(GCSettings.IsServerGC ? "server" : "workstation")} GC{(GCSettings.LatencyMode == GCLatencyMode.Batch ? " (non-concurrent)" : "")}; warm-up {warmUp.TotalSeconds:F0} s, {seconds:F0} s per measured level"));
    }

    /// <summary>Redact of the note as written at 1 and 16 callers (issue 5 §6, first half): the client calls the
    /// Redactor, which scans and calls the vault's Tokenize once. The first answer is the reference: it must rehydrate
    /// (privacy-officer) to the original note exactly, and every later answer must equal it (the same values get the
    /// same tokens).</summary>
    private static async Task<Dictionary<int, Measurement>> RedactAsync(Run bench, RedactorService.RedactorServiceClient redactor, RehydratorService.RehydratorServiceClient rehydrator, Metadata headers, string tenantId, string original, double seconds, TimeSpan warmUp, TimeSpan phase)
    {
        var request = new RedactRequest { TenantId = tenantId, Text = original };
        var reference = await redactor.RedactAsync(request).ConfigureAwait(false);
        var back = await rehydrator.RehydrateAsync(new RehydrateRequest { Purpose = Purpose, Text = reference.Text }, headers).ConfigureAwait(false);
        bench.Expect(back.Text, original);
        var visible = PipelineNote.Values.Count(v => reference.Text.Contains(v.Value, StringComparison.Ordinal));
        Console.WriteLine(FormattableString.Invariant(
            $"Redact of the note as written: {reference.Entities.Count} entities replaced ({reference.Entities.Count(e => e.Action == RedactionAction.Tokenized)} tokenized), {visible} of the {PipelineNote.Values.Length} planted values left as written by the detector; rehydrated by privacy-officer: {(back.Text == original ? "the original note exactly" : "DIFFERS from the original note")}"));

        async Task RedactOnceAsync(List<double> chunkTimes) => bench.Expect((await redactor.RedactAsync(request).ConfigureAwait(false)).Text, reference.Text);

        await bench.MeasureAsync("warm-up, redact", 4, warmUp, RedactOnceAsync, print: false).ConfigureAwait(false);
        Console.WriteLine(FormattableString.Invariant($"Redact, the note as written (scan, one Tokenize of its values, tokenizer service token), {seconds:F0} s per level:"));
        var measured = new Dictionary<int, Measurement>();
        foreach (var callers in CallerCounts)
        {
            measured[callers] = await bench.MeasureAsync(FormattableString.Invariant($"{callers,2} callers"), callers, phase, RedactOnceAsync).ConfigureAwait(false);
        }

        Console.WriteLine();
        return measured;
    }

    /// <summary>Creates the tenant and tokenizes the note's values through the vault's gRPC API, as the Redactor would.</summary>
    private static async Task<IReadOnlyList<string>> PrepareAsync(PipelineServices services, TokenVaultService.TokenVaultServiceClient vault, KeyAdminService.KeyAdminServiceClient keys, string tenantId)
    {
        var admin = new Metadata { { "authorization", "Bearer " + services.ServiceToken("bench:key-admin", VaultRoles.KeyAdmin) } };
        var tokenizer = new Metadata { { "authorization", "Bearer " + services.ServiceToken("bench:redactor", VaultRoles.Tokenizer) } };
        await keys.CreateTenantAsync(new CreateTenantRequest { TenantId = tenantId }, admin);
        var request = new TokenizeRequest { TenantId = tenantId };
        foreach (var (type, value) in PipelineNote.Values)
        {
            request.Items.Add(new TokenizeItem { EntityType = type, Value = value });
        }

        var response = await vault.TokenizeAsync(request, tokenizer);
        return response.Tokens;
    }

    /// <summary>Single-threaded timings of the steps that run on every call, in process: the agent JWT check (Rehydrator),
    /// the service token check (vault), and finding the tokens in the note (Rehydrator).</summary>
    private static async Task PartsAsync(PipelineServices services, Metadata agentHeaders, Metadata serviceHeaders, string tokenized)
    {
        const int Rounds = 2_000;
        var agent = new AgentAuthenticator(new AgentIdentityOptions { JwksFile = services.AgentJwks, Issuer = PipelineServices.AgentIssuer, Audience = PipelineServices.AgentAudience });
        var vault = new ServiceTokenValidator(new ServiceIdentityOptions { JwksFile = services.VaultJwks });
        var agentJwt = AgentAuthenticator.BearerToken(agentHeaders.GetValue("authorization"));
        var serviceJwt = AgentAuthenticator.BearerToken(serviceHeaders.GetValue("authorization"));
        var jwt = await TimeAsync(async () => await agent.AuthenticateAsync(agentJwt).ConfigureAwait(false)).ConfigureAwait(false);
        var service = await TimeAsync(async () => await vault.ValidateAsync(serviceJwt).ConfigureAwait(false)).ConfigureAwait(false);
        var scan = await TimeAsync(() => Task.FromResult(TokenScanner.Find(tokenized))).ConfigureAwait(false);
        var both = await TimeAsync(() => Task.FromResult(TextScanner.Find(tokenized))).ConfigureAwait(false);
        var candidates = TextScanner.Find(tokenized).Surrogates;
        Console.WriteLine(FormattableString.Invariant(
            $"  in process, one thread, mean of {Rounds:N0}: agent JWT check (ES256) {jwt:F3} ms, vault service token check (ES256) {service:F3} ms, finding the 20 tokens in the note {scan:F3} ms"));
        Console.WriteLine(FormattableString.Invariant(
            $"  finding the tokens and the surrogate candidates (TextScanner) {both:F3} ms: {candidates.Count} candidates ({string.Join(", ", candidates.GroupBy(c => c.Kind).Select(g => $"{g.Key} {g.Count()}"))})"));
        Console.WriteLine();

        static async Task<double> TimeAsync<T>(Func<Task<T>> step)
        {
            for (var i = 0; i < Rounds / 10; i++)
            {
                await step().ConfigureAwait(false);
            }

            var start = Stopwatch.GetTimestamp();
            for (var i = 0; i < Rounds; i++)
            {
                await step().ConfigureAwait(false);
            }

            return Stopwatch.GetElapsedTime(start).TotalMilliseconds / Rounds;
        }
    }

    /// <summary>One benchmark run: the client, the texts, and the count of wrong answers.</summary>
    private sealed class Run(RehydratorService.RehydratorServiceClient client, Metadata headers, TimedVaultStore store, string tokenized, string original, string[] chunks)
    {
        private long _wrong;

        public long Wrong => Interlocked.Read(ref _wrong);

        /// <summary>One Rehydrate of the whole note.</summary>
        public async Task UnaryAsync(List<double> chunkTimes)
        {
            var response = await client.RehydrateAsync(new RehydrateRequest { Purpose = Purpose, Text = tokenized }, headers).ConfigureAwait(false);
            Check(response.Text);
        }

        /// <summary>One RehydrateStream of the note: a chunk, then its output, then the next chunk. A chunk of 64 chars
        /// always releases output (the held-back suffix is at most 47), so every chunk gets a response message.</summary>
        public async Task StreamAsync(List<double> chunkTimes)
        {
            using var call = client.RehydrateStream(headers);
            var text = new System.Text.StringBuilder(original.Length);
            for (var i = 0; i < chunks.Length; i++)
            {
                var t0 = Stopwatch.GetTimestamp();
                await call.RequestStream.WriteAsync(new RehydrateStreamRequest { Purpose = i == 0 ? Purpose : string.Empty, Text = chunks[i] }).ConfigureAwait(false);
                if (!await call.ResponseStream.MoveNext().ConfigureAwait(false))
                {
                    throw new InvalidOperationException("the stream ended early");
                }

                chunkTimes.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
                text.Append(call.ResponseStream.Current.Text);
            }

            await call.RequestStream.CompleteAsync().ConfigureAwait(false);
            while (await call.ResponseStream.MoveNext().ConfigureAwait(false))
            {
                text.Append(call.ResponseStream.Current.Text);
            }

            Check(text.ToString());
        }

        /// <summary>Runs <paramref name="callers"/> concurrent loops of <paramref name="call"/> for <paramref name="duration"/>.</summary>
        public async Task<Measurement> MeasureAsync(string label, int callers, TimeSpan duration, Func<List<double>, Task> call, bool print = true)
        {
            store.Reset();
            var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
            var samples = new List<double>[callers];
            var chunkSamples = new List<double>[callers];
            var start = Stopwatch.GetTimestamp();
            var deadline = start + (long)(duration.TotalSeconds * Stopwatch.Frequency);
            await Task.WhenAll(Enumerable.Range(0, callers).Select(worker => Task.Run(async () =>
            {
                var mine = samples[worker] = new List<double>(4096);
                var chunkTimes = chunkSamples[worker] = new List<double>(4096);
                while (Stopwatch.GetTimestamp() < deadline)
                {
                    var t0 = Stopwatch.GetTimestamp();
                    await call(chunkTimes).ConfigureAwait(false);
                    mine.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
                }
            }))).ConfigureAwait(false);
            var elapsed = Stopwatch.GetElapsedTime(start);
            var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
            var all = samples.SelectMany(x => x).ToArray();
            var perChunk = chunkSamples.SelectMany(x => x).ToArray();
            Array.Sort(all);
            Array.Sort(perChunk);
            var m = new Measurement(callers, elapsed, all, perChunk);
            if (print)
            {
                Print(label, m, cpu);
            }

            return m;
        }

        private void Print(string label, Measurement m, TimeSpan cpu)
        {
            var calls = m.Latencies.Length;
            Console.WriteLine(FormattableString.Invariant(
                $"  {label}: {calls / m.Elapsed.TotalSeconds,7:N0} notes/s ({calls / m.Elapsed.TotalSeconds * PipelineNote.Values.Length:N0} tokens/s); per note p50 {m.Percentile(50):F2} ms, p90 {m.Percentile(90):F2}, p99 {m.Percentile(99):F2}, max {m.Percentile(100):F1}; {calls:N0} notes in {m.Elapsed.TotalSeconds:F1} s"));
            if (m.Chunks.Length > 0)
            {
                Console.WriteLine(FormattableString.Invariant(
                    $"      per chunk (write → its output): p50 {m.ChunkPercentile(50):F2} ms, p90 {m.ChunkPercentile(90):F2}, p99 {m.ChunkPercentile(99):F2}, max {m.ChunkPercentile(100):F1}; {m.Chunks.Length:N0} chunks"));
            }

            var get = store.GetTokens.Calls > 0 ? store.GetTokens : store.FindIds;
            var audit = store.Audit;
            Console.WriteLine(FormattableString.Invariant(
                $"      vault store: {get.Name} {get.MeanMilliseconds:F2} ms × {(double)get.Calls / calls:F2} per note; audit append {audit.MeanMilliseconds:F2} ms, {audit.ItemsPerCall:F1} records each, {(double)audit.Calls / calls:F2} per note ({audit.TotalMilliseconds / m.Elapsed.TotalMilliseconds:P0} of the time busy)"));
            var surrogates = store.GetTokensAndSurrogates;
            if (surrogates.Calls > 0)
            {
                Console.WriteLine(FormattableString.Invariant(
                    $"      vault store: {surrogates.Name} {surrogates.MeanMilliseconds:F2} ms × {(double)surrogates.Calls / calls:F2} per note, {surrogates.ItemsPerCall:F1} candidates each"));
            }

            Console.WriteLine(FormattableString.Invariant(
                $"      CPU of this process (client and services): {cpu.TotalMilliseconds / calls:F2} ms per note, {cpu.TotalMilliseconds / m.Elapsed.TotalMilliseconds / Environment.ProcessorCount:P0} of {Environment.ProcessorCount} cores"));
        }

        /// <summary>Counts <paramref name="text"/> as wrong unless it is <paramref name="expected"/>.</summary>
        public void Expect(string text, string expected)
        {
            if (!string.Equals(text, expected, StringComparison.Ordinal))
            {
                Interlocked.Increment(ref _wrong);
            }
        }

        private void Check(string text) => Expect(text, original);
    }

    /// <summary>One phase: wall time, every note's latency and every stream chunk's, in ms (sorted).</summary>
    private sealed record Measurement(int Callers, TimeSpan Elapsed, double[] Latencies, double[] Chunks)
    {
        public double Percentile(double p) => Nearest(Latencies, p);

        public double ChunkPercentile(double p) => Nearest(Chunks, p);

        /// <summary>Nearest-rank percentile of sorted samples.</summary>
        private static double Nearest(double[] sorted, double p) =>
            sorted.Length == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p / 100 * sorted.Length) - 1, 0, sorted.Length - 1)];
    }
}

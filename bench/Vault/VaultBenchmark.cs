using System.Diagnostics;
using System.Globalization;
using System.Runtime;
using System.Security.Cryptography;
using Npgsql;
using PrivateInference.TokenVault;
using PrivateInference.TokenVault.Authorization;
using PrivateInference.TokenVault.Keys;
using PrivateInference.TokenVault.Pseudonymization;
using PrivateInference.TokenVault.Storage;

namespace PrivateInference.Bench.Vault;

/// <summary>
/// <c>vault</c>: Tokenize and Detokenize throughput and latency of one vault replica on a real PostgreSQL, against
/// the targets of issue 4 §8. Calls the in-process <see cref="VaultRuntime"/> (its <see cref="PseudonymService"/>),
/// not gRPC: this measures the vault and its database, not the transport. A plain Stopwatch harness; BenchmarkDotNet
/// is for the micro-benchmarks.
/// </summary>
/// <remarks>
/// One tenant in a fresh schema (dropped at the end). Values are synthetic and unique per run, of four types in
/// turn (PERSON, EMAIL, PHONE, MRN). Each phase runs its callers for a fixed time, after a warm-up that also
/// tokenizes the pool of values the repeat and detokenize phases draw from; every repeat result is checked against
/// the pool's token and every detokenized value against the original, so the figures are of correct answers.
/// </remarks>
internal static class VaultBenchmark
{
    public const string PostgresVariable = "PI_BENCH_POSTGRES";

    private const int BatchSize = 100;
    private const int LatencyBatchSize = 20;
    private const int LatencyCallers = 16;
    private const int LatencyCalls = 8_000;
    private const int PoolSize = 50_000;

    private const double NewTarget = 20_000;
    private const double RepeatTarget = 100_000;
    private const double DetokenizeTarget = 100_000;
    private const double P99Target = 5.0;

    private static readonly int[] CallerCounts = [1, 4, 16];
    private static readonly string[] Types = ["PERSON", "EMAIL", "PHONE", "MRN"];

    private static readonly Caller KeyAdmin = new("bench:key-admin", VaultRoles.KeyAdmin);
    private static readonly Caller Redactor = new("bench:redactor", VaultRoles.Tokenizer);
    private static readonly Caller Rehydrator = new("bench:rehydrator", VaultRoles.Detokenizer);
    private static readonly Caller Auditor = new("bench:auditor", VaultRoles.Auditor);

    public static async Task<int> RunAsync(IReadOnlyList<string> args)
    {
        var seconds = args.Count > 0 ? double.Parse(args[0], CultureInfo.InvariantCulture) : 8;
        var connectionString = Environment.GetEnvironmentVariable(PostgresVariable);
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            Console.Error.WriteLine(
                $"vault: {PostgresVariable} is not set. Run `bash scripts/bench-vault.sh`, which starts a throw-away PostgreSQL " +
                "cluster and SoftHSM2 token and sets it; or set it to the Npgsql connection string of a database in which the " +
                "benchmark may create (and then drops) a schema of its own.");
            return 2;
        }

        // Fresh names per run: the schema is dropped at the end, the tenant's KEK stays in the token (the script's
        // token is thrown away; a kept one collects a KEK per run).
        var run = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));
        var schema = "bench_" + run;
        var tenantId = "bench-" + run;
        var keyDirectory = Directory.CreateTempSubdirectory("pi-bench-keys-");
        await using var server = NpgsqlDataSource.Create(connectionString);
        try
        {
            var kek = KekProviderFactory.Create(keyDirectory.FullName);
            var store = new TimedVaultStore(new PostgresVaultStore(connectionString, schema));
            using var auditRecords = new AuditRecordTimer();
            await using var vault = await VaultRuntime.OpenAsync(store, kek).ConfigureAwait(false);
            using var stop = new CancellationTokenSource();
            await vault.StartBackgroundAsync(stop.Token).ConfigureAwait(false);
            await vault.Keys.CreateTenantAsync(KeyAdmin, tenantId).ConfigureAwait(false);

            await DescribeAsync(server, connectionString, vault, keyDirectory.FullName).ConfigureAwait(false);
            var benchmark = new Run(vault, tenantId, store, server, IsLocal(connectionString), TimeSpan.FromSeconds(seconds));
            var passed = await benchmark.AllAsync().ConfigureAwait(false);

            var audit = await vault.Audit.VerifyAsync(Auditor, tenantId).ConfigureAwait(false);
            Console.WriteLine(FormattableString.Invariant(
                $"audit chain of the tenant: {audit.Verified:N0} records, {(audit.IsIntact ? "intact" : $"BROKEN at seq {audit.BrokenAtSeq}")}"));
            await stop.CancelAsync().ConfigureAwait(false);
            return passed && audit.IsIntact ? 0 : 1;
        }
        finally
        {
            await using (var drop = server.CreateCommand($"DROP SCHEMA IF EXISTS {schema} CASCADE"))
            {
                await drop.ExecuteNonQueryAsync().ConfigureAwait(false);
            }

            keyDirectory.Delete(recursive: true);
        }
    }

    private static async Task DescribeAsync(NpgsqlDataSource server, string connectionString, VaultRuntime vault, string keyDirectory)
    {
        await using var command = server.CreateCommand(
            """
            SELECT current_setting('server_version'), current_setting('synchronous_commit'), current_setting('fsync'),
                   current_setting('full_page_writes'), current_setting('shared_buffers'), current_setting('max_connections')
            """);
        await using var reader = await command.ExecuteReaderAsync().ConfigureAwait(false);
        await reader.ReadAsync().ConfigureAwait(false);
        var settings = new NpgsqlConnectionStringBuilder(connectionString);
        Console.WriteLine("vault benchmark: in-process VaultRuntime (PseudonymService), not gRPC; one tenant, a fresh schema");
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"PostgreSQL {reader.GetString(0)} at {settings.Host}:{settings.Port}: synchronous_commit={reader.GetString(1)}, fsync={reader.GetString(2)}, " +
            $"full_page_writes={reader.GetString(3)}, shared_buffers={reader.GetString(4)}, max_connections={reader.GetString(5)}; " +
            $"client pool: Maximum Pool Size={settings.MaxPoolSize}"));
        Console.WriteLine(vault.Kek.IsDevelopmentOnly
            ? $"KEK provider: local (development-only) in a temporary directory {keyDirectory}; PI_PKCS11_* not set"
            : $"KEK provider: {vault.Keys.ProviderKind} (PKCS#11 module from {KekProviderFactory.ModuleVariable}, token from {KekProviderFactory.TokenVariable})");
        Console.WriteLine(FormattableString.Invariant(
            $"machine: {Environment.ProcessorCount} logical CPUs, load average at start {LoadAverage()}; .NET {Environment.Version}, {(GCSettings.IsServerGC ? "server" : "workstation")} GC"));
        Console.WriteLine();
    }

    private static bool IsLocal(string connectionString)
    {
        var host = new NpgsqlConnectionStringBuilder(connectionString).Host ?? "";
        return host is "127.0.0.1" or "localhost" or "::1" || host.StartsWith('/');
    }

    internal static string LoadAverage()
    {
        try
        {
            return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "unknown";
        }
    }

    /// <summary>The n-th unique value of the run: synthetic, obviously fake, one of four types in turn.</summary>
    private static TokenizeInput Value(long n) => (n % Types.Length) switch
    {
        0 => new TokenizeInput("PERSON", FormattableString.Invariant($"Sample Person {n:D9}")),
        1 => new TokenizeInput("EMAIL", FormattableString.Invariant($"sample.{n:D9}@example.test")),
        2 => new TokenizeInput("PHONE", FormattableString.Invariant($"+1 555 01{n:D9}")),
        _ => new TokenizeInput("MRN", FormattableString.Invariant($"MRN-{n:D9}")),
    };

    private static string Pass(bool passed) => passed ? "PASS" : "FAIL";

    /// <summary>One benchmark run's state: the vault, the pool of tokenized values, the next unique value.</summary>
    private sealed class Run(VaultRuntime vault, string tenantId, TimedVaultStore store, NpgsqlDataSource server, bool localServer, TimeSpan phase)
    {
        private readonly TokenizeInput[] _pool = new TokenizeInput[PoolSize];
        private readonly string[] _poolTokens = new string[PoolSize];
        private long _next;
        private long _wrong;

        public async Task<bool> AllAsync()
        {
            await WarmUpAsync().ConfigureAwait(false);

            var fresh = await LevelsAsync("Tokenize new values", BatchSize, TokenizeNewAsync).ConfigureAwait(false);
            var repeat = await LevelsAsync("Tokenize repeat values", BatchSize, TokenizeRepeatAsync).ConfigureAwait(false);
            var detokenize = await LevelsAsync("Detokenize", BatchSize, DetokenizeAsync).ConfigureAwait(false);

            Console.WriteLine(FormattableString.Invariant($"20-value Tokenize latency, {LatencyCallers} concurrent callers, {LatencyCalls:N0} calls:"));
            var latencyNew = await MeasureAsync("new values", LatencyCallers, TimeSpan.FromMinutes(10), LatencyCalls, _ => TokenizeNewAsync(LatencyBatchSize)).ConfigureAwait(false);

            // The new-values phase has just added 160,000 values, more than the default token cache holds, so the cache
            // has cleared itself: the first repeat calls refill it from the database. Measured both ways: cold (those
            // refills included) and, after 2 s more of the same calls, warm (the steady state of a repeating workload).
            var latencyRepeatCold = await MeasureAsync("repeat values, cold cache", LatencyCallers, TimeSpan.FromMinutes(10), LatencyCalls, _ => TokenizeRepeatAsync(LatencyBatchSize)).ConfigureAwait(false);
            await MeasureAsync("warm-up", LatencyCallers, TimeSpan.FromSeconds(2), long.MaxValue, _ => TokenizeRepeatAsync(LatencyBatchSize), print: false).ConfigureAwait(false);
            var latencyRepeat = await MeasureAsync("repeat values, warm cache", LatencyCallers, TimeSpan.FromMinutes(10), LatencyCalls, _ => TokenizeRepeatAsync(LatencyBatchSize)).ConfigureAwait(false);

            var wrong = Interlocked.Read(ref _wrong);
            Console.WriteLine(wrong == 0
                ? "every repeat token and every detokenized value checked: all correct"
                : FormattableString.Invariant($"WRONG RESULTS: {wrong:N0} repeat tokens or detokenized values differ from the first answer"));
            Console.WriteLine(FormattableString.Invariant($"load average at the end: {LoadAverage()}"));
            Console.WriteLine();

            var best = (Measurement[] levels) => levels.MaxBy(m => m.ValuesPerSecond)!;
            var rows = new (string Figure, string Measured, string Target, bool Passed)[]
            {
                Throughput("Tokenize new values/s (batches of 100)", fresh, NewTarget),
                Throughput("Tokenize repeat values/s (batches of 100)", repeat, RepeatTarget),
                Throughput("Detokenize values/s (batches of 100)", detokenize, DetokenizeTarget),
                Latency("20-value Tokenize p99, 16 callers, new values", latencyNew),
                Latency("20-value Tokenize p99, 16 callers, repeat values, cold cache", latencyRepeatCold),
                Latency("20-value Tokenize p99, 16 callers, repeat values, warm cache", latencyRepeat),
            };

            Console.WriteLine("| Figure | Measured | Target | |");
            Console.WriteLine("|---|---:|---:|---|");
            foreach (var row in rows)
            {
                Console.WriteLine($"| {row.Figure} | {row.Measured} | {row.Target} | {Pass(row.Passed)} |");
            }

            return wrong == 0;

            (string, string, string, bool) Throughput(string figure, Measurement[] levels, double target)
            {
                var top = best(levels);
                var all = string.Join(", ", levels.Select(m => FormattableString.Invariant($"{m.Callers}: {m.ValuesPerSecond:N0}")));
                return (figure, FormattableString.Invariant($"**{top.ValuesPerSecond:N0}** at {top.Callers} callers ({all})"), FormattableString.Invariant($"≥ {target:N0}"), top.ValuesPerSecond >= target);
            }

            static (string, string, string, bool) Latency(string figure, Measurement m) =>
                (figure, FormattableString.Invariant($"**{m.Percentile(99):F2} ms** (p50 {m.Percentile(50):F2}, p95 {m.Percentile(95):F2}, max {m.Percentile(100):F1})"),
                    FormattableString.Invariant($"≤ {P99Target:F0} ms"), m.Percentile(99) <= P99Target);
        }

        /// <summary>Tokenizes the pool (JIT, connection pool, buffer cache), then runs each kind of call briefly.</summary>
        private async Task WarmUpAsync()
        {
            var clock = Stopwatch.StartNew();
            for (var i = 0; i < PoolSize; i++)
            {
                _pool[i] = Value(i);
            }

            _next = PoolSize;
            var batches = 0L;
            await Parallel.ForAsync(0, 4, async (_, cancellationToken) =>
            {
                for (var b = Interlocked.Increment(ref batches) - 1; b < PoolSize / BatchSize; b = Interlocked.Increment(ref batches) - 1)
                {
                    var first = (int)b * BatchSize;
                    var tokens = await vault.Pseudonyms.TokenizeAsync(Redactor, tenantId, new ArraySegment<TokenizeInput>(_pool, first, BatchSize), cancellationToken).ConfigureAwait(false);
                    for (var i = 0; i < BatchSize; i++)
                    {
                        _poolTokens[first + i] = tokens[i];
                    }
                }
            }).ConfigureAwait(false);

            var brief = TimeSpan.FromSeconds(2);
            await MeasureAsync("warm-up", 4, brief, long.MaxValue, _ => TokenizeNewAsync(BatchSize), print: false).ConfigureAwait(false);
            await MeasureAsync("warm-up", 4, brief, long.MaxValue, _ => TokenizeRepeatAsync(BatchSize), print: false).ConfigureAwait(false);
            await MeasureAsync("warm-up", 4, brief, long.MaxValue, _ => DetokenizeAsync(BatchSize), print: false).ConfigureAwait(false);
            Console.WriteLine(FormattableString.Invariant($"warm-up: {PoolSize:N0} values tokenized for the repeat and detokenize pool, then 2 s of each call; {clock.Elapsed.TotalSeconds:F1} s"));
            Console.WriteLine();
        }

        private async Task<Measurement[]> LevelsAsync(string title, int batch, Func<int, Task<int>> call)
        {
            Console.WriteLine(FormattableString.Invariant($"{title}, batches of {batch}, {phase.TotalSeconds:F0} s per level:"));
            var levels = new List<Measurement>();
            foreach (var callers in CallerCounts)
            {
                levels.Add(await MeasureAsync(FormattableString.Invariant($"{callers,2} callers"), callers, phase, long.MaxValue, _ => call(batch)).ConfigureAwait(false));
            }

            Console.WriteLine();
            return [.. levels];
        }

        private async Task<int> TokenizeNewAsync(int batch)
        {
            var first = Interlocked.Add(ref _next, batch) - batch;
            var items = new TokenizeInput[batch];
            for (var i = 0; i < batch; i++)
            {
                items[i] = Value(first + i);
            }

            return (await vault.Pseudonyms.TokenizeAsync(Redactor, tenantId, items).ConfigureAwait(false)).Count;
        }

        private async Task<int> TokenizeRepeatAsync(int batch)
        {
            var picks = Picks(batch);
            var items = new TokenizeInput[batch];
            for (var i = 0; i < batch; i++)
            {
                items[i] = _pool[picks[i]];
            }

            var tokens = await vault.Pseudonyms.TokenizeAsync(Redactor, tenantId, items).ConfigureAwait(false);
            for (var i = 0; i < batch; i++)
            {
                if (tokens[i] != _poolTokens[picks[i]])
                {
                    Interlocked.Increment(ref _wrong);
                }
            }

            return tokens.Count;
        }

        private async Task<int> DetokenizeAsync(int batch)
        {
            var picks = Picks(batch);
            var tokens = new string[batch];
            for (var i = 0; i < batch; i++)
            {
                tokens[i] = _poolTokens[picks[i]];
            }

            var values = await vault.Pseudonyms.DetokenizeAsync(Rehydrator, tenantId, tokens).ConfigureAwait(false);
            for (var i = 0; i < batch; i++)
            {
                if (!values[i].Found || values[i].Value != _pool[picks[i]].Value)
                {
                    Interlocked.Increment(ref _wrong);
                }
            }

            return values.Count;
        }

        /// <summary>Distinct pool indices, spread over the whole pool as a service's traffic would be.</summary>
        private static int[] Picks(int count)
        {
            var picks = new HashSet<int>();
            while (picks.Count < count)
            {
                picks.Add(Random.Shared.Next(PoolSize));
            }

            return [.. picks];
        }

        /// <summary>Runs <paramref name="callers"/> concurrent loops of <paramref name="call"/> until
        /// <paramref name="duration"/> has passed or <paramref name="maxCalls"/> calls were started.</summary>
        private async Task<Measurement> MeasureAsync(string label, int callers, TimeSpan duration, long maxCalls, Func<long, Task<int>> call, bool print = true)
        {
            var pids = await PostgresPidsAsync().ConfigureAwait(false);
            store.Reset();
            var cacheBefore = vault.CacheStatistics;
            var cpu = CpuMeter.Start(pids);
            var started = 0L;
            var samples = new List<double>[callers];
            var parts = new CallParts[callers];
            var start = Stopwatch.GetTimestamp();
            var deadline = start + (long)(duration.TotalSeconds * Stopwatch.Frequency);
            var values = await Task.WhenAll(Enumerable.Range(0, callers).Select(worker => Task.Run(async () =>
            {
                var mine = samples[worker] = new List<double>(1024);
                var sum = parts[worker] = new CallParts();
                var done = 0L;
                for (var n = Interlocked.Increment(ref started) - 1; n < maxCalls && Stopwatch.GetTimestamp() < deadline; n = Interlocked.Increment(ref started) - 1)
                {
                    var trace = new CallTrace();
                    TimedVaultStore.Current.Value = trace;
                    var t0 = Stopwatch.GetTimestamp();
                    done += await call(n).ConfigureAwait(false);
                    var t1 = Stopwatch.GetTimestamp();
                    TimedVaultStore.Current.Value = null;
                    mine.Add(Stopwatch.GetElapsedTime(t0, t1).TotalMilliseconds);
                    sum.Add(t0, t1, trace);
                }

                return done;
            }))).ConfigureAwait(false);
            var elapsed = Stopwatch.GetElapsedTime(start);
            var shares = cpu.Stop(localServer ? await PostgresPidsAsync().ConfigureAwait(false) : []);

            var all = samples.SelectMany(s => s).ToArray();
            Array.Sort(all);
            var measurement = new Measurement(callers, values.Sum(), elapsed, all);
            if (print)
            {
                Print(label, measurement, CallParts.Sum(parts), shares, cacheBefore, vault.CacheStatistics);
            }

            return measurement;
        }

        private void Print(string label, Measurement m, CallParts parts, CpuShares? shares, TokenCacheStatistics cacheBefore, TokenCacheStatistics cacheAfter)
        {
            var calls = m.Latencies.Length;
            Console.WriteLine(FormattableString.Invariant(
                $"  {label}: {m.ValuesPerSecond,9:N0} values/s  ({calls / m.Elapsed.TotalSeconds:N0} calls/s; per call p50 {m.Percentile(50):F2} ms, p95 {m.Percentile(95):F2}, p99 {m.Percentile(99):F2}, max {m.Percentile(100):F1}; {calls:N0} calls in {m.Elapsed.TotalSeconds:F1} s)"));
            // Every kind of store call a call makes in its own flow (the audit append runs on the trail's writer: below).
            var data = string.Join(", ", store.All.Where(s => s != store.Audit && s.Calls > 0)
                .Select(s => FormattableString.Invariant($"{s.Name} {s.MeanMilliseconds:F2} ms × {(double)s.Calls / calls:F2}")));
            var record = parts.AuditRecord == 0 ? string.Empty : string.Create(CultureInfo.InvariantCulture, $"audit record {CallParts.Mean(parts.AuditRecord, calls):F2} (write, group-commit wait), ");
            Console.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"      mean call {CallParts.Mean(parts.Total, calls):F2} ms: before the first store call {CallParts.Mean(parts.Before, calls):F2} (checks, keys, normalize, HMAC), " +
                $"store calls {CallParts.Mean(parts.Store, calls):F2} ({data}), {record}between them {CallParts.Mean(parts.Between, calls):F2} (sealing), " +
                $"after the last {CallParts.Mean(parts.After, calls):F2} (audit wait, decrypt, tokens)"));
            var audit = store.Audit;
            Console.WriteLine(FormattableString.Invariant(
                $"      audit group commit: {audit.Calls:N0} appends, {audit.ItemsPerCall:F1} records each, {audit.MeanMilliseconds:F2} ms each ({audit.TotalMilliseconds / m.Elapsed.TotalMilliseconds:P0} of the time busy); tenant re-reads {store.GetTenant.Calls}"));
            Console.WriteLine(vault.Options.TokenCacheEntries == 0
                ? $"      token cache: off ({VaultOptions.TokenCacheEntriesVariable}=0)"
                : FormattableString.Invariant(
                    $"      token cache ({vault.Options.TokenCacheEntries:N0} entries per map): Tokenize lookups {cacheAfter.MatchHits - cacheBefore.MatchHits:N0} hits, {cacheAfter.MatchMisses - cacheBefore.MatchMisses:N0} misses; Detokenize lookups {cacheAfter.RecordHits - cacheBefore.RecordHits:N0} hits, {cacheAfter.RecordMisses - cacheBefore.RecordMisses:N0} misses; surrogate candidates {cacheAfter.SurrogateHits - cacheBefore.SurrogateHits:N0} hits, {cacheAfter.SurrogateMisses - cacheBefore.SurrogateMisses:N0} misses; entries now {cacheAfter.Matches:N0}, {cacheAfter.Records:N0} and {cacheAfter.Surrogates:N0}"));
            if (shares is { } s)
            {
                var capacity = Environment.ProcessorCount * m.Elapsed.TotalMilliseconds / calls;
                Console.WriteLine(FormattableString.Invariant(
                    $"      {s}; CPU per call: vault {s.Vault * capacity:F2} ms, PostgreSQL {s.Postgres * capacity:F2} ms"));
            }
        }

        private async Task<IReadOnlyList<int>> PostgresPidsAsync()
        {
            if (!localServer)
            {
                return [];
            }

            var pids = new List<int>();
            await using var command = server.CreateCommand("SELECT pid FROM pg_stat_activity");
            await using var reader = await command.ExecuteReaderAsync().ConfigureAwait(false);
            while (await reader.ReadAsync().ConfigureAwait(false))
            {
                pids.Add(reader.GetInt32(0));
            }

            return pids;
        }
    }

    /// <summary>The outcome of one phase: values handled, wall time, every call's latency in ms (sorted).</summary>
    private sealed record Measurement(int Callers, long Values, TimeSpan Elapsed, double[] Latencies)
    {
        public double ValuesPerSecond => Values / Elapsed.TotalSeconds;

        /// <summary>Nearest-rank percentile of the sorted samples.</summary>
        public double Percentile(double p) =>
            Latencies.Length == 0 ? double.NaN : Latencies[Math.Clamp((int)Math.Ceiling(p / 100 * Latencies.Length) - 1, 0, Latencies.Length - 1)];
    }

    /// <summary>Summed Stopwatch ticks of calls, split at their first and last store call.</summary>
    private sealed class CallParts
    {
        public long Total { get; private set; }

        public long Before { get; private set; }

        public long Store { get; private set; }

        public long Between { get; private set; }

        public long After { get; private set; }

        /// <summary>The Tokenize's audit record (its write and group-commit wait), taken out of whichever part it fell in.</summary>
        public long AuditRecord { get; private set; }

        public static CallParts Sum(IEnumerable<CallParts> parts)
        {
            var sum = new CallParts();
            foreach (var p in parts)
            {
                sum.Total += p.Total;
                sum.Before += p.Before;
                sum.Store += p.Store;
                sum.Between += p.Between;
                sum.After += p.After;
                sum.AuditRecord += p.AuditRecord;
            }

            return sum;
        }

        public void Add(long start, long end, CallTrace trace)
        {
            Total += end - start;
            AuditRecord += trace.AuditRecordTicks;
            if (trace.StoreTicks == 0)
            {
                Before += end - start - trace.AuditRecordTicks;
                return;
            }

            var before = trace.FirstStoreStart - start;
            var after = end - trace.LastStoreEnd;
            var between = end - start - before - after - trace.StoreTicks;

            // The record runs in the call's flow, never during a store call: it lies wholly in one part.
            if (trace.AuditRecordTicks > 0)
            {
                if (trace.AuditRecordEnd <= trace.FirstStoreStart)
                {
                    before -= trace.AuditRecordTicks;
                }
                else if (trace.AuditRecordStart >= trace.LastStoreEnd)
                {
                    after -= trace.AuditRecordTicks;
                }
                else
                {
                    between -= trace.AuditRecordTicks;
                }
            }

            Before += before;
            Store += trace.StoreTicks;
            Between += between;
            After += after;
        }

        public static double Mean(long ticks, int calls) => calls == 0 ? 0 : Stopwatch.GetElapsedTime(0, ticks).TotalMilliseconds / calls;
    }
}

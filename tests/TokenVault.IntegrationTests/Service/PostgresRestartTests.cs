using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using NUnit.Framework;
using PrivateInference.TokenVault.Authorization;
using PrivateInference.TokenVault.Pseudonymization;

namespace PrivateInference.TokenVault.IntegrationTests.Service;

/// <summary>The PostgreSQL server restarted (pg_ctl restart -m fast) under a tokenize and detokenize load.</summary>
/// <remarks>A fixture of its own: a restart breaks every pooled connection of every data source open at the time, so
/// the other fixtures' replicas must not be open then (fixtures run one after another, each with fresh pools).</remarks>
[TestFixture]
public sealed class PostgresRestartTests
{
    private const int Workers = 8;
    private static readonly Caller Tokenizer = new("svc:redactor", VaultRoles.Tokenizer);
    private static readonly Caller Detokenizer = new("svc:rehydrator", VaultRoles.Detokenizer);
    private static readonly Caller Admin = new("admin:alice", VaultRoles.KeyAdmin);
    private static readonly Caller Auditor = new("audit:carol", VaultRoles.Auditor);

    private PostgresBackend _backend = null!;

    [OneTimeSetUp]
    public void Open_the_backend() => _backend = new PostgresBackend("restart");

    [OneTimeTearDown]
    public async Task Close_the_backend() => await _backend.DisposeAsync();

    [Test]
    public async Task Callers_get_success_or_unavailable_across_a_restart_and_no_acknowledged_token_is_lost_or_remapped()
    {
        await using var vault = await _backend.OpenReplicaAsync();
        var tenantId = "svc-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
        await vault.Keys.CreateTenantAsync(Admin, tenantId);
        var run = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));
        var acknowledged = new ConcurrentDictionary<string, string>(StringComparer.Ordinal);
        var wrong = new ConcurrentQueue<string>();
        var other = new ConcurrentQueue<string>();
        var succeeded = 0;
        var unavailable = 0;
        using var stop = new CancellationTokenSource();

        var workers = Enumerable.Range(0, Workers).Select(worker => Task.Run(async () =>
        {
            for (var n = 0; !stop.IsCancellationRequested; n++)
            {
                var known = acknowledged.ToArray();
                var repeats = known.Length == 0 ? [] : Enumerable.Range(0, 5).Select(_ => known[RandomNumberGenerator.GetInt32(known.Length)]).ToArray();
                var fresh = Enumerable.Range(0, 10).Select(i => string.Create(CultureInfo.InvariantCulture, $"Restart Person {run} {worker} {n} {i}"));
                var values = fresh.Concat(repeats.Select(r => r.Key)).ToArray();
                try
                {
                    var tokens = await vault.Pseudonyms.TokenizeAsync(Tokenizer, tenantId, values.Select(v => new TokenizeInput("PERSON", v)).ToArray());
                    for (var i = 0; i < values.Length; i++)
                    {
                        if (acknowledged.GetOrAdd(values[i], tokens[i]) != tokens[i])
                        {
                            wrong.Enqueue($"remapped on tokenize: {values[i]}");
                        }
                    }

                    if (repeats.Length > 0)
                    {
                        var resolved = await vault.Pseudonyms.DetokenizeAsync(Detokenizer, tenantId, repeats.Select(r => r.Value).ToArray());
                        foreach (var miss in resolved.Where((r, i) => !r.Found || r.Value != repeats[i].Key))
                        {
                            wrong.Enqueue($"detokenize of {miss.Token}: found {miss.Found}");
                        }
                    }

                    Interlocked.Increment(ref succeeded);
                }
                catch (VaultException e) when (e.Kind == VaultErrorKind.Unavailable)
                {
                    Interlocked.Increment(ref unavailable);
                    await Task.Delay(20);
                }
                catch (Exception e)
                {
                    other.Enqueue($"{e.GetType().Name}: {e.Message}");
                    await Task.Delay(20);
                }
            }
        })).Append(Task.Run(async () =>
        {
            // An auditor and a key admin at work meanwhile: their calls too succeed or are UNAVAILABLE.
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    await vault.Audit.VerifyAsync(Auditor, tenantId);
                    await vault.Audit.ExportAsync(Auditor, tenantId, fromSeq: 1_000_000).ToListAsync();
                    await vault.Keys.ListAsync(Admin, tenantId);
                }
                catch (VaultException e) when (e.Kind == VaultErrorKind.Unavailable)
                {
                    Interlocked.Increment(ref unavailable);
                }
                catch (Exception e)
                {
                    other.Enqueue($"audit or keys: {e.GetType().Name}: {e.Message}");
                }

                await Task.Delay(20);
            }
        })).ToArray();

        await UntilAsync(() => Volatile.Read(ref succeeded) >= 20, "load before the restart");
        var restart = await PgCtlAsync("restart", "-m", "fast", "-w", "-t", "60");
        var afterRestart = Volatile.Read(ref succeeded);
        await UntilAsync(() => Volatile.Read(ref succeeded) >= afterRestart + 20, "load after the restart");
        await stop.CancelAsync();
        await Task.WhenAll(workers);

        Assert.That(restart, Is.Zero, "pg_ctl restart");
        Assert.That(other, Is.Empty, "every failure is UNAVAILABLE");
        Assert.That(wrong, Is.Empty);
        Assert.That(unavailable, Is.GreaterThan(0), "the restart hit calls in flight or pooled connections");
        TestContext.Out.WriteLine($"{succeeded} calls succeeded, {unavailable} were unavailable, {acknowledged.Count} values acknowledged");

        var pairs = acknowledged.ToArray();
        foreach (var chunk in pairs.Chunk(1000))
        {
            var resolved = await RetryAsync(() => vault.Pseudonyms.DetokenizeAsync(Detokenizer, tenantId, chunk.Select(p => p.Value).ToArray()));
            Assert.That(resolved.Select(r => r.Value), Is.EqualTo(chunk.Select(p => p.Key)), "every acknowledged token still resolves to its value");
            var again = await RetryAsync(() => vault.Pseudonyms.TokenizeAsync(Tokenizer, tenantId, chunk.Select(p => new TokenizeInput("PERSON", p.Key)).ToArray()));
            Assert.That(again, Is.EqualTo(chunk.Select(p => p.Value)), "every acknowledged value still has its token");
        }

        Assert.That(await _backend.TokenRowsAsync(tenantId), Is.GreaterThanOrEqualTo(pairs.Length));
    }

    /// <summary>Runs the test cluster's pg_ctl (scripts/test.sh exports it as PI_TEST_PG_CTL); its exit code.</summary>
    private static async Task<int> PgCtlAsync(params string[] arguments)
    {
        var start = new ProcessStartInfo(TestEnvironment.PgCtl) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        TestContext.Out.WriteLine(await output + await errors);
        return process.ExitCode;
    }

    private static async Task UntilAsync(Func<bool> condition, string what)
    {
        var deadline = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.That(deadline.Elapsed, Is.LessThan(TimeSpan.FromSeconds(60)), what);
            await Task.Delay(20);
        }
    }

    /// <summary>Pooled connections the restart broke fail once each (UNAVAILABLE, as promised); then calls succeed.</summary>
    private static async Task<T> RetryAsync<T>(Func<Task<T>> call)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await call();
            }
            catch (VaultException e) when (e.Kind == VaultErrorKind.Unavailable && attempt < 50)
            {
                await Task.Delay(50);
            }
        }
    }
}

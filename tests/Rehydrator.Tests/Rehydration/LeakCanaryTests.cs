using System.Security.Cryptography;
using Grpc.Core;
using PrivateInference.Rehydrator.Tests.Support;

namespace PrivateInference.Rehydrator.Tests.Rehydration;

/// <summary>Unique fake values per run go through every path; none may appear in a log record, an exception, or the
/// audit context sent to the vault.</summary>
public sealed class LeakCanaryTests
{
    [Test]
    public async Task No_value_reaches_logs_exceptions_or_audit_records_on_any_path()
    {
        var name = "Zq" + string.Concat(Enumerable.Range(0, 10).Select(_ => (char)('a' + RandomNumberGenerator.GetInt32(26))));
        var pan = "4" + string.Concat(Enumerable.Range(0, 15).Select(_ => (char)('0' + RandomNumberGenerator.GetInt32(10))));
        string[] canaries = [name, name.ToLowerInvariant(), pan, pan[..6], pan[^8..]];
        var h = new EngineHarness(revealsPerMinute: 2);
        var person = h.Vault.Add("acme", "PERSON", name);
        var card = h.Vault.Add("acme", "PAN", pan);
        var text = $"{person} paid with {card}.";
        var failures = new List<Exception>();

        async Task Try(Func<Task> action)
        {
            try
            {
                await action();
            }
            catch (Exception ex)
            {
                failures.Add(ex);
            }
        }

        await Try(() => h.Engine.RehydrateAsync(EngineHarness.Agent("privacy-officer"), null, "operations", text));
        await Try(() => h.Engine.RehydrateAsync(EngineHarness.Agent("payments-agent", "agent-bob"), null, "payment", text));
        await Try(() => h.Engine.RehydrateAsync(EngineHarness.Agent("privacy-officer"), null, "operations", text + text));
        await Try(() => h.Engine.RehydrateAsync(EngineHarness.Agent("privacy-officer", "agent-carol"), "globex", "operations", text));
        await Try(() => h.Engine.RehydrateAsync(EngineHarness.Agent("privacy-officer", "agent-carol"), null, name.ToLowerInvariant(), text));
        await Try(() => h.Engine.RehydrateAsync(EngineHarness.Agent("payments-supervisor", "sup-dan", grant: EngineHarness.Grant() with { Id = name }), null, "payment", text));
        await Try(() => h.Engine.RehydrateAsync(EngineHarness.Agent("payments-supervisor", "sup-dan", grant: EngineHarness.Grant() with { Reason = pan }), null, "payment", text));
        h.Vault.Failure = new RpcException(new Status(StatusCode.Internal, "vault said " + name + " " + pan));
        await Try(() => h.Engine.RehydrateAsync(EngineHarness.Agent("privacy-officer", "agent-erin"), null, "operations", text));
        h.Vault.Failure = new InvalidOperationException("adapter said " + name + " " + pan);
        await Try(() => h.Engine.RehydrateAsync(EngineHarness.Agent("privacy-officer", "agent-erin"), null, "operations", text));

        Assert.That(failures, Has.Count.EqualTo(7));
        var audit = string.Join('\n', h.Vault.Detokenized.Select(r => r.Context.ToString()).Concat(h.Vault.Recorded.Select(r => r.ToString())));
        foreach (var canary in canaries)
        {
            Assert.That(h.Logs.All.Contains(canary, StringComparison.Ordinal), Is.False, "a canary in the log records");
            Assert.That(failures.Any(f => f.ToString().Contains(canary, StringComparison.Ordinal)), Is.False, "a canary in an exception");
            Assert.That(audit.Contains(canary, StringComparison.Ordinal), Is.False, "a canary in the audit context");
        }

        Assert.That(h.Logs.Lines, Is.Not.Empty);
    }
}

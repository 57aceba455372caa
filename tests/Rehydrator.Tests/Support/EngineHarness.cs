using PrivateInference.Rehydrator.Authorization;
using PrivateInference.Rehydrator.Policy;
using PrivateInference.Rehydrator.Rehydration;

namespace PrivateInference.Rehydrator.Tests.Support;

/// <summary>An engine on the shipped policy, a fake vault, a manual clock and captured logs.</summary>
internal sealed class EngineHarness
{
    public static readonly DateTimeOffset Start = new(2026, 11, 26, 9, 0, 0, TimeSpan.Zero);

    public static readonly RehydrationPolicy ShippedPolicy = RehydrationPolicy.Load(Path.Combine(AppContext.BaseDirectory, "config", "rehydration-policy.json"));

    public EngineHarness(int revealsPerMinute = 600, int maxTextLength = 1024 * 1024)
        : this(ShippedPolicy, new RehydrationOptions { RevealsPerMinute = revealsPerMinute, MaxTextLength = maxTextLength })
    {
    }

    public EngineHarness(RehydrationPolicy policy, RehydrationOptions? options = null)
    {
        Engine = new RehydrationEngine(policy, Vault, options ?? new RehydrationOptions(), Logs.For<RehydrationEngine>(), Clock);
    }

    public FakeVault Vault { get; } = new();

    public ManualClock Clock { get; } = new(Start);

    public LogRecords Logs { get; } = new();

    public RehydrationEngine Engine { get; }

    public static AuthenticatedAgent Agent(string role, string subject = "agent-alice", string tenant = "acme", BreakGlassGrant? grant = null, TimeSpan? lifetime = null) =>
        new(subject, tenant, [role], Start + (lifetime ?? TimeSpan.FromMinutes(10)), grant);

    public static BreakGlassGrant Grant(string approver = "sup-alice", TimeSpan? lifetime = null) =>
        new("bg-2026-0042", approver, Start + (lifetime ?? TimeSpan.FromMinutes(5)), "chargeback_dispute");
}

using System.Diagnostics;
using System.Diagnostics.Metrics;
using Grpc.Core;
using PrivateInference.Rehydrator.Authorization;
using PrivateInference.Rehydrator.Rehydration;
using PrivateInference.Telemetry;

namespace PrivateInference.Rehydrator;

/// <summary>The Rehydrator's spans and metrics (source and meter <c>PrivateInference.Rehydrator</c>). Shape only: the
/// agent's tenant, the purpose the policy accepted, counts per entity type and action, unresolved tokens, chunks and
/// lengths; never text, a token, a value, the agent's subject or a break-glass grant's ID (see docs/ARCHITECTURE.md,
/// Telemetry).</summary>
internal static class RehydratorTelemetry
{
    /// <summary>The source, the meter and the per-call instruments.</summary>
    public static readonly ServiceTelemetry Service = new("PrivateInference.Rehydrator", "pi.rehydrator", "Rehydrator");

    private static readonly Counter<long> Entities = Service.Meter.CreateCounter<long>(
        "pi.rehydrator.entities", "{token}", "Token occurrences revealed, masked or withheld, by entity type and action");

    private static readonly Counter<long> Unresolved = Service.Meter.CreateCounter<long>(
        "pi.rehydrator.unresolved", "{token}", "Token-shaped spans left as written (unknown, another tenant's, cut off)");

    private static readonly Histogram<long> Chunks = Service.Meter.CreateHistogram<long>(
        "pi.rehydrator.stream.chunks", "{chunk}", "Request chunks per RehydrateStream call");

    /// <summary>The authenticated agent's tenant on the call's span.</summary>
    public static void Authenticated(ServerCallContext context, AuthenticatedAgent agent) => ServiceTelemetry.TagTenant(context, agent.TenantId);

    /// <summary>A rehydration that succeeded (a unary call, or a stream's end): purpose, length, counts.</summary>
    public static void Rehydrated(ServerCallContext context, string purpose, long textLength, RehydrationSummary summary)
    {
        ServiceTelemetry.TagName(context, "pi.purpose", purpose);
        ServiceTelemetry.TagCount(context, "pi.text.length", textLength);
        ServiceTelemetry.TagCount(context, "pi.unresolved", summary.Unresolved);
        ServiceTelemetry.TagFlag(context, "pi.break_glass", summary.BreakGlassGrant is not null);
        ServiceTelemetry.TagCounts(context, "pi.entity_counts", summary.Counts.Select(c => KeyValuePair.Create(c.EntityType + ":" + ActionName(c.Action), c.Count)));
        Unresolved.Add(summary.Unresolved);
        foreach (var count in summary.Counts)
        {
            Entities.Add(count.Count, new TagList { { "pi.entity_type", ServiceTelemetry.TypeKey(count.EntityType) }, { "pi.action", ActionName(count.Action) } });
        }
    }

    /// <summary>A stream's chunks in and messages out, whatever its outcome.</summary>
    public static void Streamed(ServerCallContext context, int chunksIn, int chunksOut)
    {
        ServiceTelemetry.TagCount(context, "pi.chunks.in", chunksIn);
        ServiceTelemetry.TagCount(context, "pi.chunks.out", chunksOut);
        Chunks.Record(chunksIn);
    }

    private static string ActionName(Policy.RehydrationAction action) => action switch
    {
        Policy.RehydrationAction.Reveal => "reveal",
        Policy.RehydrationAction.Mask => "mask",
        _ => "withhold",
    };
}

using System.Diagnostics;
using System.Diagnostics.Metrics;
using Grpc.Core;
using PrivateInference.Telemetry;

namespace PrivateInference.TokenVault;

/// <summary>The vault's spans and metrics (source and meter <c>PrivateInference.TokenVault</c>). Shape only: batch sizes,
/// counts and entity type names; never a value, a token, a fingerprint or a subject reference (see
/// docs/ARCHITECTURE.md, Telemetry).</summary>
internal static class VaultTelemetry
{
    /// <summary>The source, the meter and the per-call instruments.</summary>
    public static readonly ServiceTelemetry Service = new("PrivateInference.TokenVault", "pi.vault", "TokenVault");

    /// <summary>The name of the span around a Tokenize's audit record: its write and the wait for its group commit.</summary>
    public const string AuditRecordSpan = "TokenVault.AuditRecord";

    private static readonly Counter<long> Values = Service.Meter.CreateCounter<long>(
        "pi.vault.values", "{value}", "Values tokenized (items of a batch) and revealed (tokens found), by method and entity type");

    private static readonly Histogram<long> BatchSize = Service.Meter.CreateHistogram<long>(
        "pi.vault.batch.size", "{item}", "Items per Tokenize and tokens per Detokenize call, by method");

    /// <summary>Starts the span around a Tokenize's audit record (null when nobody listens), so a trace or the vault
    /// benchmark tells the group commit's wait from the sealing around it. It carries no tag: the call's own span has
    /// the tenant and the counts.</summary>
    public static Activity? AuditRecord() => Service.Source.StartActivity(AuditRecordSpan, ActivityKind.Internal);

    /// <summary>A Tokenize that succeeded: its batch size and values per type (validated types only).</summary>
    public static void Tokenized(ServerCallContext context, IEnumerable<string> entityTypes, int batchSize) =>
        Record(context, "Tokenize", entityTypes, batchSize);

    /// <summary>A Detokenize that succeeded: tokens asked, found, and found per type.</summary>
    public static void Detokenized(ServerCallContext context, IEnumerable<string> foundTypes, int asked)
    {
        var found = Record(context, "Detokenize", foundTypes, asked);
        ServiceTelemetry.TagCount(context, "pi.found", found);
    }

    /// <summary>An erasure: how many rows went.</summary>
    public static void Erased(ServerCallContext context, long erased) => ServiceTelemetry.TagCount(context, "pi.erased", erased);

    private static int Record(ServerCallContext context, string method, IEnumerable<string> entityTypes, int batchSize)
    {
        var counts = entityTypes.GroupBy(ServiceTelemetry.TypeKey).Select(g => KeyValuePair.Create(g.Key, g.Count())).ToList();
        BatchSize.Record(batchSize, new KeyValuePair<string, object?>(ServiceTelemetry.MethodTag, method));
        foreach (var (type, count) in counts)
        {
            Values.Add(count, new KeyValuePair<string, object?>(ServiceTelemetry.MethodTag, method), new KeyValuePair<string, object?>("pi.entity_type", type));
        }

        ServiceTelemetry.TagCount(context, "pi.batch.size", batchSize);
        ServiceTelemetry.TagCounts(context, "pi.entity_counts", counts);
        return counts.Sum(c => c.Value);
    }
}

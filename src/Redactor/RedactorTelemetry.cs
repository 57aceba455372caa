using System.Diagnostics;
using System.Diagnostics.Metrics;
using Grpc.Core;
using PrivateInference.Redactor.Detection;
using PrivateInference.Redactor.Redaction;
using PrivateInference.Telemetry;

namespace PrivateInference.Redactor;

/// <summary>The Redactor's spans and metrics (source and meter <c>PrivateInference.Redactor</c>). Shape only: lengths,
/// counts and entity type names, never text, tokens or subject references (see docs/ARCHITECTURE.md, Telemetry).</summary>
internal static class RedactorTelemetry
{
    /// <summary>The source, the meter and the per-call instruments.</summary>
    public static readonly ServiceTelemetry Service = new("PrivateInference.Redactor", "pi.redactor", "Redactor");

    private static readonly Counter<long> Entities = Service.Meter.CreateCounter<long>(
        "pi.redactor.entities", "{entity}", "Entities found by Scan or replaced by Redact, by method, entity type and action");

    private static readonly Histogram<long> TextLength = Service.Meter.CreateHistogram<long>(
        "pi.redactor.text.length", "{char}", "Length of the texts scanned or redacted, in UTF-16 code units, by method");

    /// <summary>A Scan's shape on its span and in the metrics.</summary>
    public static void Scanned(ServerCallContext context, int textLength, IReadOnlyList<DetectedEntity> found) =>
        Record(context, "Scan", textLength, found.Select(e => (e.Type.WireName(), "found")));

    /// <summary>A Redact's shape on its span and in the metrics.</summary>
    public static void Redacted(ServerCallContext context, int textLength, RedactionResult result)
    {
        Record(context, "Redact", textLength, result.Replacements.Select(r => (r.Type.WireName(), ActionName(r.Decision))));
        foreach (var group in result.Replacements.GroupBy(r => r.Decision))
        {
            ServiceTelemetry.TagCount(context, "pi.entities." + ActionName(group.Key), group.Count());
        }
    }

    /// <summary>The decision's name in tags and metric dimensions (<c>tokenize</c>, <c>mask</c>, …), without an
    /// allocation per entity.</summary>
    internal static string ActionName(RedactionDecision decision) => decision switch
    {
        RedactionDecision.Tokenize => "tokenize",
        RedactionDecision.Mask => "mask",
        RedactionDecision.Leave => "leave",
        RedactionDecision.Surrogate => "surrogate",
        _ => decision.ToString().ToLowerInvariant(),
    };

    private static void Record(ServerCallContext context, string method, int textLength, IEnumerable<(string Type, string Action)> entities)
    {
        var list = entities.ToList();
        TextLength.Record(textLength, new KeyValuePair<string, object?>(ServiceTelemetry.MethodTag, method));
        foreach (var group in list.GroupBy(e => e))
        {
            Entities.Add(group.Count(), new TagList
            {
                { ServiceTelemetry.MethodTag, method },
                { "pi.entity_type", ServiceTelemetry.TypeKey(group.Key.Type) },
                { "pi.action", group.Key.Action },
            });
        }

        ServiceTelemetry.TagCount(context, "pi.text.length", textLength);
        ServiceTelemetry.TagCount(context, "pi.entities", list.Count);
        ServiceTelemetry.TagCounts(context, "pi.entity_counts", list.GroupBy(e => e.Type).Select(g => KeyValuePair.Create(g.Key, g.Count())));
    }
}

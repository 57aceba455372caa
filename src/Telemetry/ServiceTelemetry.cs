using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Grpc.Core;

namespace PrivateInference.Telemetry;

/// <summary>One service's <see cref="ActivitySource"/> and <see cref="Meter"/> (both named <see cref="Name"/>) and the
/// two instruments every service has: calls by method and status, and their durations.</summary>
/// <remarks>
/// <para>Value-free by construction: tags are set only through this class's methods, which take counts, lengths, entity
/// type names, status codes and tenant IDs (checked against the vault's tenant ID grammar, anything else is tagged
/// <c>invalid</c>); none takes request or response text, a token, a fingerprint, a subject reference or a surrogate.</para>
/// <para>Static per service (one per process), as the runtime's own sources are; several hosts in one process (tests,
/// the benchmark) share them and tell themselves apart by the span's parent.</para>
/// </remarks>
public sealed partial class ServiceTelemetry
{
    /// <summary>Tag: the tenant ID of the call (a vault tenant ID, or <c>invalid</c>).</summary>
    public const string TenantTag = "pi.tenant";

    /// <summary>Tag and metric dimension: the short RPC method name (<c>Redact</c>, <c>Tokenize</c>, …).</summary>
    public const string MethodTag = "rpc.method";

    /// <summary>Tag and metric dimension: the gRPC status code of the call as a number (0 = OK).</summary>
    public const string StatusCodeTag = "rpc.grpc.status_code";

    private const string ActivityKey = "pi.telemetry.activity";

    private readonly Counter<long> _calls;
    private readonly Histogram<double> _duration;

    /// <summary>Creates the source and meter <paramref name="name"/> with instruments prefixed <paramref name="prefix"/>
    /// (<c>{prefix}.calls</c>, <c>{prefix}.call.duration</c>).</summary>
    public ServiceTelemetry(string name, string prefix, string displayName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentException.ThrowIfNullOrWhiteSpace(prefix);
        ArgumentException.ThrowIfNullOrWhiteSpace(displayName);
        Name = name;
        Prefix = prefix;
        DisplayName = displayName;
        Source = new ActivitySource(name);
        Meter = new Meter(name);
        _calls = Meter.CreateCounter<long>(prefix + ".calls", "{call}", "gRPC calls served, by method and status code");
        _duration = Meter.CreateHistogram<double>(prefix + ".call.duration", "s", "Time from the call's arrival to its status, by method and status code");
    }

    /// <summary>The name of the activity source and the meter (<c>PrivateInference.Redactor</c>, …).</summary>
    public string Name { get; }

    /// <summary>The prefix of the service's instrument names (<c>pi.redactor</c>, …).</summary>
    public string Prefix { get; }

    /// <summary>The service's name in span names (<c>Redactor</c> in <c>Redactor.Redact</c>).</summary>
    public string DisplayName { get; }

    /// <summary>The service's spans.</summary>
    public ActivitySource Source { get; }

    /// <summary>The service's instruments.</summary>
    public Meter Meter { get; }

    /// <summary>The span of a call, set by <see cref="TelemetryInterceptor"/>; null when nobody listens.</summary>
    public static Activity? ActivityOf(ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.UserState.TryGetValue(ActivityKey, out var value) ? value as Activity : null;
    }

    /// <summary>Tags the call's span with the tenant ID, if it has the vault's tenant ID grammar; else <c>invalid</c>.</summary>
    public static void TagTenant(ServerCallContext context, string? tenantId)
    {
        if (ActivityOf(context) is { } activity && !string.IsNullOrEmpty(tenantId))
        {
            activity.SetTag(TenantTag, TenantOrInvalid(tenantId));
        }
    }

    /// <summary>Tags the call's span with a count.</summary>
    public static void TagCount(ServerCallContext context, string tag, long count) => ActivityOf(context)?.SetTag(tag, count);

    /// <summary>Tags the call's span with a flag.</summary>
    public static void TagFlag(ServerCallContext context, string tag, bool value) => ActivityOf(context)?.SetTag(tag, value);

    /// <summary>Tags the call's span with a name from a closed vocabulary (a purpose of the policy, an action): the
    /// caller passes only names it has validated; anything not of the tenant ID grammar (plus <c>_</c> and <c>.</c>)
    /// is tagged <c>invalid</c>.</summary>
    public static void TagName(ServerCallContext context, string tag, string name)
    {
        if (ActivityOf(context) is { } activity)
        {
            activity.SetTag(tag, NamePattern().IsMatch(name) ? name : "invalid");
        }
    }

    /// <summary>Tags the call's span with counts per key (entity type names, or <c>TYPE:action</c>), as
    /// <c>PAN=2,PERSON=1</c> in ordinal key order; keys not of entity type grammar are counted under <c>OTHER</c>.</summary>
    public static void TagCounts(ServerCallContext context, string tag, IEnumerable<KeyValuePair<string, int>> counts)
    {
        ArgumentNullException.ThrowIfNull(counts);
        if (ActivityOf(context) is { } activity)
        {
            activity.SetTag(tag, FormatCounts(counts));
        }
    }

    /// <summary><c>PAN=2,PERSON=1</c>: counts per key in ordinal key order, unknown-shaped keys under <c>OTHER</c>.</summary>
    public static string FormatCounts(IEnumerable<KeyValuePair<string, int>> counts)
    {
        ArgumentNullException.ThrowIfNull(counts);
        var merged = new SortedDictionary<string, int>(StringComparer.Ordinal);
        foreach (var (key, count) in counts)
        {
            var safe = TypeKey(key);
            merged[safe] = merged.GetValueOrDefault(safe) + count;
        }

        var text = new StringBuilder();
        foreach (var (key, count) in merged)
        {
            text.Append(text.Length == 0 ? string.Empty : ",").Append(key).Append('=').Append(count.ToString(CultureInfo.InvariantCulture));
        }

        return text.ToString();
    }

    /// <summary>An entity type name (<c>PAN</c>) or <c>TYPE:action</c> as a tag value or metric dimension; anything else
    /// is <c>OTHER</c>.</summary>
    public static string TypeKey(string key) => key is not null && TypeKeyPattern().IsMatch(key) ? key : "OTHER";

    /// <summary>The tenant ID if it has the vault's grammar, else <c>invalid</c>.</summary>
    public static string TenantOrInvalid(string tenantId) => tenantId is not null && TenantPattern().IsMatch(tenantId) ? tenantId : "invalid";

    /// <summary>Starts the span of a call and puts it where <see cref="ActivityOf"/> finds it.</summary>
    internal Activity? StartCall(ServerCallContext context, string method)
    {
        var activity = Source.StartActivity(DisplayName + "." + method, ActivityKind.Internal);
        if (activity is not null)
        {
            activity.SetTag(MethodTag, method);
            context.UserState[ActivityKey] = activity;
        }

        return activity;
    }

    /// <summary>Ends a call: status on the span (the code's name only, never a message), one count and one duration.</summary>
    internal void EndCall(Activity? activity, string method, StatusCode status, long startedAt)
    {
        var elapsed = Stopwatch.GetElapsedTime(startedAt).TotalSeconds;
        var tags = new TagList { { MethodTag, method }, { StatusCodeTag, (int)status } };
        _calls.Add(1, tags);
        _duration.Record(elapsed, tags);
        if (activity is not null)
        {
            activity.SetTag(StatusCodeTag, (int)status);
            activity.SetStatus(status == StatusCode.OK ? ActivityStatusCode.Ok : ActivityStatusCode.Error, status == StatusCode.OK ? null : status.ToString());
            activity.Dispose();
        }
    }

    // The vault's tenant ID grammar (PseudonymService): lower-case letters, digits and '-', 1–63 characters.
    [GeneratedRegex(@"^[a-z0-9][a-z0-9-]{0,62}\z", RegexOptions.CultureInvariant)]
    private static partial Regex TenantPattern();

    // Policy vocabulary (roles, purposes, actions, reason codes): the vault audit's names.
    [GeneratedRegex(@"^[a-z0-9][a-z0-9._-]{0,63}\z", RegexOptions.CultureInvariant)]
    private static partial Regex NamePattern();

    // Entity type names (PAN, IP_ADDRESS), optionally ":action" (PAN:mask).
    [GeneratedRegex(@"^[A-Z][A-Z0-9_]{0,31}(:[a-z]{1,16})?\z", RegexOptions.CultureInvariant)]
    private static partial Regex TypeKeyPattern();
}

using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text;

namespace PrivateInference.Pipeline.FunctionalTests.Support;

/// <summary>
/// Every span and every measurement of this process while it lives: an <see cref="ActivityListener"/> on every source
/// (the services' own, ASP.NET Core's server spans, HttpClient's and Grpc.Net.Client's client spans, Npgsql's) that
/// samples everything, and a <see cref="MeterListener"/> on every instrument of every meter. Each span is kept as text
/// (source, operation and display name, status description, tags, baggage, events with their tags, links' tags), each
/// measurement as its instrument name and tags, for the leak canaries.
/// </summary>
/// <remarks>The three services run in this process (<see cref="ServicePipeline"/>), so this sees their server and client
/// spans and their meters as well as the test's own gRPC client.</remarks>
internal sealed class TelemetryCapture : IDisposable
{
    private readonly ConcurrentQueue<string> _spans = new();
    private readonly ConcurrentQueue<string> _measurements = new();
    private readonly ConcurrentDictionary<string, byte> _spanNames = new();
    private readonly ConcurrentDictionary<string, byte> _instruments = new();
    private readonly ActivityListener _activities;
    private readonly MeterListener _meters;

    /// <summary>Listens to every source and meter except those named <paramref name="except"/> (a self-check's own).</summary>
    public TelemetryCapture(string? except = null)
    {
        _activities = new ActivityListener
        {
            ShouldListenTo = source => source.Name != except,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            SampleUsingParentId = (ref ActivityCreationOptions<string> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = Keep,
        };
        ActivitySource.AddActivityListener(_activities);

        _meters = new MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name != except)
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            },
        };
        _meters.SetMeasurementEventCallback<byte>((i, v, t, _) => Keep(i, v, t));
        _meters.SetMeasurementEventCallback<short>((i, v, t, _) => Keep(i, v, t));
        _meters.SetMeasurementEventCallback<int>((i, v, t, _) => Keep(i, v, t));
        _meters.SetMeasurementEventCallback<long>((i, v, t, _) => Keep(i, v, t));
        _meters.SetMeasurementEventCallback<float>((i, v, t, _) => Keep(i, v, t));
        _meters.SetMeasurementEventCallback<double>((i, v, t, _) => Keep(i, v, t));
        _meters.SetMeasurementEventCallback<decimal>((i, v, t, _) => Keep(i, v, t));
        _meters.Start();
    }

    /// <summary>Spans kept so far.</summary>
    public int SpanCount => _spans.Count;

    /// <summary>Measurements kept so far.</summary>
    public int MeasurementCount => _measurements.Count;

    /// <summary>Every span and measurement kept so far, one per line (observable instruments are read first).</summary>
    public string AllText()
    {
        _meters.RecordObservableInstruments();
        return string.Join('\n', _spans.Concat(_measurements));
    }

    /// <summary>Whether a span named <paramref name="sourceAndName"/> (<c>source|operation name</c>) was seen.</summary>
    public bool SawSpan(string sourceAndName) => _spanNames.ContainsKey(sourceAndName);

    /// <summary>Whether any span of the source <paramref name="source"/> was seen.</summary>
    public bool SawSource(string source) => _spanNames.Keys.Any(k => k.StartsWith(source + "|", StringComparison.Ordinal));

    /// <summary>Whether a measurement of <paramref name="instrument"/> (<c>meter|instrument</c>) was seen.</summary>
    public bool SawMeasurement(string instrument) => _instruments.ContainsKey(instrument);

    /// <summary>The spans kept so far whose text contains every one of <paramref name="parts"/> (tag names and
    /// value-free tag values only).</summary>
    public int SpansWith(params string[] parts) => _spans.Count(s => parts.All(p => s.Contains(p, StringComparison.Ordinal)));

    public void Dispose()
    {
        _activities.Dispose();
        _meters.Dispose();
    }

    private void Keep(Activity activity)
    {
        var text = new StringBuilder();
        text.Append("span|").Append(activity.Source.Name).Append('|').Append(activity.OperationName).Append('|').Append(activity.DisplayName)
            .Append("|status=").Append(activity.Status).Append(':').Append(activity.StatusDescription);
        Append(text, "tag", activity.TagObjects);
        Append(text, "baggage", activity.Baggage.Select(b => new KeyValuePair<string, object?>(b.Key, b.Value)));
        foreach (var e in activity.Events)
        {
            text.Append("|event=").Append(e.Name);
            Append(text, "event.tag", e.Tags);
        }

        foreach (var link in activity.Links)
        {
            Append(text, "link.tag", link.Tags ?? []);
        }

        _spanNames.TryAdd(activity.Source.Name + "|" + activity.OperationName, 0);
        _spans.Enqueue(text.ToString());
    }

    private void Keep<T>(Instrument instrument, T value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var text = new StringBuilder();
        text.Append("measurement|").Append(instrument.Meter.Name).Append('|').Append(instrument.Name).Append('=')
            .Append(Format(value));
        foreach (var (key, tag) in tags)
        {
            text.Append("|tag:").Append(key).Append('=').Append(Format(tag));
        }

        _instruments.TryAdd(instrument.Meter.Name + "|" + instrument.Name, 0);
        _measurements.Enqueue(text.ToString());
    }

    private static void Append(StringBuilder text, string kind, IEnumerable<KeyValuePair<string, object?>> tags)
    {
        foreach (var (key, value) in tags)
        {
            text.Append('|').Append(kind).Append(':').Append(key).Append('=').Append(Format(value));
        }
    }

    // Arrays and lists as their elements: "System.String[]" would hide what a tag holds.
    private static string Format(object? value) => value switch
    {
        null => string.Empty,
        string s => s,
        System.Collections.IEnumerable items => "[" + string.Join(",", items.Cast<object?>().Select(Format)) + "]",
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? string.Empty,
    };
}

using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Grpc.Core;
using Grpc.Health.V1;
using PrivateInference.Contracts.Redactor.V1;
using PrivateInference.Redactor.Redaction;
using PrivateInference.Redactor.Tests.Redaction;
using PrivateInference.Telemetry;

namespace PrivateInference.Redactor.Tests.Grpc;

/// <summary>The Redactor's spans and metrics through the real gRPC pipeline in memory, and the shape-only tag helpers
/// the three services share (<see cref="ServiceTelemetry"/>).</summary>
[NonParallelizable]
public sealed class TelemetryTests
{
    private readonly ConcurrentQueue<Activity> _spans = new();
    private readonly ConcurrentQueue<string> _measurements = new();
    private ActivityListener _listener = null!;
    private MeterListener _meters = null!;
    private InProcessRedactor _server = null!;
    private RedactorService.RedactorServiceClient _client = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == "PrivateInference.Redactor",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = _spans.Enqueue,
        };
        ActivitySource.AddActivityListener(_listener);
        _meters = new MeterListener
        {
            InstrumentPublished = (i, l) =>
            {
                if (i.Meter.Name == "PrivateInference.Redactor")
                {
                    l.EnableMeasurementEvents(i);
                }
            },
        };
        _meters.SetMeasurementEventCallback<long>((i, v, tags, _) => _measurements.Enqueue(i.Name + "|" + string.Join(',', tags.ToArray().Select(t => $"{t.Key}={t.Value}"))));
        _meters.SetMeasurementEventCallback<double>((i, v, tags, _) => _measurements.Enqueue(i.Name + "|" + string.Join(',', tags.ToArray().Select(t => $"{t.Key}={t.Value}"))));
        _meters.Start();
        _server = await InProcessRedactor.StartAsync(4096, vault: new FakeRedactionVault());
        _client = new RedactorService.RedactorServiceClient(_server.Channel);
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        await _server.DisposeAsync();
        _listener.Dispose();
        _meters.Dispose();
    }

    [Test]
    public async Task A_redact_has_a_span_with_tenant_counts_per_type_and_status_and_is_counted()
    {
        var canaries = Canaries.Create();
        await _client.RedactAsync(new RedactRequest { TenantId = "telemetry-ok", Text = canaries.PaymentsNote });

        var span = _spans.Single(s => Equals(s.GetTagItem(ServiceTelemetry.TenantTag), "telemetry-ok"));
        Assert.That(span.OperationName, Is.EqualTo("Redactor.Redact"));
        Assert.That((span.Status, span.GetTagItem(ServiceTelemetry.StatusCodeTag)), Is.EqualTo((ActivityStatusCode.Ok, (object)0)));
        Assert.That(span.GetTagItem("pi.entity_counts"), Is.EqualTo("CVV=1,PAN=1,PERSON=1,SSN=1"));
        Assert.That((span.GetTagItem("pi.entities.tokenize"), span.GetTagItem("pi.entities.mask")), Is.EqualTo(((object)3L, (object)1L)));
        Assert.That(span.GetTagItem("pi.text.length"), Is.EqualTo((long)canaries.PaymentsNote.Length));
        Assert.That(canaries.FoundIn(string.Join('\n', span.TagObjects.Select(t => $"{t.Key}={t.Value}"))), Is.Empty);
        Assert.That(_measurements, Has.Some.EqualTo("pi.redactor.calls|rpc.method=Redact,rpc.grpc.status_code=0"));
        Assert.That(_measurements, Has.Some.EqualTo("pi.redactor.entities|rpc.method=Redact,pi.entity_type=CVV,pi.action=mask"));
    }

    [Test]
    public void A_refused_call_records_the_status_code_not_its_message_and_a_malformed_tenant_as_invalid()
    {
        var ex = Assert.ThrowsAsync<RpcException>(async () => await _client.ScanAsync(new ScanRequest { TenantId = "Harriet Whitfield", Text = new string('x', 4097) }));

        var span = _spans.Last(s => s.OperationName == "Redactor.Scan");
        Assert.That(ex!.StatusCode, Is.EqualTo(StatusCode.InvalidArgument));
        Assert.That((span.Status, span.StatusDescription), Is.EqualTo((ActivityStatusCode.Error, "InvalidArgument")));
        Assert.That(span.GetTagItem(ServiceTelemetry.StatusCodeTag), Is.EqualTo(3));
        Assert.That(span.GetTagItem(ServiceTelemetry.TenantTag), Is.EqualTo("invalid"));
        Assert.That(_measurements, Has.Some.EqualTo("pi.redactor.calls|rpc.method=Scan,rpc.grpc.status_code=3"));
    }

    [Test]
    public async Task Health_checks_are_not_traced()
    {
        var before = _spans.Count;

        await new Health.HealthClient(_server.Channel).CheckAsync(new HealthCheckRequest());

        Assert.That(_spans, Has.Count.EqualTo(before));
    }

    [Test]
    public void Counts_are_in_key_order_and_keys_not_of_entity_type_shape_are_OTHER()
    {
        var counts = new[] { KeyValuePair.Create("PERSON", 2), KeyValuePair.Create("PAN", 1), KeyValuePair.Create("Harriet Whitfield", 1), KeyValuePair.Create("pan", 1), KeyValuePair.Create("PAN:mask", 4) };

        Assert.That(ServiceTelemetry.FormatCounts(counts), Is.EqualTo("OTHER=2,PAN=1,PAN:mask=4,PERSON=2"));
    }

    [TestCase("acme-payments", "acme-payments")]
    [TestCase("Harriet Whitfield", "invalid")]
    [TestCase("tenant\n", "invalid")]
    [TestCase("a-b_c", "invalid")]
    public void Tenant_ids_are_tagged_only_in_the_vaults_grammar(string tenantId, string tagged) =>
        Assert.That(ServiceTelemetry.TenantOrInvalid(tenantId), Is.EqualTo(tagged));

    [Test]
    public void Every_decision_is_named_in_tags_as_its_lower_case_name() =>
        Assert.That(Enum.GetValues<RedactionDecision>().Select(RedactorTelemetry.ActionName), Is.EqualTo(Enum.GetValues<RedactionDecision>().Select(d => d.ToString().ToLowerInvariant())));
}

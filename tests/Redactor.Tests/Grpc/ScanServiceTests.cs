using Google.Protobuf;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Reflection.V1Alpha;
using PrivateInference.Contracts.Redactor.V1;
using WireEntityType = PrivateInference.Contracts.Redactor.V1.EntityType;

namespace PrivateInference.Redactor.Tests.Grpc;

/// <summary>The Redactor's gRPC contract through a real generated client over the in-process server.</summary>
public sealed class ScanServiceTests
{
    private const int Limit = 4096;
    private InProcessRedactor _server = null!;
    private RedactorService.RedactorServiceClient _client = null!;

    [OneTimeSetUp]
    public async Task StartServer()
    {
        _server = await InProcessRedactor.StartAsync(Limit);
        _client = new RedactorService.RedactorServiceClient(_server.Channel);
    }

    [OneTimeTearDown]
    public async Task StopServer() => await _server.DisposeAsync();

    /// <summary>A Luhn-valid Visa number unique to this run: a leak canary.</summary>
    private static string CanaryPan()
    {
        var body = "4" + string.Concat(Enumerable.Range(0, 14).Select(_ => (char)('0' + System.Security.Cryptography.RandomNumberGenerator.GetInt32(10))));
        for (var check = 0; check <= 9; check++)
        {
            var candidate = body + (char)('0' + check);
            if (LuhnValid(candidate))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException("unreachable");
    }

    private static bool LuhnValid(string digits)
    {
        var sum = 0;
        for (var i = 0; i < digits.Length; i++)
        {
            var d = digits[digits.Length - 1 - i] - '0';
            if (i % 2 == 1)
            {
                d = d * 2 > 9 ? (d * 2) - 9 : d * 2;
            }

            sum += d;
        }

        return sum % 10 == 0;
    }

    [Test]
    public async Task Scan_returns_type_and_offsets_of_a_card_number_and_nothing_of_its_value()
    {
        var pan = CanaryPan();
        var text = $"Customer paid with card {pan} yesterday.";

        var response = await _client.ScanAsync(new ScanRequest { Text = text });

        Assert.That(response.Entities, Has.Count.EqualTo(1));
        var entity = response.Entities[0];
        Assert.Multiple(() =>
        {
            Assert.That(entity.Type, Is.EqualTo(WireEntityType.Pan));
            Assert.That(entity.Start, Is.EqualTo(text.IndexOf(pan, StringComparison.Ordinal)));
            Assert.That(entity.End, Is.EqualTo(text.IndexOf(pan, StringComparison.Ordinal) + pan.Length));
            Assert.That(entity.Confidence, Is.InRange(0.5, 1.0));
            Assert.That(entity.Recognizer, Is.EqualTo("pan"));
            Assert.That(response.ToByteString().ToStringUtf8(), Does.Not.Contain(pan[^8..]));
            Assert.That(_server.Logs.Records, Has.None.Contains(pan[^8..]));
        });
    }

    [Test]
    public async Task Scan_filters_by_entity_type_and_confidence()
    {
        var text = $"card {CanaryPan()} SSN 219-09-9999";

        var onlySsn = await _client.ScanAsync(new ScanRequest { Text = text, EntityTypes = { WireEntityType.Ssn } });
        var strict = await _client.ScanAsync(new ScanRequest { Text = text, MinConfidence = 1.0 });

        Assert.That(onlySsn.Entities.Select(e => e.Type), Is.EqualTo(new[] { WireEntityType.Ssn }));
        Assert.That(strict.Entities, Is.Empty);
    }

    [Test]
    public async Task Text_at_the_size_limit_is_scanned()
    {
        var pan = CanaryPan();
        var text = ("card " + pan + " ").PadRight(Limit, 'x');

        var response = await _client.ScanAsync(new ScanRequest { Text = text });

        Assert.That(response.Entities.Select(e => e.Type), Is.EqualTo(new[] { WireEntityType.Pan }));
    }

    [Test]
    public void Text_over_the_size_limit_is_invalid_argument_naming_the_limit_and_not_the_content()
    {
        var pan = CanaryPan();
        var text = ("card " + pan + " ").PadRight(Limit + 1, 'x');

        var ex = Assert.ThrowsAsync<RpcException>(async () => await _client.ScanAsync(new ScanRequest { Text = text }));

        Assert.Multiple(() =>
        {
            Assert.That(ex!.StatusCode, Is.EqualTo(StatusCode.InvalidArgument));
            Assert.That(ex.Status.Detail, Does.Contain(Limit.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            Assert.That(ex.Status.Detail, Does.Not.Contain(pan[^8..]));
            Assert.That(ex.Trailers.Select(t => t.IsBinary ? Convert.ToBase64String(t.ValueBytes) : t.Value), Has.None.Contains(pan[^8..]));
            Assert.That(_server.Logs.Records, Has.None.Contains(pan[^8..]));
        });
    }

    [TestCase(-0.1)]
    [TestCase(1.5)]
    [TestCase(double.NaN)]
    public void Min_confidence_out_of_range_is_invalid_argument_naming_the_field(double value)
    {
        var ex = Assert.ThrowsAsync<RpcException>(async () => await _client.ScanAsync(new ScanRequest { Text = "x", MinConfidence = value }));

        Assert.That(ex!.StatusCode, Is.EqualTo(StatusCode.InvalidArgument));
        Assert.That(ex.Status.Detail, Does.Contain("min_confidence"));
    }

    [Test]
    public void An_unspecified_entity_type_is_invalid_argument_naming_the_field()
    {
        var request = new ScanRequest { Text = "x", EntityTypes = { WireEntityType.Unspecified } };

        var ex = Assert.ThrowsAsync<RpcException>(async () => await _client.ScanAsync(request));

        Assert.That(ex!.StatusCode, Is.EqualTo(StatusCode.InvalidArgument));
        Assert.That(ex.Status.Detail, Does.Contain("entity_types"));
    }

    [Test]
    public async Task Lone_surrogates_control_characters_and_bidi_marks_do_not_break_a_scan()
    {
        var pan = CanaryPan();
        var text = "\uD800 \0\u0001 card \u202E" + pan + "\u202C \uDC00";

        var response = await _client.ScanAsync(new ScanRequest { Text = text });

        Assert.That(response.Entities.Select(e => e.Type), Has.Member(WireEntityType.Pan));
    }

    [Test]
    public async Task Health_check_reports_serving()
    {
        var health = new Health.HealthClient(_server.Channel);

        var response = await health.CheckAsync(new HealthCheckRequest());

        Assert.That(response.Status, Is.EqualTo(HealthCheckResponse.Types.ServingStatus.Serving));
    }

    [Test]
    public async Task Reflection_lists_the_redactor_service()
    {
        var reflection = new ServerReflection.ServerReflectionClient(_server.Channel);
        using var call = reflection.ServerReflectionInfo();

        await call.RequestStream.WriteAsync(new ServerReflectionRequest { ListServices = string.Empty });
        await call.RequestStream.CompleteAsync();
        Assert.That(await call.ResponseStream.MoveNext(CancellationToken.None), Is.True);

        var names = call.ResponseStream.Current.ListServicesResponse.Service.Select(s => s.Name);
        Assert.That(names, Has.Member("privateinference.redactor.v1.RedactorService"));
    }
}

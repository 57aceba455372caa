using Grpc.Core;
using PrivateInference.Contracts.Redactor.V1;
using PrivateInference.Redactor.Tests.Redaction;
using WireEntityType = PrivateInference.Contracts.Redactor.V1.EntityType;

namespace PrivateInference.Redactor.Tests.Grpc;

/// <summary>RedactorService.Redact over the real gRPC pipeline in memory, with a fake vault.</summary>
public sealed class RedactServiceTests
{
    private string _policyFile = null!;
    private FakeRedactionVault _vault = null!;
    private InProcessRedactor _server = null!;
    private RedactorService.RedactorServiceClient _client = null!;
    private Canaries _canaries = null!;

    [OneTimeSetUp]
    public async Task StartServer()
    {
        _policyFile = Path.Combine(Path.GetTempPath(), $"pi-policy-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(_policyFile, """{"tenants":{"acme-payments":{"types":["PAN","CVV","SSN","PERSON"],"mask":["SSN"],"leave":["PERSON"]}}}""");
        _vault = new FakeRedactionVault();
        _server = await InProcessRedactor.StartAsync(4096, _policyFile, _vault);
        _client = new RedactorService.RedactorServiceClient(_server.Channel);
    }

    [OneTimeTearDown]
    public async Task StopServer()
    {
        await _server.DisposeAsync();
        File.Delete(_policyFile);
    }

    [SetUp]
    public void SetUp()
    {
        _canaries = Canaries.Create();
        _vault.Failure = null;
        _vault.Requests.Clear();
    }

    [Test]
    public async Task Redact_returns_the_sanitized_text_and_where_each_replacement_is()
    {
        var response = await _client.RedactAsync(new RedactRequest { TenantId = "st-example-hospital", Text = _canaries.PaymentsNote });

        Assert.That(_canaries.FoundIn(response.Text), Is.Empty);
        Assert.That(response.Entities, Is.Not.Empty);
        foreach (var e in response.Entities)
        {
            Assert.That(response.Text[e.Start..e.End], Is.EqualTo(e.Token));
        }

        var cvv = response.Entities.Single(e => e.Type == WireEntityType.Cvv);
        Assert.That((cvv.Token, cvv.Action), Is.EqualTo(("[CVV_REDACTED]", RedactionAction.Masked)));
        Assert.That(response.Entities.Single(e => e.Type == WireEntityType.Pan).Action, Is.EqualTo(RedactionAction.Tokenized));
        Assert.That(_vault.Requests, Has.Count.EqualTo(1));
        Assert.That(_canaries.FoundIn(string.Join("\n", _server.Logs.Records)), Is.Empty);
    }

    [Test]
    public async Task Redact_applies_the_tenant_redaction_policy()
    {
        var response = await _client.RedactAsync(new RedactRequest { TenantId = "acme-payments", Text = _canaries.PaymentsNote });

        Assert.That(response.Text.Contains("[SSN_REDACTED]", StringComparison.Ordinal), Is.True, "the tenant masks SSNs");
        Assert.That(response.Text.Contains(_canaries.Surname, StringComparison.Ordinal), Is.True, "the tenant leaves names as written");
        Assert.That(response.Entities.Select(e => e.Type), Is.EquivalentTo(new[] { WireEntityType.Pan, WireEntityType.Cvv, WireEntityType.Ssn }));
        Assert.That(_vault.ValuesSent.Any(v => v == _canaries.Ssn), Is.False, "the masked SSN did not go to the vault");
    }

    [Test]
    public void A_vault_failure_is_unavailable_with_a_fixed_message()
    {
        _vault.Failure = FakeRedactionVault.Status(StatusCode.Unavailable);

        var ex = Assert.ThrowsAsync<RpcException>(async () => await _client.RedactAsync(new RedactRequest { TenantId = "t", Text = _canaries.PaymentsNote }));

        Assert.That(ex!.StatusCode, Is.EqualTo(StatusCode.Unavailable));
        Assert.That(_canaries.FoundIn(ex.Status.Detail + string.Join("\n", _server.Logs.Records)), Is.Empty);
    }

    [Test]
    public void Text_over_the_limit_is_invalid_argument()
    {
        var ex = Assert.ThrowsAsync<RpcException>(async () => await _client.RedactAsync(new RedactRequest { TenantId = "t", Text = new string('x', 4097) }));

        Assert.That(ex!.StatusCode, Is.EqualTo(StatusCode.InvalidArgument));
        Assert.That(ex.Status.Detail, Does.Contain("4096"));
    }

    [Test]
    public void A_missing_tenant_is_invalid_argument()
    {
        var ex = Assert.ThrowsAsync<RpcException>(async () => await _client.RedactAsync(new RedactRequest { Text = _canaries.PaymentsNote }));

        Assert.That(ex!.StatusCode, Is.EqualTo(StatusCode.InvalidArgument));
        Assert.That(_vault.Requests, Is.Empty);
    }

    [Test]
    public void A_negative_ttl_is_invalid_argument()
    {
        var request = new RedactRequest { TenantId = "t", Text = _canaries.PaymentsNote, Ttl = Google.Protobuf.WellKnownTypes.Duration.FromTimeSpan(TimeSpan.FromSeconds(-5)) };

        var ex = Assert.ThrowsAsync<RpcException>(async () => await _client.RedactAsync(request));

        Assert.That(ex!.StatusCode, Is.EqualTo(StatusCode.InvalidArgument));
    }

    [Test]
    public async Task Without_a_configured_vault_redact_is_unavailable_and_scan_still_works()
    {
        await using var server = await InProcessRedactor.StartAsync(4096);
        var client = new RedactorService.RedactorServiceClient(server.Channel);
        var atStartUp = DisabledLines(server);

        var ex = Assert.ThrowsAsync<RpcException>(async () => await client.RedactAsync(new RedactRequest { TenantId = "t", Text = _canaries.PaymentsNote }));
        var again = Assert.ThrowsAsync<RpcException>(async () => await client.RedactAsync(new RedactRequest { TenantId = "t", Text = _canaries.PaymentsNote }));
        var scan = await client.ScanAsync(new ScanRequest { Text = _canaries.PaymentsNote });

        Assert.That(atStartUp, Is.EqualTo(1), "one start-up line says Redact is disabled, before any call");
        Assert.That(DisabledLines(server), Is.EqualTo(1), "and only that one");
        Assert.That((ex!.StatusCode, again!.StatusCode), Is.EqualTo((StatusCode.Unavailable, StatusCode.Unavailable)));
        Assert.That(ex.Status.Detail, Does.Contain("Redact is disabled").And.Contain("no vault configured").And.Contain("PI_VAULT_URL"));
        Assert.That(scan.Entities, Is.Not.Empty);
        Assert.That(_canaries.FoundIn(ex.Status.Detail + string.Join("\n", server.Logs.Records)), Is.Empty);
    }

    [Test]
    public async Task With_a_vault_nothing_says_redact_is_disabled()
    {
        var response = await _client.RedactAsync(new RedactRequest { TenantId = "t", Text = _canaries.PaymentsNote });

        Assert.That(response.Entities, Is.Not.Empty);
        Assert.That(DisabledLines(_server), Is.Zero);
    }

    [Test]
    public async Task Redact_in_surrogate_mode_reports_the_token_and_the_surrogate_span_with_the_surrogate_action()
    {
        var response = await _client.RedactAsync(new RedactRequest { TenantId = "st-example-hospital", Text = _canaries.PaymentsNote, Replacement = ReplacementMode.Surrogate });

        Assert.That(_canaries.FoundIn(response.Text), Is.Empty);
        Assert.That(_vault.Requests.Single().Surrogates, Is.True);
        var pan = response.Entities.Single(e => e.Type == WireEntityType.Pan);
        Assert.That(pan.Action, Is.EqualTo(RedactionAction.Surrogate));
        Assert.That(pan.Token, Does.StartWith("[PAN_"));
        Assert.That(response.Text[pan.Start..pan.End] == FakeRedactionVault.SurrogateOf("PAN", _canaries.PanDashed), Is.True, "the card's span holds its surrogate"); // a boolean: the span could hold the card
        Assert.That(response.Entities.Single(e => e.Type == WireEntityType.Cvv).Action, Is.EqualTo(RedactionAction.Masked));
    }

    [Test]
    public void Redact_refuses_an_unknown_replacement_mode()
    {
        var refusal = Assert.ThrowsAsync<RpcException>(async () => await _client.RedactAsync(new RedactRequest { TenantId = "st-example-hospital", Text = "x", Replacement = (ReplacementMode)7 }));

        Assert.That(refusal!.StatusCode, Is.EqualTo(StatusCode.InvalidArgument));
    }

    private static int DisabledLines(InProcessRedactor server) =>
        server.Logs.Records.Count(r => r.Contains("Redact is disabled: no vault is configured", StringComparison.Ordinal));
}

using PrivateInference.Contracts.Redactor.V1;
using WireEntityType = PrivateInference.Contracts.Redactor.V1.EntityType;

namespace PrivateInference.Redactor.Tests.Grpc;

/// <summary>The service applies the tenant's detection policy named in the request.</summary>
public sealed class TenantPolicyServiceTests
{
    private string _policyFile = null!;
    private InProcessRedactor _server = null!;
    private RedactorService.RedactorServiceClient _client = null!;

    [OneTimeSetUp]
    public async Task StartServer()
    {
        _policyFile = Path.Combine(Path.GetTempPath(), $"pi-policy-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(_policyFile, """{"tenants":{"acme-payments":{"types":["PAN","CVV"]}}}""");
        _server = await InProcessRedactor.StartAsync(4096, _policyFile);
        _client = new RedactorService.RedactorServiceClient(_server.Channel);
    }

    [OneTimeTearDown]
    public async Task StopServer()
    {
        await _server.DisposeAsync();
        File.Delete(_policyFile);
    }

    private const string Text = "Jane Doe paid with card 4111 1111 1111 1111 on 03/14/2024, CVV 123.";

    [Test]
    public async Task A_payments_tenant_gets_card_data_only()
    {
        var response = await _client.ScanAsync(new ScanRequest { Text = Text, TenantId = "acme-payments" });

        Assert.That(response.Entities.Select(e => e.Type), Is.EqualTo(new[] { WireEntityType.Pan, WireEntityType.Cvv }));
    }

    [Test]
    public async Task A_tenant_without_an_entry_gets_every_type()
    {
        var response = await _client.ScanAsync(new ScanRequest { Text = Text, TenantId = "st-example-hospital" });

        Assert.That(response.Entities.Select(e => e.Type), Is.SupersetOf(new[] { WireEntityType.Person, WireEntityType.Pan, WireEntityType.Date, WireEntityType.Cvv }));
    }

    [Test]
    public async Task A_request_cannot_widen_its_tenant_policy()
    {
        var request = new ScanRequest { Text = Text, TenantId = "acme-payments", EntityTypes = { WireEntityType.Date, WireEntityType.Pan } };

        var response = await _client.ScanAsync(request);

        Assert.That(response.Entities.Select(e => e.Type), Is.EqualTo(new[] { WireEntityType.Pan }));
    }
}

using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using PrivateInference.Contracts.Vault.V1;
using PrivateInference.Rehydrator.Rehydration;
using PrivateInference.Rehydrator.Tests.Support;
using PrivateInference.TokenVault;
using PrivateInference.TokenVault.Authorization;
using PrivateInference.TokenVault.Hosting;
using PrivateInference.TokenVault.Keys;
using PrivateInference.TokenVault.Storage;

namespace PrivateInference.Rehydrator.Tests.Rehydration;

/// <summary>
/// The engine through <see cref="GrpcRehydrationVault"/> against the real vault service in memory (embedded SQLite store,
/// local development key): the vault accepts the audit context the Rehydrator sends, records every rehydration and
/// refusal, and only the detokenizer identity gets values. (The end-to-end tests over loopback, PostgreSQL and SoftHSM2
/// live in the functional tests.)
/// </summary>
public sealed class WithTheVaultTests
{
    private string _folder = null!;
    private WebApplication _vault = null!;
    private GrpcChannel _channel = null!;
    private EngineHarness _harness = null!;
    private RehydrationEngine _engine = null!;
    private string _canary = null!;

    [OneTimeSetUp]
    public async Task StartVault()
    {
        _folder = Directory.CreateTempSubdirectory("pi-rehydrator-vault-").FullName;
        var identity = Path.Combine(_folder, "identity");
        ServiceTokens.InitializeSigningKey(identity);
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        builder.Configuration["Vault:Identity:JwksFile"] = Path.Combine(identity, "jwks.json");
        builder.Logging.ClearProviders();
        var store = VaultStoreFactory.Create(VaultStoreOptions.Sqlite(Path.Combine(_folder, "vault.db")));
        var kek = new LocalKekProvider(Path.Combine(_folder, "keys"));
        builder.Services.AddTokenVaultServices(builder.Configuration, services => VaultRuntime.OpenAsync(store, kek, services.GetRequiredService<VaultOptions>()).GetAwaiter().GetResult());
        _vault = builder.Build();
        _vault.MapTokenVault();
        await _vault.StartAsync();
        _channel = GrpcChannel.ForAddress("http://localhost", new GrpcChannelOptions { HttpHandler = _vault.GetTestServer().CreateHandler() });

        string Token(string subject, VaultRoles role) => ServiceTokens.Issue(identity, subject, role, TimeSpan.FromHours(1));
        await new KeyAdminService.KeyAdminServiceClient(_channel).CreateTenantAsync(new CreateTenantRequest { TenantId = "acme" }, Bearer(Token("admin:test", VaultRoles.KeyAdmin)));
        Tokenizer = Bearer(Token("svc:redactor", VaultRoles.Tokenizer));
        Auditor = Bearer(Token("auditor:test", VaultRoles.Auditor));
        var detokenizer = Token("svc:rehydrator", VaultRoles.Detokenizer);
        _harness = new EngineHarness();
        var client = new TokenVaultService.TokenVaultServiceClient(_channel);
        _engine = new RehydrationEngine(EngineHarness.ShippedPolicy, new GrpcRehydrationVault(client, () => detokenizer, TimeSpan.FromSeconds(10)), new RehydrationOptions(), _harness.Logs.For<RehydrationEngine>());
        _canary = "Zq" + Guid.NewGuid().ToString("N")[..10];
    }

    [OneTimeTearDown]
    public async Task StopVault()
    {
        _channel.Dispose();
        await _vault.StopAsync();
        await _vault.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }

    private Metadata Tokenizer { get; set; } = null!;

    private Metadata Auditor { get; set; } = null!;

    [Test]
    public async Task Values_come_back_per_role_and_every_rehydration_and_refusal_is_on_the_tenants_chain()
    {
        var before = (await AuditAsync()).Count;
        var tokens = await TokenizeAsync(("PERSON", _canary + " Roe"), ("PAN", "4111 1111 1111 1111"), ("SSN", "123-45-6789"));
        var text = $"{tokens[0]} paid with {tokens[1]} (SSN {tokens[2]}), again {tokens[1].ToLowerInvariant()[1..^1]}.";
        var agent = EngineHarness.Agent("payments-agent") with { ExpiresAt = DateTimeOffset.UtcNow + TimeSpan.FromMinutes(10) };
        var officer = EngineHarness.Agent("privacy-officer", "officer-1") with { ExpiresAt = DateTimeOffset.UtcNow + TimeSpan.FromMinutes(10) };
        var clinician = EngineHarness.Agent("clinician", "dr-1") with { ExpiresAt = DateTimeOffset.UtcNow + TimeSpan.FromMinutes(10) };

        var masked = await _engine.RehydrateAsync(agent, "acme", "payment", text);
        var revealed = await _engine.RehydrateAsync(officer, null, "operations", text);
        await _engine.RehydrateAsync(clinician, null, "treatment", $"card {tokens[1]}");
        Assert.That(async () => await _engine.RehydrateAsync(clinician, null, "research", text), Throws.TypeOf<RehydrationException>());

        Assert.That(masked.Text == $"{_canary} Roe paid with **** **** **** 1111 (SSN {tokens[2]}), again **** **** **** 1111.", Is.True, "payments-agent: name revealed, card masked to its last four, SSN withheld");
        Assert.That(revealed.Text == $"{_canary} Roe paid with 4111 1111 1111 1111 (SSN 123-45-6789), again 4111 1111 1111 1111.", Is.True, "privacy-officer: every value revealed as written");
        var records = (await AuditAsync()).Skip(before).ToList();
        var rehydrations = records.Where(r => r.Action == "rehydrate").ToList();
        Assert.That(rehydrations.Select(r => r.Outcome), Is.EqualTo(new[] { "ok", "ok", "ok", "refused:unknown_purpose" }));
        Assert.That(rehydrations[0].DetailJson, Does.Contain("\"agent\":\"agent-alice\"").And.Contain("\"purpose\":\"payment\"").And.Contain("\"roles\":\"payments-agent\""));
        Assert.That(rehydrations[0].DetailJson, Does.Contain("\"withhold\":{\"SSN\":1}"));
        Assert.That(rehydrations[2].DetailJson, Does.Contain("\"withhold\":{\"PAN\":1}"));
        Assert.That(records.Any(r => (r.DetailJson + r.Actor + r.Outcome) is var row && (row.Contains(_canary, StringComparison.Ordinal) || row.Contains("4111", StringComparison.Ordinal))), Is.False, "no value in an audit record");
        Assert.That(_harness.Logs.All.Contains(_canary, StringComparison.Ordinal), Is.False, "no value in a log record");
    }

    [Test]
    public async Task A_rehydration_that_resolves_surrogates_is_one_record_counting_them_per_type_and_action()
    {
        var request = new TokenizeRequest { TenantId = "acme", Surrogates = true };
        request.Items.Add(new TokenizeItem { EntityType = "PERSON", Value = _canary + " Doe" });
        request.Items.Add(new TokenizeItem { EntityType = "PAN", Value = "4000 0566 5566 5556" });
        var tokenized = await new TokenVaultService.TokenVaultServiceClient(_channel).TokenizeAsync(request, Tokenizer);
        var (name, card) = (tokenized.Surrogates[0], tokenized.Surrogates[1]);
        var clinician = EngineHarness.Agent("clinician", "dr-2") with { ExpiresAt = DateTimeOffset.UtcNow + TimeSpan.FromMinutes(10) };
        var before = (await AuditAsync()).Count;

        var result = await _engine.RehydrateAsync(clinician, null, "treatment", $"{name} paid with {card}; {name} again.");

        Assert.That(name.Length > 0 && card.Length > 0, Is.True, "both values got a surrogate");
        Assert.That(result.Text == $"{_canary} Doe paid with {card}; {_canary} Doe again.", Is.True, "name revealed, card withheld as written");
        var records = (await AuditAsync()).Skip(before).Where(r => r.Action != "audit.export").ToList();
        Assert.That(records.Select(r => (r.Action, r.Outcome)), Is.EqualTo(new[] { ("rehydrate", "ok") }), "one record for the rehydration (the export's own record aside)");
        using var detail = System.Text.Json.JsonDocument.Parse(records[0].DetailJson);
        Assert.That(detail.RootElement.GetProperty("reveal").GetProperty("PERSON").GetInt32(), Is.EqualTo(1), "the name's token once, though written twice");
        Assert.That(detail.RootElement.GetProperty("withhold").GetProperty("PAN").GetInt32(), Is.EqualTo(1));
        Assert.That(detail.RootElement.GetProperty("surrogates").GetInt32(), Is.EqualTo(2), "two distinct candidates looked up");
    }

    [Test]
    public async Task A_break_glass_rehydration_names_the_grant_in_the_audit()
    {
        var tokens = await TokenizeAsync(("PAN", "5555 5555 5555 4444"));
        var agent = EngineHarness.Agent("payments-supervisor", "sup-bob") with
        {
            ExpiresAt = DateTimeOffset.UtcNow + TimeSpan.FromMinutes(10),
            BreakGlass = new Rehydrator.Authorization.BreakGlassGrant("bg-2026-0042", "sup-alice", DateTimeOffset.UtcNow + TimeSpan.FromMinutes(5), "chargeback_dispute"),
        };

        var result = await _engine.RehydrateAsync(agent, null, "payment", tokens[0]);

        Assert.That(result.Text == "5555 5555 5555 4444", Is.True, "the card is revealed under the grant");
        Assert.That((await AuditAsync()).Last(r => r.Action == "rehydrate").DetailJson, Does.Contain("\"break_glass\":\"bg-2026-0042\""));
    }

    [Test]
    public async Task The_tokenizer_identity_cannot_detokenize()
    {
        var tokens = await TokenizeAsync(("PERSON", "Jane Roe"));
        var client = new TokenVaultService.TokenVaultServiceClient(_channel);
        var redactorToken = Tokenizer.GetValue("authorization")![7..];
        var engine = new RehydrationEngine(EngineHarness.ShippedPolicy, new GrpcRehydrationVault(client, () => redactorToken, TimeSpan.FromSeconds(10)), new RehydrationOptions(), _harness.Logs.For<RehydrationEngine>());
        var agent = EngineHarness.Agent("clinician") with { ExpiresAt = DateTimeOffset.UtcNow + TimeSpan.FromMinutes(10) };

        Assert.That(async () => await engine.RehydrateAsync(agent, null, "treatment", tokens[0]),
            Throws.TypeOf<RehydrationException>().With.Property(nameof(RehydrationException.Kind)).EqualTo(RehydrationErrorKind.Unavailable));
    }

    [Test]
    public async Task Refusals_before_authentication_land_on_the_named_tenants_chain_or_the_system_chain()
    {
        var refusal = new RehydrationException(RehydrationErrorKind.Unauthenticated, "The agent token's signature is not valid.", "invalid_signature");
        var acmeBefore = (await AuditAsync()).Count;
        var systemBefore = (await AuditAsync("_system")).Count;

        await _engine.RecordRefusalAsync(refusal, "acme", "treatment");
        await _engine.RecordRefusalAsync(refusal, "nobody-here", "treatment");
        await _engine.RecordRefusalAsync(refusal, null, null);

        var acme = (await AuditAsync()).Skip(acmeBefore).Single(r => r.Action == "rehydrate");
        var system = (await AuditAsync("_system")).Skip(systemBefore).Where(r => r.Action == "rehydrate").ToList();
        Assert.That((acme.Action, acme.Outcome), Is.EqualTo(("rehydrate", "refused:invalid_signature")));
        Assert.That(acme.DetailJson, Does.Contain("\"agent\":\"anonymous\""));
        // The vault files an unknown tenant, and no tenant at all, on its system chain with the Rehydrator's reason.
        Assert.That(system.Select(r => r.Outcome), Is.EqualTo(new[] { "refused:invalid_signature", "refused:invalid_signature" }));
    }

    private async Task<List<string>> TokenizeAsync(params (string Type, string Value)[] values)
    {
        var request = new TokenizeRequest { TenantId = "acme" };
        request.Items.AddRange(values.Select(v => new TokenizeItem { EntityType = v.Type, Value = v.Value }));
        var response = await new TokenVaultService.TokenVaultServiceClient(_channel).TokenizeAsync(request, Tokenizer);
        return [.. response.Tokens];
    }

    private async Task<List<Contracts.Vault.V1.AuditRecord>> AuditAsync(string tenant = "acme")
    {
        using var call = new AuditService.AuditServiceClient(_channel).ExportAudit(new ExportAuditRequest { TenantId = tenant, FromSeq = 1 }, Auditor);
        var records = new List<Contracts.Vault.V1.AuditRecord>();
        await foreach (var record in call.ResponseStream.ReadAllAsync())
        {
            records.Add(record);
        }

        return records;
    }

    private static Metadata Bearer(string token) => new() { { "authorization", "Bearer " + token } };
}

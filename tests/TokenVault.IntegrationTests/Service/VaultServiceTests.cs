using System.Security.Cryptography;
using System.Text.Json;
using NUnit.Framework;
using PrivateInference.TokenVault.Audit;
using PrivateInference.TokenVault.Authorization;
using PrivateInference.TokenVault.Pseudonymization;
using PrivateInference.TokenVault.Storage;

namespace PrivateInference.TokenVault.IntegrationTests.Service;

/// <summary>
/// The vault's service behaviour (issue 4) through <see cref="VaultRuntime"/>, the object graph the gRPC host and the
/// command line both run, on a real database and KEK provider; a concrete fixture per backend.
/// </summary>
/// <remarks>
/// One database per fixture; tests keep out of each other's way with fresh tenants (whose IDs are also the KEK names,
/// unique in the shared SoftHSM2 token). Every test's canaries are checked against every audit row afterwards.
/// </remarks>
public abstract partial class VaultServiceTests
{
    private protected static readonly Caller Tokenizer = new("svc:redactor", VaultRoles.Tokenizer);
    private protected static readonly Caller Detokenizer = new("svc:rehydrator", VaultRoles.Detokenizer);
    private protected static readonly Caller Admin = new("admin:alice", VaultRoles.KeyAdmin);
    private protected static readonly Caller OtherAdmin = new("admin:bob", VaultRoles.KeyAdmin);
    private protected static readonly Caller Auditor = new("audit:carol", VaultRoles.Auditor);
    private protected static readonly Caller Eraser = new("privacy:dave", VaultRoles.Eraser);

    /// <summary>The fixture's backend: database, KEK provider, raw SQL.</summary>
    private protected VaultBackend Backend { get; private set; } = null!;

    /// <summary>The fixture's first replica.</summary>
    private protected Replica Vault { get; private set; } = null!;

    /// <summary>This test's canaries.</summary>
    private protected Canaries Canary { get; private set; } = new();

    private protected abstract VaultBackend CreateBackend();

    [OneTimeSetUp]
    public async Task Open_the_backend_and_the_first_replica()
    {
        Backend = CreateBackend();
        Vault = await Backend.OpenReplicaAsync();
        Assert.That(Vault.Store.Backend, Is.EqualTo(Backend.Name));
    }

    [OneTimeTearDown]
    public async Task Close_the_replicas_and_drop_the_database()
    {
        if (Backend is not null)
        {
            await Backend.DisposeAsync();
        }
    }

    [SetUp]
    public void New_canaries() => Canary = new Canaries();

    [TearDown]
    public async Task No_canary_of_the_test_is_in_any_audit_row()
    {
        if (Canary.Needles.Count > 0)
        {
            Assert.That(Canary.FoundIn(await Backend.AuditTextAsync()), Is.Empty, "audit rows hold no value");
        }
    }

    /// <summary>A tenant ID no other test (or earlier run against the same token) uses: it names the KEK too.</summary>
    private protected static string NewTenantId() => "svc-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));

    /// <summary>A new tenant with a KEK generated in the provider.</summary>
    private protected async Task<string> NewTenantAsync()
    {
        var tenantId = NewTenantId();
        await Vault.Keys.CreateTenantAsync(Admin, tenantId);
        return tenantId;
    }

    private protected static TokenizeInput[] Items(string entityType, params string[] values) =>
        values.Select(v => new TokenizeInput(entityType, v)).ToArray();

    private protected Task<IReadOnlyList<string>> TokenizeAsync(string tenantId, string entityType, params string[] values) =>
        Vault.Pseudonyms.TokenizeAsync(Tokenizer, tenantId, Items(entityType, values));

    private protected async Task<string> TokenizeOneAsync(string tenantId, string entityType, string value) =>
        (await TokenizeAsync(tenantId, entityType, value)).Single();

    /// <summary>The values of found tokens; null for a token not found.</summary>
    private protected async Task<string?[]> DetokenizeAsync(string tenantId, params string[] tokens) =>
        (await Vault.Pseudonyms.DetokenizeAsync(Detokenizer, tenantId, tokens)).Select(r => r.Found ? r.Value : null).ToArray();

    /// <summary>The tenant's audit chain as stored (read from the store: reading adds no record).</summary>
    private protected Task<List<AuditRecord>> ChainAsync(string tenantId) => Vault.Store.ReadAuditAsync(tenantId).ToListAsync().AsTask();

    /// <summary>Runs <paramref name="call"/>, which must be refused, and returns the refusal.</summary>
    private protected static VaultException Refusal(AsyncTestDelegate call)
    {
        var refusal = Assert.ThrowsAsync<VaultException>(call);
        Assert.That(refusal, Is.Not.Null);
        return refusal!;
    }

    /// <summary>Checks that every outcome naming an intent names an earlier "started" record of the same actor and
    /// action, and that no intent of the chain is left without its outcome.</summary>
    private protected static void AssertEveryIntentHasItsOutcome(IReadOnlyList<AuditRecord> chain)
    {
        var bySeq = chain.ToDictionary(r => r.Seq);
        var intents = new AuditIntents();
        foreach (var record in chain)
        {
            intents.Add(record);
            using var detail = JsonDocument.Parse(record.DetailJson);
            if (detail.RootElement.TryGetProperty(AuditOutcome.IntentSeq, out var seq))
            {
                var intent = bySeq[seq.GetInt64()];
                Assert.That((intent.Outcome, intent.Actor, intent.Action, intent.Seq < record.Seq), Is.EqualTo((AuditOutcome.Started, record.Actor, record.Action, true)), $"the intent of seq {record.Seq}");
            }
        }

        Assert.That(intents.OutcomeUnknown, Is.Empty, "every intent has its outcome");
    }

    /// <summary>The records appended to <paramref name="tenantId"/>'s chain since it had <paramref name="before"/> records.</summary>
    private protected async Task<List<AuditRecord>> AppendedAsync(string tenantId, int before) =>
        (await ChainAsync(tenantId)).Skip(before).ToList();
}

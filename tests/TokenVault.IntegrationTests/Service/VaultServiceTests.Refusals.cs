using NUnit.Framework;
using PrivateInference.TokenVault.Audit;
using PrivateInference.TokenVault.Authorization;
using PrivateInference.TokenVault.Pseudonymization;

namespace PrivateInference.TokenVault.IntegrationTests.Service;

public abstract partial class VaultServiceTests
{
    private const string SystemChain = "_system";
    private const string InvalidTenantIdMessage = "tenant_id must be 1-63 characters of a-z, 0-9 and '-', starting with a letter or digit.";

    /// <summary>Tokenize batches the vault must refuse whole, with the reason it must give. The first item of most is a
    /// good canary, so "nothing written" means the good item too.</summary>
    private static readonly Dictionary<string, (Func<Canaries, TokenizeInput[]> Batch, string Reason)> BadTokenizeBatches = new()
    {
        ["a CVV"] = (c => [new("PAN", c.Pan()), new("CVV", c.Text("cvv"))], "sensitive_authentication_data"),
        ["track data"] = (c => [new("PAN", c.Pan()), new("TRACK_DATA", c.Text("track"))], "sensitive_authentication_data"),
        ["a PIN block"] = (c => [new("PAN", c.Pan()), new("PIN_BLOCK", c.Text("pinblock"))], "sensitive_authentication_data"),
        ["an unknown type"] = (c => [new("PAN", c.Pan()), new("FAVOURITE_COLOUR", c.Text("colour"))], "unknown_entity_type"),
        ["a lower-case type"] = (c => [new("pan", c.Pan())], "unknown_entity_type"),
        ["an empty type"] = (c => [new(string.Empty, c.Pan())], "unknown_entity_type"),
        ["an empty value"] = (c => [new("PAN", c.Pan()), new("PERSON", string.Empty)], "empty_value"),
        ["a blank value"] = (c => [new("PAN", c.Pan()), new("PERSON", " \t ")], "empty_value"),
        ["a value over the length limit"] = (c => [new("PAN", c.Pan()), new("PERSON", c.Person() + new string('x', 4096))], "value_too_long"),
        ["a subject reference over the length limit"] = (c => [new("PAN", c.Pan(), c.Subject() + new string('x', 4096))], "value_too_long"),
        ["a negative TTL"] = (c => [new("PAN", c.Pan(), Ttl: TimeSpan.FromSeconds(-1))], "invalid_ttl"),
        ["a zero TTL"] = (c => [new("PAN", c.Pan(), Ttl: TimeSpan.Zero)], "invalid_ttl"),
        ["an empty batch"] = (_ => [], "empty_batch"),
        ["a batch over the size limit"] = (c => Enumerable.Range(0, 1001).Select(i => new TokenizeInput("PERSON", $"{c.Person()} {i}")).ToArray(), "batch_too_large"),
    };

    private static IEnumerable<string> BadTokenizeBatchNames => BadTokenizeBatches.Keys;

    /// <summary>Tenant IDs that are not IDs: refused before anything is looked up, recorded on the system chain.</summary>
    private static IEnumerable<TestCaseData> InvalidTenantIds()
    {
        yield return new TestCaseData(string.Empty).SetArgDisplayNames("empty");
        yield return new TestCaseData("Tenant-A").SetArgDisplayNames("upper case");
        yield return new TestCaseData("-tenant").SetArgDisplayNames("leading dash");
        yield return new TestCaseData("tenant a").SetArgDisplayNames("a space");
        yield return new TestCaseData("tenant_a").SetArgDisplayNames("an underscore");
        yield return new TestCaseData("tenant-ä").SetArgDisplayNames("non-ASCII");
        yield return new TestCaseData(SystemChain).SetArgDisplayNames("the system chain's name");
        yield return new TestCaseData(new string('t', 64)).SetArgDisplayNames("64 characters");
        yield return new TestCaseData("t\n").SetArgDisplayNames("a trailing newline");
    }

    /// <summary>The data-plane and admin operations, the role each needs and the action its audit record names.</summary>
    private static readonly (string Action, VaultRoles Role, Func<Replica, Caller, string, string, Task> Call)[] Operations =
    [
        ("tokenize", VaultRoles.Tokenizer, (v, c, t, _) => v.Pseudonyms.TokenizeAsync(c, t, [new TokenizeInput("PERSON", "Jane Roe")])),
        ("detokenize", VaultRoles.Detokenizer, (v, c, t, token) => v.Pseudonyms.DetokenizeAsync(c, t, [token])),
        ("subject.erase", VaultRoles.Eraser, (v, c, t, _) => v.Pseudonyms.EraseSubjectAsync(c, t, "subject-1")),
        ("kek.rotate", VaultRoles.KeyAdmin, (v, c, t, _) => v.Keys.RotateKekAsync(c, t)),
        ("dek.rotate", VaultRoles.KeyAdmin, (v, c, t, _) => v.Keys.RotateDekAsync(c, t)),
        ("kek.disable", VaultRoles.KeyAdmin, (v, c, t, _) => v.Keys.DisableAsync(c, t)),
        ("kek.destroy.approve", VaultRoles.KeyAdmin, (v, c, t, _) => v.Keys.ApproveDestroyAsync(c, t, "request-1")),
        ("keys.list", VaultRoles.KeyAdmin, (v, c, t, _) => v.Keys.ListAsync(c, t)),
        ("audit.verify", VaultRoles.Auditor, (v, c, t, _) => v.Audit.VerifyAsync(c, t)),
        ("audit.export", VaultRoles.Auditor, async (v, c, t, _) => await v.Audit.ExportAsync(c, t).ToListAsync()),
    ];

    /// <summary>The operations of <see cref="Operations"/> that change keys or a tenant's state: recorded before and after.</summary>
    private static readonly HashSet<string> KeyChanges = ["kek.rotate", "dek.rotate", "kek.disable", "kek.destroy.approve"];

    private static readonly Caller[] Identities = [Tokenizer, Detokenizer, Admin, Auditor, Eraser, new("svc:nobody", VaultRoles.None)];

    /// <summary>Every identity against every operation its role does not allow.</summary>
    private static IEnumerable<TestCaseData> Denials() =>
        from caller in Identities
        from operation in Operations
        where !caller.Has(operation.Role)
        select new TestCaseData(caller.Subject, operation.Action).SetArgDisplayNames(caller.Subject, operation.Action);

    /// <summary>Every identity against every operation its role allows.</summary>
    private static IEnumerable<TestCaseData> Grants() =>
        from caller in Identities
        from operation in Operations
        where caller.Has(operation.Role)
        select new TestCaseData(caller.Subject, operation.Action).SetArgDisplayNames(caller.Subject, operation.Action);

    [TestCaseSource(nameof(BadTokenizeBatchNames))]
    public async Task A_bad_tokenize_batch_is_refused_whole_with_a_value_free_message_writes_nothing_and_is_audited(string batchWith)
    {
        var (batch, reason) = BadTokenizeBatches[batchWith];
        var tenantId = await NewTenantAsync();
        var before = (await ChainAsync(tenantId)).Count;
        var items = batch(Canary);

        var refusal = Refusal(() => Vault.Pseudonyms.TokenizeAsync(Tokenizer, tenantId, items));

        Assert.That((refusal.Kind, refusal.Reason), Is.EqualTo((VaultErrorKind.InvalidArgument, reason)));
        Assert.That(Canary.FoundIn(refusal.ToString()), Is.Empty);
        Assert.That(await Backend.TokenRowsAsync(tenantId), Is.Zero);
        var record = (await AppendedAsync(tenantId, before)).Single();
        Assert.That((record.Actor, record.Action, record.Outcome), Is.EqualTo((Tokenizer.Subject, "tokenize", "refused:" + reason)));
        Assert.That(record.DetailJson, Is.EqualTo($$"""{"items":{{items.Length}}}"""));
    }

    [Test]
    public async Task A_detokenize_batch_over_the_size_limit_is_refused_and_audited()
    {
        var tenantId = await NewTenantAsync();
        var token = await TokenizeOneAsync(tenantId, "PAN", Canary.Pan());
        var before = (await ChainAsync(tenantId)).Count;

        var refusal = Refusal(() => Vault.Pseudonyms.DetokenizeAsync(Detokenizer, tenantId, Enumerable.Repeat(token, 1001).ToArray()));

        Assert.That((refusal.Kind, refusal.Reason), Is.EqualTo((VaultErrorKind.InvalidArgument, "batch_too_large")));
        var record = (await AppendedAsync(tenantId, before)).Single();
        Assert.That((record.Action, record.Outcome, record.DetailJson), Is.EqualTo(("detokenize", "refused:batch_too_large", """{"items":1001}""")));
    }

    [TestCase("tokenize")]
    [TestCase("detokenize")]
    [TestCase("subject.erase")]
    public async Task A_well_formed_but_unknown_tenant_is_not_found_writes_nothing_and_is_audited_on_the_system_chain(string action)
    {
        var unknown = NewTenantId();
        var operation = Operations.Single(o => o.Action == action);
        var caller = Identities.First(c => c.Has(operation.Role));
        var before = (await ChainAsync(SystemChain)).Count;

        var refusal = Refusal(() => operation.Call(Vault, caller, unknown, "[PAN_0000000000]"));

        Assert.That((refusal.Kind, refusal.Reason), Is.EqualTo((VaultErrorKind.TenantNotFound, "unknown_tenant")));
        Assert.That(await Backend.TokenRowsAsync(unknown), Is.Zero);
        Assert.That(await ChainAsync(unknown), Is.Empty, "an unknown tenant never gets a chain of its own");
        var record = (await AppendedAsync(SystemChain, before)).Single();
        Assert.That((record.Actor, record.Action, record.Outcome), Is.EqualTo((caller.Subject, action, "refused:unknown_tenant")));
    }

    [TestCaseSource(nameof(InvalidTenantIds))]
    public async Task An_invalid_tenant_id_is_an_invalid_argument_audited_on_the_system_chain(string tenantId)
    {
        var before = (await ChainAsync(SystemChain)).Count;
        var value = Canary.Pan();

        var tokenize = Refusal(() => Vault.Pseudonyms.TokenizeAsync(Tokenizer, tenantId, Items("PAN", value)));
        var detokenize = Refusal(() => Vault.Pseudonyms.DetokenizeAsync(Detokenizer, tenantId, ["[PAN_0000000000]"]));
        var create = Refusal(() => Vault.Keys.CreateTenantAsync(Admin, tenantId));

        Assert.That(new[] { tokenize, detokenize, create }.Select(r => (r.Kind, r.Reason)), Has.All.EqualTo((VaultErrorKind.InvalidArgument, "invalid_tenant_id")));
        Assert.That(new[] { tokenize, detokenize, create }.Select(r => r.Message), Has.All.EqualTo(InvalidTenantIdMessage), "fixed text, whatever the input");
        var records = await AppendedAsync(SystemChain, before);
        Assert.That(records.Select(r => (r.Action, r.Outcome, r.DetailJson)), Is.EqualTo(new[]
        {
            ("tokenize", "refused:invalid_tenant_id", """{"items":1}"""),
            ("detokenize", "refused:invalid_tenant_id", """{"items":1}"""),
            ("tenant.create", "refused:invalid_tenant_id", "{}"),
        }));
    }

    [TestCaseSource(nameof(Denials))]
    public async Task An_identity_without_the_role_is_permission_denied_changes_nothing_and_is_audited(string subject, string action)
    {
        var caller = Identities.Single(c => c.Subject == subject);
        var operation = Operations.Single(o => o.Action == action);
        var tenantId = await NewTenantAsync();
        var token = await TokenizeOneAsync(tenantId, "PAN", Canary.Pan());
        var inventory = (await Vault.Keys.ListAsync(Admin, tenantId)).Single();
        var before = (await ChainAsync(tenantId)).Count;

        var refusal = Refusal(() => operation.Call(Vault, caller, tenantId, token));

        Assert.That((refusal.Kind, refusal.Reason), Is.EqualTo((VaultErrorKind.PermissionDenied, "permission_denied")));
        var record = (await AppendedAsync(tenantId, before)).Single();
        Assert.That((record.Actor, record.Action, record.Outcome), Is.EqualTo((subject, action, "refused:permission_denied")));
        Assert.That((await Vault.Keys.ListAsync(Admin, tenantId)).Single(), Is.EqualTo(inventory), "keys, state and rows unchanged");
    }

    [TestCaseSource(nameof(Grants))]
    public async Task An_identity_with_the_role_may_do_its_job_and_it_is_audited_a_key_change_before_and_after(string subject, string action)
    {
        var caller = Identities.Single(c => c.Subject == subject);
        var operation = Operations.Single(o => o.Action == action);
        var tenantId = await NewTenantAsync();
        var token = await TokenizeOneAsync(tenantId, "PAN", Canary.Pan());
        var before = (await ChainAsync(tenantId)).Count;

        await operation.Call(Vault, caller, tenantId, token);

        var records = await AppendedAsync(tenantId, before);
        var expected = KeyChanges.Contains(action) ? new[] { AuditOutcome.Started, "ok" } : ["ok"];
        Assert.That(records.Select(r => (r.Actor, r.Action, r.Outcome)), Is.EqualTo(expected.Select(outcome => (subject, action, outcome))));
        AssertEveryIntentHasItsOutcome(await ChainAsync(tenantId));
    }

    [Test]
    public async Task The_local_operator_of_the_embedded_default_holds_every_role_and_the_system_identity_none()
    {
        var tenantId = await NewTenantAsync();

        var token = (await Vault.Pseudonyms.TokenizeAsync(Caller.LocalOperator, tenantId, Items("PAN", Canary.Pan()))).Single();
        await Vault.Pseudonyms.DetokenizeAsync(Caller.LocalOperator, tenantId, [token]);
        await Vault.Keys.RotateDekAsync(Caller.LocalOperator, tenantId);
        await Vault.Audit.VerifyAsync(Caller.LocalOperator, tenantId);

        Assert.That(Refusal(() => Vault.Pseudonyms.DetokenizeAsync(Caller.System, tenantId, [token])).Kind, Is.EqualTo(VaultErrorKind.PermissionDenied));
        Assert.That(await Backend.TokenRowsAsync(tenantId), Is.EqualTo(1));
    }
}

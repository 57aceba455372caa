using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using NUnit.Framework;
using PrivateInference.Contracts.Vault.V1;
using PrivateInference.TokenVault.Authorization;
using PrivateInference.TokenVault.Keys;
using PrivateInference.TokenVault.Tests.Keys;

namespace PrivateInference.TokenVault.IntegrationTests.Service;

/// <summary>
/// The three vault services through real generated clients over the in-process host: service tokens, status codes,
/// and leak canaries in logs, status details and audit rows. A concrete fixture per backend.
/// </summary>
public abstract class VaultGrpcTests
{
    private const string SystemChain = "_system";
    private static readonly Regex TokenGrammar = new(@"^\[[A-Z][A-Z0-9_]{0,31}_[0-9A-HJKMNP-TV-Z]{10}\]\z", RegexOptions.CultureInvariant);

    private ServiceIdentities _identities = null!;
    private InProcessVault _server = null!;
    private Canaries _canary = new();

    /// <summary>A call whose status the tests check: what went in, and the code expected back.</summary>
    public enum BadCall
    {
        UnknownEntityType,
        Cvv,
        EmptyValue,
        OversizedBatch,
        UnknownTenant,
        InvalidTenantId,
        DisabledTenant,
        TenantCreatedTwice,
        TamperedRow,
        AuditTrailUnavailable,
        UnknownWrappingName,
        MalformedImportKeyId,
        UnknownSurrogateAction,
        UnknownActionName,
    }

    /// <summary>The RPCs, each called with a minimal request for a tenant.</summary>
    public enum Rpc
    {
        Tokenize,
        Detokenize,
        EraseSubject,
        CreateTenant,
        GetImportKey,
        ImportKey,
        RotateKek,
        RotateDek,
        DisableKey,
        EnableKey,
        ApproveDestroy,
        DestroyKey,
        ListKeys,
        VerifyChain,
        ExportAudit,
    }

    private protected VaultBackend Backend { get; private set; } = null!;

    private TokenVaultService.TokenVaultServiceClient Vault => new(_server.Channel);

    private KeyAdminService.KeyAdminServiceClient Keys => new(_server.Channel);

    private AuditService.AuditServiceClient Audit => new(_server.Channel);

    private Metadata TokenizerToken => _identities.For("svc:redactor", VaultRoles.Tokenizer);

    private Metadata DetokenizerToken => _identities.For("svc:rehydrator", VaultRoles.Detokenizer);

    private Metadata AdminToken => _identities.For("admin:alice", VaultRoles.KeyAdmin);

    private Metadata AuditorToken => _identities.For("audit:carol", VaultRoles.Auditor);

    /// <summary>Credentials the vault must refuse, by what is wrong with them.</summary>
    private static readonly Dictionary<string, Func<ServiceIdentities, Metadata>> RefusedCredentials = new()
    {
        ["no token"] = _ => [],
        ["not a bearer token"] = _ => new Metadata { { "authorization", "Basic c3ZjOnNlY3JldA==" } },
        ["garbage"] = _ => ServiceIdentities.Bearer("not.a.jwt"),
        ["forged"] = i => i.Forged(VaultRoles.Tokenizer),
        ["expired"] = i => i.Expired(VaultRoles.Tokenizer),
        ["wrong audience"] = i => i.WrongAudience(VaultRoles.Tokenizer),
        ["wrong issuer"] = i => i.WrongIssuer(VaultRoles.Tokenizer),
        ["unsigned"] = _ => ServiceIdentities.Unsigned(VaultRoles.Tokenizer),
    };

    private static IEnumerable<string> RefusedCredentialNames => RefusedCredentials.Keys;

    private static IEnumerable<TestCaseData> WrongRoles()
    {
        yield return new TestCaseData(VaultRoles.Tokenizer, Rpc.Detokenize);
        yield return new TestCaseData(VaultRoles.Tokenizer, Rpc.ExportAudit);
        yield return new TestCaseData(VaultRoles.Detokenizer, Rpc.Tokenize);
        yield return new TestCaseData(VaultRoles.Detokenizer, Rpc.RotateKek);
        yield return new TestCaseData(VaultRoles.KeyAdmin, Rpc.Tokenize);
        yield return new TestCaseData(VaultRoles.KeyAdmin, Rpc.Detokenize);
        yield return new TestCaseData(VaultRoles.KeyAdmin, Rpc.VerifyChain);
        yield return new TestCaseData(VaultRoles.Auditor, Rpc.Tokenize);
        yield return new TestCaseData(VaultRoles.Auditor, Rpc.Detokenize);
        yield return new TestCaseData(VaultRoles.Auditor, Rpc.DisableKey);
        yield return new TestCaseData(VaultRoles.Auditor, Rpc.ListKeys);
        yield return new TestCaseData(VaultRoles.Eraser, Rpc.Detokenize);
    }

    private protected abstract VaultBackend CreateBackend();

    [OneTimeSetUp]
    public async Task Start_the_vault_host()
    {
        Backend = CreateBackend();
        _identities = new ServiceIdentities();
        _server = await InProcessVault.StartAsync(Backend, _identities);
    }

    [OneTimeTearDown]
    public async Task Stop_the_vault_host()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        if (Backend is not null)
        {
            await Backend.DisposeAsync();
        }

        _identities?.Dispose();
    }

    [SetUp]
    public void New_canaries() => _canary = new Canaries();

    [TearDown]
    public async Task No_canary_of_the_test_is_in_any_log_record_or_audit_row()
    {
        Assert.That(_canary.FoundIn(string.Join('\n', _server.Logs.Records)), Is.Empty, "log records");
        Assert.That(_canary.FoundIn(await Backend.AuditTextAsync()), Is.Empty, "audit rows");
    }

    [Test]
    public async Task Tokenize_detokenize_and_erase_round_trip_with_service_tokens()
    {
        var tenantId = await NewTenantAsync();
        var (pan, name, subject) = (_canary.Pan(), _canary.Person(), _canary.Subject());
        var request = new TokenizeRequest { TenantId = tenantId };
        request.Items.Add(new TokenizeItem { EntityType = "PAN", Value = pan, SubjectRef = subject });
        request.Items.Add(new TokenizeItem { EntityType = "PERSON", Value = name, Ttl = Duration.FromTimeSpan(TimeSpan.FromHours(1)) });
        request.Items.Add(new TokenizeItem { EntityType = "PAN", Value = pan.Replace(' ', '-') });

        var tokens = (await Vault.TokenizeAsync(request, TokenizerToken)).Tokens;

        Assert.That(tokens.Take(2), Has.All.Matches(TokenGrammar));
        Assert.That(tokens, Has.Count.EqualTo(3));
        Assert.That(tokens[2], Does.Match(@"-[0-9A-HJKMNP-TV-Z]{2}\]\z").And.StartWith(tokens[0][..^1] + "-"), "the same card in another spelling: its ID and a mark");
        var detokenize = new DetokenizeRequest { TenantId = tenantId };
        detokenize.Tokens.Add(tokens);
        detokenize.Tokens.Add("[PAN_0000000000]");
        var results = (await Vault.DetokenizeAsync(detokenize, DetokenizerToken)).Results;
        Assert.That(results.Select(r => (r.Token, r.Found, r.EntityType)), Is.EqualTo(new[]
        {
            (tokens[0], true, "PAN"),
            (tokens[1], true, "PERSON"),
            (tokens[2], true, "PAN"),
            ("[PAN_0000000000]", false, string.Empty),
        }));
        Canaries.AssertSameValues(results.Select(r => r.Value), [pan, name, pan.Replace(' ', '-'), string.Empty], "each value as written, nothing for the unknown token");

        var erased = await Vault.EraseSubjectAsync(new EraseSubjectRequest { TenantId = tenantId, SubjectRef = subject }, _identities.For("privacy:dave", VaultRoles.Eraser));

        Assert.That(erased.Erased, Is.EqualTo(2), "the subject's card in both spellings");
        var afterErasure = (await Vault.DetokenizeAsync(detokenize, DetokenizerToken)).Results;
        Assert.That(afterErasure.Select(r => r.Found), Is.EqualTo(new[] { false, true, false, false }));
    }

    [TestCaseSource(nameof(RefusedCredentialNames))]
    public async Task A_call_without_a_valid_service_token_is_unauthenticated_runs_nothing_and_is_audited_on_the_system_chain(string credential)
    {
        var credentials = RefusedCredentials[credential];
        var tenantId = await NewTenantAsync();
        var request = new TokenizeRequest { TenantId = tenantId };
        request.Items.Add(new TokenizeItem { EntityType = "PAN", Value = _canary.Pan() });

        var refusal = Refused(() => Vault.TokenizeAsync(request, credentials(_identities)).ResponseAsync);

        Assert.That(refusal.StatusCode, Is.EqualTo(StatusCode.Unauthenticated));
        Assert.That(refusal.Status.Detail, Is.AnyOf("A service token is required.", "The service token is not valid."));
        Assert.That(await Backend.TokenRowsAsync(tenantId), Is.Zero);
        Assert.That(await LastRecordAsync(SystemChain), Is.EqualTo(("anonymous", "rpc.Tokenize", "refused:unauthenticated")));
    }

    [Test]
    public async Task Every_rpc_refuses_a_call_without_a_token_and_audits_it_on_the_system_chain([Values] Rpc rpc)
    {
        var tenantId = await NewTenantAsync();
        var inventory = await InventoryAsync(tenantId);
        var before = await ChainLengthAsync(tenantId);

        var refusal = Refused(() => CallAsync(rpc, tenantId, []));

        Assert.That(refusal.StatusCode, Is.EqualTo(StatusCode.Unauthenticated));
        Assert.That(await LastRecordAsync(SystemChain), Is.EqualTo(("anonymous", "rpc." + rpc, "refused:unauthenticated")));
        Assert.That(await ChainLengthAsync(tenantId), Is.EqualTo(before), "nothing reached the tenant");
        Assert.That(await InventoryAsync(tenantId), Is.EqualTo(inventory));
    }

    [TestCaseSource(nameof(WrongRoles))]
    public async Task A_service_token_without_the_role_is_permission_denied_and_audited_on_the_tenants_chain(VaultRoles role, Rpc rpc)
    {
        var tenantId = await NewTenantAsync();
        var subject = "svc:" + ServiceTokens.RoleName(role);
        var inventory = await InventoryAsync(tenantId);

        var refusal = Refused(() => CallAsync(rpc, tenantId, _identities.For(subject, role)));

        Assert.That(refusal.StatusCode, Is.EqualTo(StatusCode.PermissionDenied));
        Assert.That(refusal.Status.Detail, Does.StartWith("The caller's identity does not hold the "));
        Assert.That(await LastRecordAsync(tenantId), Is.EqualTo((subject, ActionOf(rpc), "refused:permission_denied")));
        Assert.That(await InventoryAsync(tenantId), Is.EqualTo(inventory));
    }

    [TestCase(BadCall.UnknownEntityType, StatusCode.InvalidArgument, "unknown_entity_type")]
    [TestCase(BadCall.Cvv, StatusCode.InvalidArgument, "sensitive_authentication_data")]
    [TestCase(BadCall.EmptyValue, StatusCode.InvalidArgument, "empty_value")]
    [TestCase(BadCall.OversizedBatch, StatusCode.InvalidArgument, "batch_too_large")]
    [TestCase(BadCall.UnknownTenant, StatusCode.NotFound, "unknown_tenant")]
    [TestCase(BadCall.InvalidTenantId, StatusCode.InvalidArgument, "invalid_tenant_id")]
    [TestCase(BadCall.DisabledTenant, StatusCode.FailedPrecondition, "key_disabled")]
    [TestCase(BadCall.TenantCreatedTwice, StatusCode.AlreadyExists, "tenant_exists")]
    [TestCase(BadCall.TamperedRow, StatusCode.FailedPrecondition, "integrity_check_failed")]
    [TestCase(BadCall.AuditTrailUnavailable, StatusCode.Unavailable, null)]
    [TestCase(BadCall.UnknownWrappingName, StatusCode.InvalidArgument, "unknown_wrapping")]
    [TestCase(BadCall.MalformedImportKeyId, StatusCode.InvalidArgument, "invalid_import_key_id")]
    [TestCase(BadCall.UnknownSurrogateAction, StatusCode.InvalidArgument, "invalid_surrogate_actions")]
    [TestCase(BadCall.UnknownActionName, StatusCode.InvalidArgument, "invalid_actions")]
    public async Task A_bad_call_gets_its_status_code_with_a_fixed_message_writes_nothing_and_is_audited(BadCall bad, StatusCode expected, string? reason)
    {
        var tenantId = await NewTenantAsync();
        var value = _canary.Pan();
        var token = (await Vault.TokenizeAsync(Tokenize(tenantId, ("PAN", value)), TokenizerToken)).Tokens.Single();
        var chain = bad is BadCall.UnknownTenant or BadCall.InvalidTenantId ? SystemChain : tenantId;
        RpcException refusal;

        switch (bad)
        {
            case BadCall.UnknownEntityType:
                refusal = Refused(() => Vault.TokenizeAsync(Tokenize(tenantId, ("FAVOURITE_COLOUR", _canary.Text("colour"))), TokenizerToken).ResponseAsync);
                break;
            case BadCall.Cvv:
                refusal = Refused(() => Vault.TokenizeAsync(Tokenize(tenantId, ("PAN", _canary.Pan()), ("CVV", _canary.Text("cvv"))), TokenizerToken).ResponseAsync);
                break;
            case BadCall.EmptyValue:
                refusal = Refused(() => Vault.TokenizeAsync(Tokenize(tenantId, ("PERSON", _canary.Person()), ("PERSON", string.Empty)), TokenizerToken).ResponseAsync);
                break;
            case BadCall.OversizedBatch:
                var many = Enumerable.Range(0, 1001).Select(i => ("PERSON", $"{value} {i}")).ToArray();
                refusal = Refused(() => Vault.TokenizeAsync(Tokenize(tenantId, many), TokenizerToken).ResponseAsync);
                break;
            case BadCall.UnknownTenant:
                refusal = Refused(() => Vault.TokenizeAsync(Tokenize(NewTenantId(), ("PAN", value)), TokenizerToken).ResponseAsync);
                break;
            case BadCall.InvalidTenantId:
                refusal = Refused(() => Vault.TokenizeAsync(Tokenize(_canary.Text("TENANT"), ("PAN", value)), TokenizerToken).ResponseAsync);
                break;
            case BadCall.DisabledTenant:
                await Keys.DisableKeyAsync(new DisableKeyRequest { TenantId = tenantId, Reason = "INC-42 suspected exposure" }, AdminToken);
                refusal = Refused(() => Vault.DetokenizeAsync(Detokenize(tenantId, token), DetokenizerToken).ResponseAsync);
                break;
            case BadCall.TenantCreatedTwice:
                refusal = Refused(() => Keys.CreateTenantAsync(new CreateTenantRequest { TenantId = tenantId }, AdminToken).ResponseAsync);
                break;
            case BadCall.TamperedRow:
                var other = (await Vault.TokenizeAsync(Tokenize(tenantId, ("PAN", _canary.Pan())), TokenizerToken)).Tokens.Single();
                await Backend.CopyCiphertextAsync(tenantId, other[5..^1], tenantId, token[5..^1]);
                refusal = Refused(() => Vault.DetokenizeAsync(Detokenize(tenantId, other, token), DetokenizerToken).ResponseAsync);
                break;
            case BadCall.AuditTrailUnavailable:
                await using (await Backend.BreakAuditWritesAsync())
                {
                    refusal = Refused(() => Vault.DetokenizeAsync(Detokenize(tenantId, token), DetokenizerToken).ResponseAsync);
                }

                break;
            case BadCall.UnknownWrappingName:
                refusal = Refused(() => Keys.ImportKeyAsync(new ImportKeyRequest { TenantId = tenantId, ImportKeyId = new string('0', 32), Wrapping = _canary.Text("wrapping"), WrappedKey = ByteString.CopyFrom(RandomNumberGenerator.GetBytes(384)) }, AdminToken).ResponseAsync);
                break;
            case BadCall.MalformedImportKeyId:
                refusal = Refused(() => Keys.ImportKeyAsync(new ImportKeyRequest { TenantId = tenantId, ImportKeyId = _canary.Text("importkey"), Wrapping = "RSA_OAEP_SHA1", WrappedKey = ByteString.CopyFrom(RandomNumberGenerator.GetBytes(384)) }, AdminToken).ResponseAsync);
                break;
            case BadCall.UnknownSurrogateAction:
            case BadCall.UnknownActionName:
                var rehydration = Detokenize(tenantId, token);
                rehydration.Surrogates.Add("4000 0566 5566 5551");
                rehydration.Context = new RehydrationContext { Agent = "agent:jo", Purpose = "payment" };
                rehydration.Context.SurrogateActions.Add("PAN", bad == BadCall.UnknownSurrogateAction ? "show" : "reveal");
                rehydration.Context.Actions.Add(new ActionCount { EntityType = "PAN", Action = bad == BadCall.UnknownActionName ? "show" : "reveal", Count = 1 });
                refusal = Refused(() => Vault.DetokenizeAsync(rehydration, DetokenizerToken).ResponseAsync);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(bad));
        }

        Assert.That(refusal.StatusCode, Is.EqualTo(expected));
        Assert.That(refusal.Status.Detail, Is.Not.Empty.And.Not.Contain("Exception"));
        Assert.That(await Backend.TokenRowsAsync(tenantId), Is.EqualTo(bad == BadCall.TamperedRow ? 2 : 1), "nothing written");
        var last = await LastRecordAsync(chain);
        Assert.That(last.Outcome, Is.EqualTo(reason is null ? "ok" : "refused:" + reason), "the refusal is audited; an unwritable trail records nothing");
    }

    [Test]
    public async Task Security_admins_manage_the_key_lifecycle_over_grpc()
    {
        var tenantId = NewTenantId();

        var created = (await Keys.CreateTenantAsync(new CreateTenantRequest { TenantId = tenantId }, AdminToken)).Tenant;
        var kekRotated = (await Keys.RotateKekAsync(new RotateKekRequest { TenantId = tenantId }, AdminToken)).Tenant;
        var value = _canary.Person();
        var token = (await Vault.TokenizeAsync(Tokenize(tenantId, ("PERSON", value)), TokenizerToken)).Tokens.Single();
        var dekRotated = (await Keys.RotateDekAsync(new RotateDekRequest { TenantId = tenantId }, AdminToken)).Tenant;
        var disabled = (await Keys.DisableKeyAsync(new DisableKeyRequest { TenantId = tenantId, Reason = "INC-42 suspected exposure" }, AdminToken)).Tenant;
        var enabled = (await Keys.EnableKeyAsync(new EnableKeyRequest { TenantId = tenantId }, AdminToken)).Tenant;
        var listed = (await Keys.ListKeysAsync(new ListKeysRequest(), AdminToken)).Tenants;

        Assert.That((created.TenantId, created.State, created.KekVersion, created.DekVersion, created.FingerprintKeyVersion), Is.EqualTo((tenantId, "active", 1, 1, 1)));
        Assert.That(created.KekProvider, Is.EqualTo(Backend.Name == "postgres" ? "pkcs11" : "local-development-only"));
        Assert.That(kekRotated.KekVersion, Is.EqualTo(2));
        Assert.That((dekRotated.DekVersion, dekRotated.Rows, dekRotated.RowsBelowCurrentDek), Is.EqualTo((2, 1L, 1L)));
        Assert.That((disabled.State, enabled.State), Is.EqualTo(("disabled", "active")));
        Assert.That(await Backend.ScalarAsync<long>("SELECT count(*) FROM audit_events WHERE tenant_id = @TenantId AND action = 'kek.disable' AND detail LIKE @Reason", new { TenantId = tenantId, Reason = "%\"reason\":\"INC-42 suspected exposure\"%" }), Is.EqualTo(2), "DisableKeyRequest.reason is in the intent and the outcome");
        Assert.That(listed.Single(t => t.TenantId == tenantId).KekVersion, Is.EqualTo(2));
        Canaries.AssertSameValue((await Vault.DetokenizeAsync(Detokenize(tenantId, token), DetokenizerToken)).Results.Single().Value, value);

        var bob = _identities.For("admin:bob", VaultRoles.KeyAdmin);
        var first = await Keys.ApproveDestroyAsync(new ApproveDestroyRequest { TenantId = tenantId, RequestId = "erase-1" }, AdminToken);
        Assert.That(Refused(() => Keys.DestroyKeyAsync(new DestroyKeyRequest { TenantId = tenantId, RequestId = "erase-1" }, AdminToken).ResponseAsync).StatusCode, Is.EqualTo(StatusCode.FailedPrecondition));
        var second = await Keys.ApproveDestroyAsync(new ApproveDestroyRequest { TenantId = tenantId, RequestId = "erase-1" }, bob);
        var destroyed = (await Keys.DestroyKeyAsync(new DestroyKeyRequest { TenantId = tenantId, RequestId = "erase-1" }, bob)).Tenant;

        Assert.That((first.Approvals, first.Required, second.Approvals), Is.EqualTo((1, 2, 2)));
        Assert.That((destroyed.State, destroyed.Rows), Is.EqualTo(("destroyed", 0L)));
        Assert.That(Refused(() => Vault.DetokenizeAsync(Detokenize(tenantId, token), DetokenizerToken).ResponseAsync).StatusCode, Is.EqualTo(StatusCode.FailedPrecondition));
    }

    [Test]
    public async Task Byok_over_grpc_imports_with_a_wrapping_the_vault_lists_under_its_cloud_name()
    {
        var tenantId = NewTenantId();

        var importKey = await Keys.GetImportKeyAsync(new GetImportKeyRequest { TenantId = tenantId }, AdminToken);

        Assert.That(importKey.Wrappings, Is.Not.Empty.And.All.Matches(new Regex(@"^RSA_(OAEP|AES_KEY_WRAP)_SHA(1|256)\z", RegexOptions.CultureInvariant)));
        Assert.That(importKey.ImportKeyId, Does.Match("^[0-9a-f]{32}$"));
        Assert.That(importKey.ExpiresAt.ToDateTimeOffset(), Is.GreaterThan(DateTimeOffset.UtcNow.AddHours(23)));
        Assert.That(WrappingNames.TryParse(importKey.Wrappings[0], out var wrapping), Is.True);
        var publicKey = new ImportPublicKey(new ImportKeyId(importKey.ImportKeyId), tenantId, PemToDer(importKey.PublicKeyPem), importKey.ExpiresAt.ToDateTimeOffset(), [wrapping]);
        var wrapped = Customer.WrapForImport(publicKey, Customer.KnownKek(), wrapping);

        var imported = (await Keys.ImportKeyAsync(new ImportKeyRequest { TenantId = tenantId, ImportKeyId = importKey.ImportKeyId, Wrapping = importKey.Wrappings[0], WrappedKey = ByteString.CopyFrom(wrapped) }, AdminToken)).Tenant;

        Assert.That((imported.TenantId, imported.State, imported.KekVersion), Is.EqualTo((tenantId, "active", 1)));
        var value = _canary.Pan();
        var token = (await Vault.TokenizeAsync(Tokenize(tenantId, ("PAN", value)), TokenizerToken)).Tokens.Single();
        Canaries.AssertSameValue((await Vault.DetokenizeAsync(Detokenize(tenantId, token), DetokenizerToken)).Results.Single().Value, value);
    }

    [Test]
    public async Task Auditors_verify_and_export_the_chain_and_see_an_edited_record_pinpointed()
    {
        var tenantId = await NewTenantAsync();
        var token = (await Vault.TokenizeAsync(Tokenize(tenantId, ("PAN", _canary.Pan()), ("EMAIL", _canary.Email())), TokenizerToken)).Tokens[0];
        await Vault.DetokenizeAsync(Detokenize(tenantId, token), DetokenizerToken);

        var verified = await Audit.VerifyChainAsync(new VerifyChainRequest { TenantId = tenantId }, AuditorToken);
        var exported = await ExportAsync(tenantId);

        Assert.That((verified.Intact, verified.Records, verified.FirstBadSeq, verified.Problem), Is.EqualTo((true, 4L, 0L, string.Empty)));
        Assert.That(verified.OutcomeUnknownSeqs, Is.Empty);
        Assert.That(exported.Select(r => (r.Seq, r.Action, r.Outcome)), Is.EqualTo(new[]
        {
            (1L, "tenant.create", "started"),
            (2L, "tenant.create", "ok"),
            (3L, "tokenize", "ok"),
            (4L, "detokenize", "ok"),
            (5L, "audit.verify", "ok"),
            (6L, "audit.export", "ok"),
        }));
        Assert.That(exported[1].DetailJson, Does.Contain("\"intent_seq\":1,"), "the outcome names its intent");
        Assert.That(exported.Skip(1).Select(r => r.PrevHash), Is.EqualTo(exported.SkipLast(1).Select(r => r.Hash)), "each record names the previous one's hash");
        Assert.That(exported.Select(r => r.TenantId), Has.All.EqualTo(tenantId));

        await Backend.WithoutAppendOnlyGuardAsync(() => Backend.ExecuteAsync(
            "UPDATE audit_events SET outcome = 'refused:permission_denied' WHERE tenant_id = @TenantId AND seq = 4", new { TenantId = tenantId }));
        var broken = await Audit.VerifyChainAsync(new VerifyChainRequest { TenantId = tenantId }, AuditorToken);

        Assert.That((broken.Intact, broken.Records, broken.FirstBadSeq, broken.Problem), Is.EqualTo((false, 3L, 4L, "edited")));
    }

    [Test]
    public async Task Security_admins_rotate_the_audit_signing_key_and_auditors_get_every_version_over_grpc()
    {
        var tenantId = await NewTenantAsync();
        var before = await Audit.GetAuditPublicKeyAsync(new GetAuditPublicKeyRequest(), AuditorToken);
        var old = (await Audit.WriteCheckpointAsync(new WriteCheckpointRequest { TenantId = tenantId }, AuditorToken)).Checkpoint;

        var refused = Refused(() => Keys.RotateAuditSigningKeyAsync(new RotateAuditSigningKeyRequest(), AuditorToken).ResponseAsync);
        var rotated = (await Keys.RotateAuditSigningKeyAsync(new RotateAuditSigningKeyRequest(), AdminToken)).Key;
        var fresh = (await Audit.WriteCheckpointAsync(new WriteCheckpointRequest { TenantId = tenantId }, AuditorToken)).Checkpoint;
        var after = await Audit.GetAuditPublicKeyAsync(new GetAuditPublicKeyRequest(), AuditorToken);
        var one = await Audit.GetAuditPublicKeyAsync(new GetAuditPublicKeyRequest { Version = old.KeyVersion }, AuditorToken);
        var unknown = Refused(() => Audit.GetAuditPublicKeyAsync(new GetAuditPublicKeyRequest { Version = rotated.Version + 1 }, AuditorToken).ResponseAsync);
        var verified = await Audit.VerifyChainAsync(new VerifyChainRequest { TenantId = tenantId }, AuditorToken);

        Assert.That(refused.StatusCode, Is.EqualTo(StatusCode.PermissionDenied));
        Assert.That(unknown.StatusCode, Is.EqualTo(StatusCode.InvalidArgument));
        Assert.That((old.KeyVersion, old.KeyId), Is.EqualTo((before.Keys[^1].Version, before.KeyId)));
        Assert.That((fresh.KeyVersion, fresh.KeyId, rotated.Version), Is.EqualTo((rotated.Version, rotated.KeyId, old.KeyVersion + 1)));
        Assert.That(after.Keys, Is.EqualTo(before.Keys.Append(rotated)));
        Assert.That((after.KeyId, after.PublicKeyPem), Is.EqualTo((rotated.KeyId, rotated.PublicKeyPem)), "the newest first-class");
        Assert.That(one.Keys.Select(k => k.KeyId), Is.EqualTo(new[] { old.KeyId }));
        Assert.That((verified.Intact, verified.CheckpointsVerified, verified.InvalidCheckpointSeqs.Count, verified.UnknownKeyCheckpointSeqs.Count), Is.EqualTo((true, 2, 0, 0)));
    }

    /// <summary>A tenant created over gRPC by the key admin.</summary>
    private async Task<string> NewTenantAsync()
    {
        var tenantId = NewTenantId();
        await Keys.CreateTenantAsync(new CreateTenantRequest { TenantId = tenantId }, AdminToken);
        return tenantId;
    }

    private static string NewTenantId() => "rpc-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));

    private static TokenizeRequest Tokenize(string tenantId, params (string Type, string Value)[] items)
    {
        var request = new TokenizeRequest { TenantId = tenantId };
        request.Items.Add(items.Select(i => new TokenizeItem { EntityType = i.Type, Value = i.Value }));
        return request;
    }

    private static DetokenizeRequest Detokenize(string tenantId, params string[] tokens)
    {
        var request = new DetokenizeRequest { TenantId = tenantId };
        request.Tokens.Add(tokens);
        return request;
    }

    private async Task<List<Contracts.Vault.V1.AuditRecord>> ExportAsync(string tenantId)
    {
        using var call = Audit.ExportAudit(new ExportAuditRequest { TenantId = tenantId }, AuditorToken);
        var records = new List<Contracts.Vault.V1.AuditRecord>();
        await foreach (var record in call.ResponseStream.ReadAllAsync())
        {
            Assert.That(_canary.FoundIn(record.ToString()), Is.Empty);
            records.Add(record);
        }

        return records;
    }

    /// <summary>Calls one RPC for the tenant with minimal arguments.</summary>
    private async Task CallAsync(Rpc rpc, string tenantId, Metadata headers)
    {
        switch (rpc)
        {
            case Rpc.Tokenize:
                await Vault.TokenizeAsync(Tokenize(tenantId, ("PERSON", _canary.Person())), headers);
                break;
            case Rpc.Detokenize:
                await Vault.DetokenizeAsync(Detokenize(tenantId, "[PAN_0000000000]"), headers);
                break;
            case Rpc.EraseSubject:
                await Vault.EraseSubjectAsync(new EraseSubjectRequest { TenantId = tenantId, SubjectRef = _canary.Subject() }, headers);
                break;
            case Rpc.CreateTenant:
                await Keys.CreateTenantAsync(new CreateTenantRequest { TenantId = tenantId }, headers);
                break;
            case Rpc.GetImportKey:
                await Keys.GetImportKeyAsync(new GetImportKeyRequest { TenantId = tenantId }, headers);
                break;
            case Rpc.ImportKey:
                await Keys.ImportKeyAsync(new ImportKeyRequest { TenantId = tenantId, ImportKeyId = new string('0', 32), Wrapping = "RSA_OAEP_SHA1", WrappedKey = ByteString.CopyFrom(new byte[384]) }, headers);
                break;
            case Rpc.RotateKek:
                await Keys.RotateKekAsync(new RotateKekRequest { TenantId = tenantId }, headers);
                break;
            case Rpc.RotateDek:
                await Keys.RotateDekAsync(new RotateDekRequest { TenantId = tenantId }, headers);
                break;
            case Rpc.DisableKey:
                await Keys.DisableKeyAsync(new DisableKeyRequest { TenantId = tenantId }, headers);
                break;
            case Rpc.EnableKey:
                await Keys.EnableKeyAsync(new EnableKeyRequest { TenantId = tenantId }, headers);
                break;
            case Rpc.ApproveDestroy:
                await Keys.ApproveDestroyAsync(new ApproveDestroyRequest { TenantId = tenantId, RequestId = "request-1" }, headers);
                break;
            case Rpc.DestroyKey:
                await Keys.DestroyKeyAsync(new DestroyKeyRequest { TenantId = tenantId, RequestId = "request-1" }, headers);
                break;
            case Rpc.ListKeys:
                await Keys.ListKeysAsync(new ListKeysRequest { TenantId = tenantId }, headers);
                break;
            case Rpc.VerifyChain:
                await Audit.VerifyChainAsync(new VerifyChainRequest { TenantId = tenantId }, headers);
                break;
            case Rpc.ExportAudit:
                using (var call = Audit.ExportAudit(new ExportAuditRequest { TenantId = tenantId }, headers))
                {
                    await call.ResponseStream.ReadAllAsync().ToListAsync();
                }

                break;
        }
    }

    private static string ActionOf(Rpc rpc) => rpc switch
    {
        Rpc.Tokenize => "tokenize",
        Rpc.Detokenize => "detokenize",
        Rpc.RotateKek => "kek.rotate",
        Rpc.DisableKey => "kek.disable",
        Rpc.ListKeys => "keys.list",
        Rpc.VerifyChain => "audit.verify",
        Rpc.ExportAudit => "audit.export",
        _ => throw new ArgumentOutOfRangeException(nameof(rpc)),
    };

    /// <summary>Runs a call that must fail with a status; checks that neither the detail nor the trailers hold a canary.</summary>
    private RpcException Refused(Func<Task> call)
    {
        var refusal = Assert.ThrowsAsync<RpcException>(() => call());
        Assert.That(refusal, Is.Not.Null);
        Assert.That(_canary.FoundIn(refusal!.Status.Detail + string.Join(';', refusal.Trailers.Select(t => t.Key + "=" + t.Value))), Is.Empty, "status details");
        Assert.That(refusal.Status.DebugException, Is.Null, "no server exception travels to the client");
        return refusal;
    }

    private async Task<(string Actor, string Action, string Outcome)> LastRecordAsync(string chain) =>
        (await Backend.QueryAsync<(string, string, string)>(
            "SELECT actor, action, outcome FROM audit_events WHERE tenant_id = @Chain ORDER BY seq DESC LIMIT 1", new { Chain = chain })).Single();

    private Task<long> ChainLengthAsync(string tenantId) =>
        Backend.ScalarAsync<long>("SELECT count(*) FROM audit_events WHERE tenant_id = @TenantId", new { TenantId = tenantId });

    /// <summary>State, key versions and rows of the tenant, read around the service.</summary>
    private Task<IReadOnlyList<(string State, int KekVersion, long DataKeys, long Rows)>> InventoryAsync(string tenantId) =>
        Backend.QueryAsync<(string, int, long, long)>(
            """
            SELECT state, kek_version,
                   (SELECT count(*) FROM data_keys d WHERE d.tenant_id = t.tenant_id),
                   (SELECT count(*) FROM tokens k WHERE k.tenant_id = t.tenant_id)
            FROM tenants t WHERE tenant_id = @TenantId
            """, new { TenantId = tenantId });

    private static byte[] PemToDer(string pem)
    {
        using var rsa = RSA.Create();
        rsa.ImportFromPem(pem);
        return rsa.ExportSubjectPublicKeyInfo();
    }
}

/// <summary>The gRPC services over the embedded default's SQLite file and local key provider.</summary>
[TestFixture]
public sealed class SqliteVaultGrpcTests : VaultGrpcTests
{
    private protected override VaultBackend CreateBackend() => new SqliteBackend();
}

/// <summary>The gRPC services over PostgreSQL and the SoftHSM2 token.</summary>
[TestFixture]
public sealed class PostgresVaultGrpcTests : VaultGrpcTests
{
    private protected override VaultBackend CreateBackend() => new PostgresBackend("rpc");
}

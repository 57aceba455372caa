using Dapper;
using Microsoft.Data.Sqlite;
using Npgsql;
using NUnit.Framework;
using PrivateInference.TokenVault.IntegrationTests.Service;
using PrivateInference.TokenVault.IntegrationTests.Storage;
using PrivateInference.TokenVault.Keys;

namespace PrivateInference.TokenVault.IntegrationTests.Cli;

/// <summary><c>pi tokenize</c>, <c>detokenize</c>, <c>keys</c>, <c>audit verify</c> and <c>vault migrate</c> as an operator
/// runs them: the built command line as a process, on the embedded default (a PI_HOME of the test's own) and on
/// PostgreSQL with the SoftHSM2 token.</summary>
[TestFixture]
public sealed class PiVaultCommandTests
{
    private const int NoPermission = 77;
    private const int Refused = 69;

    private PiCommand _pi = null!;
    private string _home = null!;
    private Canaries _canary = new();

    private Dictionary<string, string?> Embedded => new() { ["PI_HOME"] = _home };

    private string VaultFile => Path.Combine(_home, "vault.db");

    [OneTimeSetUp]
    public async Task Build_the_command_line() => _pi = await PiCommand.BuildAsync();

    [OneTimeTearDown]
    public void Remove_the_command_line() => _pi?.Dispose();

    [SetUp]
    public void New_home()
    {
        _home = Directory.CreateTempSubdirectory("pi-home-").FullName;
        _canary = new Canaries();
    }

    [TearDown]
    public void Remove_the_home()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_home, recursive: true);
    }

    [Test]
    public async Task Tokenize_and_detokenize_round_trip_on_the_embedded_default_and_leave_no_value_in_the_file()
    {
        var pan = _canary.Pan();
        var name = _canary.Person();

        var names = await _pi.RunAsync(Embedded, [name, name.ToUpperInvariant()], "tokenize", "--tenant", "acme", "--type", "PERSON");
        var pans = await _pi.RunAsync(Embedded, [pan, pan.Replace(' ', '-')], "tokenize", "--tenant", "acme", "--type", "PAN");

        Assert.That(names.ExitCode, Is.Zero, names.ToString());
        Assert.That(names.Error, Does.Contain("LOCAL DEVELOPMENT").And.Contain("created tenant acme"));
        Assert.That(pans.Lines, Has.Length.EqualTo(2));
        Assert.That(pans.Lines[0], Does.Match(@"^\[PAN_[0-9A-HJKMNP-TV-Z]{10}\]$"));
        Assert.That(pans.Lines[1], Does.Match(@"^\[PAN_[0-9A-HJKMNP-TV-Z]{10}-[0-9A-HJKMNP-TV-Z]{2}\]$").And.StartWith(pans.Lines[0][..^1] + "-"), "one card number, two spellings, one ID");
        Assert.That(names.Lines, Has.Length.EqualTo(2).And.All.StartWith("[PERSON_"));
        Assert.That(names.Lines[1], Does.StartWith(names.Lines[0][..^1] + "-"), "one name, two spellings, one ID");

        var detokenized = await _pi.RunAsync(Embedded, [pans.Lines[0], "[PAN_0000000000]", names.Lines[1]], "detokenize", "--tenant", "acme");

        Assert.That(detokenized.ExitCode, Is.Zero, detokenized.ToString());
        Assert.That(detokenized.Lines, Is.EqualTo(new[] { pan, "[PAN_0000000000]", name.ToUpperInvariant() }), "each spelling as it was written");
        Assert.That(detokenized.Error, Does.Contain("1 token(s) not known"));
        Assert.That(_canary.FoundIn(names.Error + pans.Error + detokenized.Error), Is.Empty, "stderr");
        Assert.That(_canary.FoundIn(await ReadAllAsync(_home)), Is.Empty, "the embedded vault's files");
    }

    [Test]
    public async Task Redact_replaces_values_with_tokens_destroys_the_cvv_and_the_tokens_detokenize_to_the_values()
    {
        var pan = _canary.Pan();
        var email = _canary.Email();
        string[] note =
        [
            $"Caller paid with card {pan}, CVV 123, and asked for a receipt at {email}.",
            "Order #100045672 shipped.",
        ];

        var redacted = await _pi.RunAsync(Embedded, note, "redact", "-");

        Assert.That(redacted.ExitCode, Is.Zero, redacted.ToString());
        Assert.That(System.Text.RegularExpressions.Regex.IsMatch(redacted.Lines[0], @"^Caller paid with card \[PAN_[0-9A-HJKMNP-TV-Z]{10}\], CVV \[CVV_REDACTED\], and asked for a receipt at \[EMAIL_[0-9A-HJKMNP-TV-Z]{10}\]\.$"), Is.True, "the card and the e-mail are tokenized, the CVV masked, the rest as written");
        Assert.That(redacted.Lines[1], Is.EqualTo("Order #100045672 shipped."), "text without values is left as it is");
        Assert.That(_canary.FoundIn(redacted.Out + redacted.Error), Is.Empty);

        var tokens = System.Text.RegularExpressions.Regex.Matches(redacted.Lines[0], @"\[(PAN|EMAIL)_[0-9A-Z]{10}\]").Select(m => m.Value).ToArray();
        var values = await _pi.RunAsync(Embedded, tokens, "detokenize", "--tenant", "default");

        Canaries.AssertSameValues(values.Lines, [pan, email], "pi detokenize gives back the card and the e-mail");
        Assert.That(_canary.FoundIn(await ReadAllAsync(_home)), Is.Empty, "the embedded vault's files");
    }

    [Test]
    public async Task Redact_with_surrogates_writes_realistic_stand_ins_for_card_name_and_ssn_and_no_value()
    {
        var pan = _canary.Pan();
        var note = $"Patient: Maria Gonzalez, SSN 512-48-7306.\nCard {pan} on file, CVV 123.\n";

        var redacted = await _pi.RunAsync(Embedded, [note], "redact", "--surrogates", "-");
        var again = await _pi.RunAsync(Embedded, [note], "redact", "--surrogates", "-");
        var tokens = await _pi.RunAsync(Embedded, [note], "redact", "-");

        Assert.That(new[] { redacted, again, tokens }.Select(r => r.ExitCode), Has.All.Zero, redacted.Error);
        // Booleans, not Does.Contain: a failing assertion must not print the text with the values in it.
        Assert.That(new[] { pan, pan.Replace(" ", string.Empty, StringComparison.Ordinal), "512-48-7306", "Gonzalez", "Maria" }.Any(redacted.Out.Contains), Is.False, "a value in the sanitized text");
        Assert.That(_canary.FoundIn(redacted.Out + redacted.Error), Is.Empty);
        Assert.That(new[] { "[PAN_", "[PERSON_", "[SSN_" }.Any(redacted.Out.Contains), Is.False, "surrogates, not bracketed tokens");
        Assert.That(redacted.Out.Contains("[CVV_REDACTED]", StringComparison.Ordinal), Is.True, "the CVV is still destroyed");
        Assert.That(redacted.Out.Contains(pan[^4..] + " on file", StringComparison.Ordinal), Is.True, "the card surrogate keeps the last four");
        Assert.That(again.Out == redacted.Out, Is.True, "the same note gets the same surrogates");
        Assert.That(new[] { "[PAN_", "[PERSON_", "[SSN_" }.All(tokens.Out.Contains), Is.True, "without --surrogates the output is tokens, as before");
    }

    [Test]
    public async Task Redact_with_surrogates_then_rehydrate_gives_back_the_original_text_to_privacy_officer()
    {
        var pan = _canary.Pan();
        var email = _canary.Email();
        var note = $"Patient: Maria Gonzalez, MRN 4827361, SSN 512-48-7306.\nCard {pan.Replace(' ', '-')} on file; refund to {pan}.\nContact {email}.\n";

        var work = Directory.CreateTempSubdirectory("pi-note-").FullName;
        var noteFile = Path.Combine(work, "note.txt");
        var safeFile = Path.Combine(_home, "safe.txt");
        await File.WriteAllTextAsync(noteFile, note);

        // Files, not standard input: the runner ends standard input with a newline of its own.
        var redacted = await _pi.RunAsync(Embedded, null, "redact", "--surrogates", noteFile);
        await File.WriteAllTextAsync(safeFile, redacted.Out);
        var officer = await _pi.RunAsync(Embedded, null, "rehydrate", "--role", "privacy-officer", "--purpose", "operations", safeFile);
        var payments = await _pi.RunAsync(Embedded, null, "rehydrate", "--role", "payments-agent", "--purpose", "payment", safeFile);
        Directory.Delete(work, recursive: true);

        Assert.That(new[] { redacted, officer, payments }.Select(r => r.ExitCode), Has.All.Zero, string.Join('\n', new[] { redacted, officer, payments }.Select(r => r.Error)));
        // Booleans, not Does.Contain: a failing assertion must not print the text with the values in it.
        Assert.That(new[] { pan, pan.Replace(' ', '-'), "512-48-7306", "Gonzalez" }.Any(redacted.Out.Contains), Is.False, "a value in the sanitized text");
        Assert.That(new[] { "[PAN_", "[PERSON_", "[SSN_" }.Any(redacted.Out.Contains), Is.False, "surrogates, not bracketed tokens");
        Assert.That(officer.Out == note, Is.True, "privacy-officer gets the note back exactly from its surrogates");
        Assert.That(new[] { pan, pan.Replace(' ', '-') }.Any(payments.Out.Contains), Is.False, "the payments agent does not see the full card");
        Assert.That(_canary.FoundIn(redacted.Error + officer.Error + payments.Error), Is.Empty);
    }

    [Test]
    public async Task Redact_then_rehydrate_gives_back_the_original_text_to_a_role_that_may_see_everything_and_less_to_others()
    {
        var pan = _canary.Pan();
        var email = _canary.Email();
        var note = $"Patient: Maria Gonzalez, MRN 4827361, SSN 512-48-7306.\nCard {pan.Replace(' ', '-')} on file; refund to {pan}.\nContact {email}.\n";
        var work = Directory.CreateTempSubdirectory("pi-note-").FullName;
        var noteFile = Path.Combine(work, "note.txt");
        var safeFile = Path.Combine(_home, "safe.txt");
        await File.WriteAllTextAsync(noteFile, note);

        var redacted = await _pi.RunAsync(Embedded, null, "redact", noteFile);
        await File.WriteAllTextAsync(safeFile, redacted.Out);
        var officer = await _pi.RunAsync(Embedded, null, "rehydrate", "--role", "privacy-officer", "--purpose", "operations", safeFile);
        var clinician = await _pi.RunAsync(Embedded, null, "rehydrate", "--role", "clinician", "--purpose", "treatment", safeFile);
        var payments = await _pi.RunAsync(Embedded, null, "rehydrate", "--role", "payments-agent", "--purpose", "payment", safeFile);

        Assert.That(new[] { redacted, officer, clinician, payments }.Select(r => r.ExitCode), Has.All.Zero, string.Join('\n', new[] { redacted, officer, clinician, payments }.Select(r => r.Error)));
        Assert.That(_canary.FoundIn(redacted.Out), Is.Empty, "the sanitized text");
        // Booleans, not Does.Contain: a failing assertion must not print the text with the values in it.
        Assert.That(new[] { pan.Replace(' ', '-'), "512-48-7306", "Gonzalez" }.Any(redacted.Out.Contains), Is.False, "a value in the sanitized text");
        var cards = System.Text.RegularExpressions.Regex.Matches(redacted.Out, @"\[PAN_([0-9A-HJKMNP-TV-Z]{10})(-[0-9A-HJKMNP-TV-Z]{2})?\]");
        Assert.That(cards.Select(m => m.Groups[1].Value).Distinct().Count(), Is.EqualTo(1), "one card, one ID in both spellings");
        Assert.That(officer.Out == note, Is.True, "every value back exactly as it was written");
        Assert.That(officer.Error, Does.Contain("0 withheld, 0 unresolved"));
        Assert.That(new[] { "Maria Gonzalez", cards[0].Value, cards[1].Value }.All(clinician.Out.Contains), Is.True, "names revealed, cards left as tokens");
        Assert.That(new[] { pan, pan.Replace(' ', '-'), "512-48-7306" }.Any(clinician.Out.Contains), Is.False, "PAN and SSN are withheld from a clinician");
        Assert.That(payments.Out.Contains("-" + pan[^4..] + " on file") && payments.Out.Contains(" " + pan[^4..] + ".\n"), Is.True, "the card masked to its last four, in each layout");
        Assert.That(new[] { pan, pan.Replace(' ', '-'), "512-48-7306" }.Any(payments.Out.Contains), Is.False, "no full card number or SSN for a payments agent");
        Assert.That(_canary.FoundIn(redacted.Error + officer.Error + clinician.Error + payments.Error), Is.Empty, "stderr");
        Assert.That(_canary.FoundIn(await ReadAllAsync(_home)), Is.Empty, "the embedded vault's files");
        Directory.Delete(work, recursive: true);
    }

    [Test]
    public async Task Rehydrate_refuses_a_forged_token_a_role_the_token_lacks_and_an_unknown_purpose_and_reveals_nothing()
    {
        var pan = _canary.Pan();
        var redacted = await _pi.RunAsync(Embedded, [$"Card {pan}."], "redact", "-");
        var devToken = (await _pi.RunAsync(Embedded, null, "dev-token", "--role", "clinician")).Out.Trim();
        var parts = devToken.Split('.');
        var forged = parts[0] + "." + parts[1] + "." + new string('A', parts[2].Length);

        var withForged = await _pi.RunAsync(Embedded, [redacted.Out], "rehydrate", "--purpose", "operations", "--token", forged, "-");
        var wrongRole = await _pi.RunAsync(Embedded, [redacted.Out], "rehydrate", "--role", "privacy-officer", "--purpose", "operations", "--token", devToken, "-");
        var unknownPurpose = await _pi.RunAsync(Embedded, [redacted.Out], "rehydrate", "--role", "privacy-officer", "--purpose", "curiosity", "-");
        var audit = await _pi.RunAsync(Embedded, null, "audit", "export", "--tenant", "default");

        Assert.That((withForged.ExitCode, withForged.Out), Is.EqualTo((NoPermission, string.Empty)), withForged.ToString());
        Assert.That((wrongRole.ExitCode, wrongRole.Out), Is.EqualTo((NoPermission, string.Empty)), wrongRole.ToString());
        Assert.That(unknownPurpose.ExitCode, Is.Not.Zero, unknownPurpose.ToString());
        Assert.That(unknownPurpose.Out, Is.Empty);
        Assert.That(_canary.FoundIn(withForged.Error + wrongRole.Error + unknownPurpose.Error + audit.Out), Is.Empty);
        Assert.That(audit.Out, Does.Contain("\"action\":\"rehydrate\"").And.Contain("refused:"), "refusals are on the tenant's audit chain");
    }

    [Test]
    public async Task The_keys_commands_create_rotate_disable_enable_and_list_on_the_embedded_default()
    {
        var create = await _pi.RunAsync(Embedded, null, "keys", "create", "--tenant", "globex");
        var rotate = await _pi.RunAsync(Embedded, null, "keys", "rotate", "--tenant", "globex");
        var rotateDek = await _pi.RunAsync(Embedded, null, "keys", "rotate-dek", "--tenant", "globex");
        var disable = await _pi.RunAsync(Embedded, null, "keys", "disable", "--tenant", "globex", "--reason", "INC-7 lost laptop");
        var refused = await _pi.RunAsync(Embedded, [_canary.Pan()], "tokenize", "--tenant", "globex", "--type", "PAN");
        var enable = await _pi.RunAsync(Embedded, null, "keys", "enable", "--tenant", "globex");
        var served = await _pi.RunAsync(Embedded, [_canary.Pan()], "tokenize", "--tenant", "globex", "--type", "PAN");
        var list = await _pi.RunAsync(Embedded, null, "keys", "list");
        var again = await _pi.RunAsync(Embedded, null, "keys", "create", "--tenant", "globex");

        Assert.That(new[] { create, rotate, rotateDek, disable, enable, served, list }.Select(r => r.ExitCode), Has.All.Zero, string.Join('\n', create, rotate, rotateDek, disable, enable, served, list));
        Assert.That(create.Out, Does.StartWith("globex  state=active  kek=globex v1 (local-development-only)  dek=v1"));
        Assert.That(rotate.Out, Does.Contain("kek=globex v2"));
        Assert.That(rotateDek.Out, Does.Contain("dek=v2"));
        Assert.That(disable.Out, Does.Contain("state=disabled"));
        Assert.That((refused.ExitCode, refused.Out), Is.EqualTo((Refused, string.Empty)));
        Assert.That(refused.Error, Does.Contain("The tenant's key is disabled."));
        Assert.That(enable.Out, Does.Contain("state=active"));
        Assert.That(list.Lines, Is.EqualTo(new[] { "globex  state=active  kek=globex v2 (local-development-only)  dek=v2  fingerprint-key=v1  rows=1  rows-below-current-dek=0" }));
        Assert.That(again.ExitCode, Is.EqualTo(Refused));
        Assert.That(again.Error, Does.Contain("pi keys create: The tenant exists already."));
        Assert.That(_canary.FoundIn(refused.Error + served.Error), Is.Empty);
    }

    [Test]
    public async Task Keys_list_shows_kek_versions_a_failed_attempt_left_with_their_state()
    {
        var create = await _pi.RunAsync(Embedded, null, "keys", "create", "--tenant", "stark");

        // What a rotation that failed after generating its version leaves (simulated: made directly in the key directory).
        using (var provider = new LocalKekProvider(Path.Combine(_home, "keys")))
        {
            provider.Create(new KekId("stark", 2));
            provider.Create(new KekId("wayne", 1));
            provider.Create(new KekId("stark", 3));
            provider.Disable(new KekId("stark", 3));
        }

        var list = await _pi.RunAsync(Embedded, null, "keys", "list");
        var one = await _pi.RunAsync(Embedded, null, "keys", "list", "--tenant", "stark");

        Assert.That(new[] { create, list, one }.Select(r => r.ExitCode), Has.All.Zero, string.Join('\n', create, list, one));
        const string Stark = "stark  state=active  kek=stark v1 (local-development-only)  dek=v1  fingerprint-key=v1  rows=0  rows-below-current-dek=0  unused-kek=[v2 enabled generated, v3 disabled generated]";
        Assert.That(list.Lines, Is.EqualTo(new[] { Stark }), "a KEK without tenant or audit chain is no failed creation of this vault");
        Assert.That(one.Lines, Is.EqualTo(new[] { Stark }));
    }

    [Test]
    public async Task Audit_checkpoint_signs_the_head_public_key_verifies_it_and_verify_reports_a_forged_checkpoint()
    {
        var tokenize = await _pi.RunAsync(Embedded, [_canary.Person()], "tokenize", "--tenant", "oscorp", "--type", "PERSON");
        var checkpoint = await _pi.RunAsync(Embedded, null, "audit", "checkpoint", "--tenant", "oscorp");
        var publicKey = await _pi.RunAsync(Embedded, null, "audit", "public-key");
        var listed = await _pi.RunAsync(Embedded, null, "audit", "checkpoints", "--tenant", "oscorp");
        var verify = await _pi.RunAsync(Embedded, null, "audit", "verify", "--tenant", "oscorp");

        Assert.That(new[] { tokenize, checkpoint, publicKey, listed, verify }.Select(r => r.ExitCode), Has.All.Zero, string.Join('\n', checkpoint, publicKey, listed, verify));
        Assert.That(listed.Lines, Is.EqualTo(checkpoint.Lines), "stored as printed");
        var json = System.Text.Json.JsonDocument.Parse(checkpoint.Lines.Single()).RootElement;
        var signed = new Audit.SignedAuditCheckpoint(
            json.GetProperty("tenant_id").GetString()!, json.GetProperty("seq").GetInt64(), Convert.FromHexString(json.GetProperty("head_hash").GetString()!),
            DateTimeOffset.Parse(json.GetProperty("at").GetString()!, System.Globalization.CultureInfo.InvariantCulture), json.GetProperty("key_id").GetString()!,
            Convert.FromBase64String(json.GetProperty("signature").GetString()!));
        using (var key = System.Security.Cryptography.ECDsa.Create())
        {
            key.ImportFromPem(publicKey.Out);
            Assert.That(Audit.AuditCheckpointSignature.Verify(signed, key.ExportSubjectPublicKeyInfo()), Is.True, "offline, with the printed PEM");
        }

        Assert.That(verify.Lines, Does.Contain("oscorp: 1 signed checkpoint(s) verified against the chain"));
        Assert.That(publicKey.Error, Does.Contain("key id: " + signed.KeyId));

        await TamperAsync("UPDATE audit_checkpoints SET signature = zeroblob(64) WHERE tenant_id = 'oscorp'");
        var forged = await _pi.RunAsync(Embedded, null, "audit", "verify", "--tenant", "oscorp");

        Assert.That(forged.ExitCode, Is.EqualTo(1), forged.ToString());
        Assert.That(forged.Lines, Does.Contain($"oscorp: INVALID signature on the checkpoint(s) at seq {signed.Seq} (forged or altered)"));
    }

    [Test]
    public async Task Audit_verify_exits_1_and_prints_missing_for_a_checkpoint_deleted_from_the_sqlite_file()
    {
        var tokenize = await _pi.RunAsync(Embedded, [_canary.Person()], "tokenize", "--tenant", "lexcorp", "--type", "PERSON");
        var checkpoint = await _pi.RunAsync(Embedded, null, "audit", "checkpoint", "--tenant", "lexcorp");
        Assert.That(new[] { tokenize, checkpoint }.Select(r => r.ExitCode), Has.All.Zero, string.Join('\n', tokenize, checkpoint));
        var seq = System.Text.Json.JsonDocument.Parse(checkpoint.Lines.Single()).RootElement.GetProperty("seq").GetInt64();

        await TamperAsync("DELETE FROM audit_checkpoints WHERE tenant_id = 'lexcorp'");
        var missing = await _pi.RunAsync(Embedded, null, "audit", "verify", "--tenant", "lexcorp");

        Assert.That(missing.ExitCode, Is.EqualTo(1), missing.ToString());
        Assert.That(missing.Lines, Is.EqualTo(new[] { $"lexcorp: MISSING the signed checkpoint(s) at seq {seq}: recorded on the chain as stored, no longer in the vault (deleted)" }), missing.ToString());
    }

    [Test]
    public async Task Audit_rotate_signing_key_makes_version_2_public_key_prints_both_and_verify_checks_old_and_new_checkpoints()
    {
        await _pi.RunAsync(Embedded, [_canary.Email()], "tokenize", "--tenant", "wayne", "--type", "EMAIL");
        var old = await _pi.RunAsync(Embedded, null, "audit", "checkpoint", "--tenant", "wayne");
        var rotate = await _pi.RunAsync(Embedded, null, "audit", "rotate-signing-key");
        var fresh = await _pi.RunAsync(Embedded, null, "audit", "checkpoint", "--tenant", "wayne");
        var all = await _pi.RunAsync(Embedded, null, "audit", "public-key");
        var first = await _pi.RunAsync(Embedded, null, "audit", "public-key", "--version", "1");
        var verify = await _pi.RunAsync(Embedded, null, "audit", "verify", "--tenant", "wayne");

        Assert.That(new[] { old, rotate, fresh, all, first, verify }.Select(r => r.ExitCode), Has.All.Zero, string.Join('\n', old, rotate, fresh, all, first, verify));
        Assert.That(rotate.Error, Does.Contain("audit signing key rotated: key version 2, key id: "));
        Assert.That(System.Text.Json.JsonDocument.Parse(old.Lines.Single()).RootElement.GetProperty("key_version").GetInt32(), Is.EqualTo(1));
        Assert.That(System.Text.Json.JsonDocument.Parse(fresh.Lines.Single()).RootElement.GetProperty("key_version").GetInt32(), Is.EqualTo(2));
        Assert.That(all.Lines.Count(l => l == "-----BEGIN PUBLIC KEY-----"), Is.EqualTo(2), all.ToString());
        Assert.That(all.Out, Does.EndWith(rotate.Out), "the newest last, as rotate printed it");
        Assert.That((first.Lines.Count(l => l == "-----BEGIN PUBLIC KEY-----"), first.Error.Contains("key version 1,", StringComparison.Ordinal)), Is.EqualTo((1, true)));
        Assert.That(verify.Lines, Does.Contain("wayne: 2 signed checkpoint(s) verified against the chain"));

        await TamperAsync("UPDATE audit_checkpoints SET key_version = 7 WHERE tenant_id = 'wayne' AND key_version = 1");
        var unknown = await _pi.RunAsync(Embedded, null, "audit", "verify", "--tenant", "wayne");

        Assert.That(unknown.ExitCode, Is.EqualTo(1), unknown.ToString());
        Assert.That(unknown.Lines, Has.Some.StartsWith("wayne: UNKNOWN signing key version on the checkpoint(s) at seq "));
    }

    [Test]
    public async Task Keys_disable_records_its_reason_which_audit_export_shows_and_refuses_a_malformed_one()
    {
        var create = await _pi.RunAsync(Embedded, null, "keys", "create", "--tenant", "acme");
        var disable = await _pi.RunAsync(Embedded, null, "keys", "disable", "--tenant", "acme", "--reason", "INC-7 lost laptop");
        var marker = _canary.Text("reason");
        var malformed = await _pi.RunAsync(Embedded, null, "keys", "enable", "--tenant", "acme", "--reason", marker + "\u0007\n");
        var tooLong = await _pi.RunAsync(Embedded, null, "keys", "enable", "--tenant", "acme", "--reason", marker + new string('x', 200));
        var export = await _pi.RunAsync(Embedded, null, "audit", "export", "--tenant", "acme");

        Assert.That(new[] { create, disable, export }.Select(r => r.ExitCode), Has.All.Zero, string.Join('\n', create, disable, export));
        var disables = export.Lines.Select(line => System.Text.Json.JsonDocument.Parse(line).RootElement)
            .Where(r => r.GetProperty("action").GetString() == "kek.disable").ToList();
        Assert.That(disables.Select(r => (r.GetProperty("outcome").GetString(), r.GetProperty("detail").GetProperty("reason").GetString())),
            Is.EqualTo(new[] { ("started", "INC-7 lost laptop"), ("ok", "INC-7 lost laptop") }));
        Assert.That(new[] { malformed, tooLong }.Select(r => r.ExitCode), Has.All.EqualTo(Refused));
        Assert.That(tooLong.Error, Does.Contain("reason must be at most 200 printable ASCII characters"));
        Assert.That(_canary.FoundIn(malformed.Error + tooLong.Error + export.Out), Is.Empty, "a refused reason is never echoed nor recorded");
    }

    [TestCase("RSA_OAEP_SHA256")]
    [TestCase("RSA_OAEP_SHA1")]
    [TestCase("RSA_AES_KEY_WRAP_SHA256")]
    public async Task Byok_with_the_keys_commands_imports_customer_key_material_into_a_new_tenant(string wrapping)
    {
        var pem = Path.Combine(_home, "import.pem");
        var wrappedFile = Path.Combine(_home, "wrapped.b64");

        var importKey = await _pi.RunAsync(Embedded, null, "keys", "import-key", "--tenant", "hooli", "--out", pem);
        var wrapped = await _pi.RunAsync(Embedded, [Convert.ToHexString(Tests.Keys.Customer.KnownKek())], "keys", "wrap-for-import", "--public-key", pem, "--wrapping", wrapping);
        await File.WriteAllTextAsync(wrappedFile, wrapped.Out);
        var imported = await _pi.RunAsync(Embedded, null, "keys", "import", "--tenant", "hooli", "--import-key-id", importKey.Lines.Single(), "--wrapping", wrapping, "--wrapped", wrappedFile);
        var tokens = await _pi.RunAsync(Embedded, [_canary.Person()], "tokenize", "--tenant", "hooli", "--type", "PERSON");

        Assert.That(new[] { importKey, wrapped, imported, tokens }.Select(r => r.ExitCode), Has.All.Zero, string.Join('\n', importKey, wrapped, imported, tokens));
        Assert.That(importKey.Error, Does.Contain("wrappings: RSA_OAEP_SHA256, RSA_OAEP_SHA1, RSA_AES_KEY_WRAP_SHA256, RSA_AES_KEY_WRAP_SHA1"));
        Assert.That(imported.Out, Does.StartWith("hooli  state=active  kek=hooli v1 (local-development-only)"));
        Assert.That(tokens.Error, Does.Not.Contain("created tenant"), "the import created it");
    }

    [Test]
    public async Task Wrap_for_import_refuses_the_rsa_aes_sha1_wrapping_it_cannot_make_rather_than_making_a_blob_that_will_not_import()
    {
        var refused = await _pi.RunAsync(Embedded, [Convert.ToHexString(Tests.Keys.Customer.KnownKek())], "keys", "wrap-for-import", "--public-key", Path.Combine(_home, "none.pem"), "--wrapping", "RSA_AES_KEY_WRAP_SHA1");

        Assert.That((refused.ExitCode, refused.Out), Is.EqualTo((2, string.Empty)));
        Assert.That(refused.Error, Does.Contain("use RSA_AES_KEY_WRAP_SHA256"));
    }

    [TestCase("UPDATE audit_events SET detail = '{\"items\":99}' WHERE tenant_id = 'initech' AND seq = 3", 3, "edited")]
    [TestCase("DELETE FROM audit_events WHERE tenant_id = 'initech' AND seq = 4", 4, "deleted")]
    [TestCase("DELETE FROM audit_events WHERE tenant_id = 'initech' AND seq = 6", 6, "deleted")]
    public async Task Audit_verify_exits_1_and_names_the_record_changed_in_the_sqlite_file(string tamper, int seq, string problem)
    {
        var first = await _pi.RunAsync(Embedded, [_canary.Person()], "tokenize", "--tenant", "initech", "--type", "PERSON");
        var second = await _pi.RunAsync(Embedded, [_canary.Person()], "tokenize", "--tenant", "initech", "--type", "PERSON");
        var third = await _pi.RunAsync(Embedded, [_canary.Person()], "tokenize", "--tenant", "initech", "--type", "PERSON");
        var intact = await _pi.RunAsync(Embedded, null, "audit", "verify", "--tenant", "initech");
        Assert.That(new[] { first, second, third }.Select(r => r.ExitCode), Has.All.Zero);
        Assert.That((intact.ExitCode, intact.Out), Is.EqualTo((0, "initech: intact, 5 records\n")), intact.ToString());

        await TamperAsync(tamper);
        var broken = await _pi.RunAsync(Embedded, null, "audit", "verify", "--tenant", "initech");

        Assert.That(broken.ExitCode, Is.EqualTo(1), broken.ToString());
        Assert.That(broken.Out, Does.StartWith($"initech: BROKEN at seq {seq}: record {problem}"));
    }

    [Test]
    public async Task Audit_verify_and_export_name_a_key_change_whose_outcome_record_is_gone_as_outcome_unknown()
    {
        var create = await _pi.RunAsync(Embedded, null, "keys", "create", "--tenant", "umbrella");
        var rotate = await _pi.RunAsync(Embedded, null, "keys", "rotate", "--tenant", "umbrella");
        Assert.That(new[] { create, rotate }.Select(r => r.ExitCode), Has.All.Zero, string.Join('\n', create, rotate));

        // Seq 3 is the rotation's intent, seq 4 its outcome.
        await TamperAsync("DELETE FROM audit_events WHERE tenant_id = 'umbrella' AND seq = 4 AND outcome = 'ok'");
        var verify = await _pi.RunAsync(Embedded, null, "audit", "verify", "--tenant", "umbrella");
        var export = await _pi.RunAsync(Embedded, null, "audit", "export", "--tenant", "umbrella");

        const string Unknown = "umbrella: outcome unknown for the key change(s) started at seq 3 (an intent without an outcome record: the change may have happened)";
        Assert.That((verify.ExitCode, verify.Lines), Is.EqualTo((1, new[] { "umbrella: BROKEN at seq 4: record deleted (3 records verified before it)", Unknown })), verify.ToString());
        Assert.That(export.ExitCode, Is.Zero, export.ToString());
        Assert.That(export.Lines.Select(line => System.Text.Json.JsonDocument.Parse(line).RootElement.GetProperty("seq").GetInt64()), Is.EqualTo(new long[] { 1, 2, 3, 5, 6 }));
        Assert.That(export.Error, Does.Contain("pi audit export: outcome unknown for the key change(s) started at seq 3 "));
    }

    [Test]
    public async Task Vault_migrate_applies_the_postgres_migrations_once()
    {
        var schema = TestSchema.NewName("cli");
        var postgres = new Dictionary<string, string?> { ["PI_VAULT_POSTGRES"] = TestEnvironment.PostgresConnectionString, ["PI_VAULT_POSTGRES_SCHEMA"] = schema, ["PI_HOME"] = _home };
        try
        {
            var first = await _pi.RunAsync(postgres, null, "vault", "migrate");
            var second = await _pi.RunAsync(postgres, null, "vault", "migrate");

            Assert.That((first.ExitCode, first.Out), Is.EqualTo((0, "postgres: applied migration(s) 1, 2, 3, 4, 5, 6, 7\n")), first.ToString());
            Assert.That((second.ExitCode, second.Out), Is.EqualTo((0, "postgres: schema is current\n")), second.ToString());
            Assert.That(first.Error + second.Error, Does.Not.Contain(new NpgsqlConnectionStringBuilder(TestEnvironment.PostgresConnectionString).Password!));
        }
        finally
        {
            await DropSchemaAsync(schema);
        }
    }

    [Test]
    public async Task Against_postgres_detokenize_needs_a_detokenizer_token_and_works_with_one()
    {
        var schema = TestSchema.NewName("cli");
        var tenantId = "cli-" + Guid.NewGuid().ToString("N")[..12];
        var postgres = new Dictionary<string, string?>
        {
            ["PI_VAULT_POSTGRES"] = TestEnvironment.PostgresConnectionString,
            ["PI_VAULT_POSTGRES_SCHEMA"] = schema,
            ["PI_HOME"] = _home,
            ["PI_PKCS11_MODULE"] = TestEnvironment.Pkcs11Module,
            ["PI_PKCS11_TOKEN"] = TestEnvironment.Pkcs11Token,
            ["PI_PKCS11_PIN"] = TestEnvironment.Pkcs11Pin,
        };
        try
        {
            var admin = await TokenAsync("admin:alice", "key-admin");
            var tokenizer = await TokenAsync("svc:redactor", "tokenizer");
            var detokenizer = await TokenAsync("svc:rehydrator", "detokenizer");
            var value = _canary.Pan();

            var migrate = await _pi.RunAsync(postgres, null, "vault", "migrate");
            var anonymousCreate = await _pi.RunAsync(postgres, null, "keys", "create", "--tenant", tenantId);
            var create = await _pi.RunAsync(With(postgres, admin), null, "keys", "create", "--tenant", tenantId);
            var tokens = await _pi.RunAsync(With(postgres, tokenizer), [value], "tokenize", "--tenant", tenantId, "--type", "PAN");
            Assert.That(new[] { migrate, create, tokens }.Select(r => r.ExitCode), Has.All.Zero, string.Join('\n', migrate, create, tokens));
            Assert.That(create.Out, Does.Contain($"kek={tenantId} v1 (pkcs11)"));
            Assert.That(create.Error, Does.Not.Contain("LOCAL DEVELOPMENT"));
            Assert.That(anonymousCreate.ExitCode, Is.EqualTo(NoPermission));

            var anonymous = await _pi.RunAsync(postgres, tokens.Lines, "detokenize", "--tenant", tenantId);
            var wrongRole = await _pi.RunAsync(With(postgres, tokenizer), tokens.Lines, "detokenize", "--tenant", tenantId);
            var forged = await _pi.RunAsync(With(postgres, tokenizer[..^4] + "AAAA"), tokens.Lines, "detokenize", "--tenant", tenantId);
            var allowed = await _pi.RunAsync(With(postgres, detokenizer), tokens.Lines, "detokenize", "--tenant", tenantId);

            Assert.That((anonymous.ExitCode, anonymous.Out), Is.EqualTo((NoPermission, string.Empty)));
            Assert.That(anonymous.Error, Does.Contain("against PostgreSQL the vault needs an identity"));
            Assert.That((wrongRole.ExitCode, wrongRole.Out), Is.EqualTo((NoPermission, string.Empty)), wrongRole.ToString());
            Assert.That((forged.ExitCode, forged.Out), Is.EqualTo((NoPermission, string.Empty)), forged.ToString());
            Assert.That(allowed.ExitCode, Is.Zero, "the detokenizer identity may detokenize");
            Canaries.AssertSameValues(allowed.Lines, [value], "the detokenizer identity gets the value back");
            Assert.That(_canary.FoundIn(string.Concat(anonymous, wrongRole, forged, create, tokens.Error, allowed.Error)), Is.Empty);
        }
        finally
        {
            await DropSchemaAsync(schema);
        }
    }

    /// <summary>A service token from <c>pi identity token</c>, signed with the key in the test's PI_HOME.</summary>
    private async Task<string> TokenAsync(string subject, string role)
    {
        var issued = await _pi.RunAsync(Embedded, null, "identity", "token", "--subject", subject, "--role", role);
        Assert.That(issued.ExitCode, Is.Zero, issued.ToString());
        return issued.Lines.Single();
    }

    private static Dictionary<string, string?> With(Dictionary<string, string?> environment, string token) =>
        new(environment) { ["PI_VAULT_TOKEN"] = token };

    private Task TamperAsync(string sql) => SqliteBackend.WithoutAppendOnlyGuardAsync(VaultFile, async () =>
    {
        await using var connection = new SqliteConnection($"Data Source={VaultFile};Pooling=False");
        Assert.That(await connection.ExecuteAsync(sql), Is.EqualTo(1));
    });

    private static async Task<byte[]> ReadAllAsync(string folder)
    {
        using var all = new MemoryStream();
        foreach (var file in Directory.GetFiles(folder, "*", SearchOption.AllDirectories))
        {
            await using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            await stream.CopyToAsync(all);
        }

        return all.ToArray();
    }

    private static async Task DropSchemaAsync(string schema)
    {
        await using var connection = new NpgsqlConnection(TestEnvironment.PostgresConnectionString);
        await connection.ExecuteAsync($"DROP SCHEMA IF EXISTS \"{schema}\" CASCADE");
    }
}

using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Grpc.Core;
using PrivateInference.Contracts.Redactor.V1;
using PrivateInference.Contracts.Rehydrator.V1;
using PrivateInference.Pipeline.FunctionalTests.Support;

namespace PrivateInference.Pipeline.FunctionalTests;

/// <summary>
/// Redact → Rehydrate through the three services over loopback gRPC, against PostgreSQL and SoftHSM2: the round trip,
/// the sketch's roles, streaming, bad input, and leak canaries in every log record, status, span, measurement, audit row
/// and column.
/// </summary>
[NonParallelizable]
public sealed partial class RedactRehydrateTests
{
    private const string Tenant = "ft-hospital";
    private const string OtherTenant = "ft-payments";

    private ServicePipeline _pipeline = null!;
    private PipelineCanaries _canaries = null!;
    private TelemetryCapture _telemetry = null!;

    /// <summary>The self-check's source and meter, which the fixture's capture ignores.</summary>
    private const string SelfCheck = "PrivateInference.Pipeline.FunctionalTests.SelfCheck";
    private readonly List<string> _statusDetails = [];
    private string _clinicalSanitized = null!;
    private string _paymentsSanitized = null!;

    [OneTimeSetUp]
    public async Task Start_the_services_and_redact_both_notes()
    {
        PipelineEnvironment.RequireServices();
        _telemetry = new TelemetryCapture(except: SelfCheck);
        _pipeline = await ServicePipeline.StartAsync();
        await _pipeline.CreateTenantAsync(Tenant);
        await _pipeline.CreateTenantAsync(OtherTenant);
        _canaries = new PipelineCanaries();
        _clinicalSanitized = (await RedactAsync(Tenant, _canaries.ClinicalNote)).Text;
        _paymentsSanitized = (await RedactAsync(Tenant, _canaries.PaymentsNote)).Text;
    }

    [OneTimeTearDown]
    public async Task Stop_the_services()
    {
        if (_pipeline is not null)
        {
            await _pipeline.DisposeAsync();
        }

        _telemetry?.Dispose();
    }

    [TearDown]
    public void No_canary_in_any_log_record_or_status()
    {
        if (_pipeline is null)
        {
            return;
        }

        Assert.That(_canaries.FoundIn(_pipeline.AllLogs), Is.Empty, "log records of the three services");
        Assert.That(_canaries.FoundIn(string.Join('\n', _statusDetails)), Is.Empty, "gRPC status details");
        Assert.That(_canaries.FoundIn(_telemetry.AllText()), Is.Empty, "span names, tags, baggage, statuses, events and metric tags of every source and meter");
    }

    [Test]
    public void The_capture_would_find_a_canary_in_a_tag_baggage_item_event_status_or_metric_tag()
    {
        using var source = new System.Diagnostics.ActivitySource(SelfCheck);
        using var meter = new System.Diagnostics.Metrics.Meter(SelfCheck);
        var counter = meter.CreateCounter<long>("self_check");
        var places = new List<Action<System.Diagnostics.Activity>>
        {
            a => a.SetTag("t", _canaries.Patient),
            a => a.SetTag("t", new[] { "x", _canaries.Mrn }),
            a => a.SetBaggage("b", _canaries.Email),
            a => a.AddEvent(new System.Diagnostics.ActivityEvent("e", tags: new System.Diagnostics.ActivityTagsCollection { ["t"] = _canaries.Ssn })),
            a => a.SetStatus(System.Diagnostics.ActivityStatusCode.Error, _canaries.Phone),
            a => a.DisplayName = _canaries.PanSpaced,
        };

        var found = new List<bool>();
        foreach (var place in places)
        {
            using var capture = new TelemetryCapture();
            using (var activity = source.StartActivity("self-check"))
            {
                place(activity!);
            }

            found.Add(_canaries.FoundIn(capture.AllText()).Count > 0);
        }

        using (var capture = new TelemetryCapture())
        {
            counter.Add(1, new KeyValuePair<string, object?>("t", _canaries.Pan));
            found.Add(_canaries.FoundIn(capture.AllText()).Count > 0);
        }

        Assert.That(found, Has.All.True, "each place a value could hide in is read by the capture");
    }

    [Test]
    public async Task Every_service_traces_and_counts_its_calls_with_shape_tags_only()
    {
        var sanitized = (await RedactAsync(Tenant, _canaries.ClinicalNote)).Text;
        await RehydrateAsync(sanitized, "payments-agent", "payment");
        using (var call = _pipeline.Rehydrator.RehydrateStream(_pipeline.Idp.As(Tenant, "privacy-officer")))
        {
            await call.RequestStream.WriteAsync(new RehydrateStreamRequest { Purpose = "operations", Text = sanitized[..20] });
            await call.RequestStream.WriteAsync(new RehydrateStreamRequest { Text = sanitized[20..] });
            await call.RequestStream.CompleteAsync();
            await foreach (var unused in call.ResponseStream.ReadAllAsync())
            {
            }
        }

        Refused(() => _pipeline.Rehydrator.RehydrateAsync(new RehydrateRequest { Purpose = "operations", Text = sanitized }, []).ResponseAsync);

        // Booleans and counts only: a failing constraint must not print what the listeners captured.
        Assert.That(_telemetry.SpansWith("|PrivateInference.Redactor|Redactor.Redact|", "status=Ok", "tag:pi.tenant=ft-hospital", "tag:pi.entity_counts=", "PAN=1", "tag:pi.entities.tokenize=", "tag:pi.text.length="), Is.Positive, "a Redact span with tenant, counts per type and length");
        Assert.That(_telemetry.SpansWith("|PrivateInference.TokenVault|TokenVault.Tokenize|", "tag:pi.tenant=ft-hospital", "tag:pi.batch.size=", "tag:pi.entity_counts="), Is.Positive, "a Tokenize span with tenant, batch size and counts per type");
        Assert.That(_telemetry.SpansWith("|PrivateInference.TokenVault|TokenVault.Detokenize|", "tag:pi.found=", "tag:rpc.grpc.status_code=0"), Is.Positive, "a Detokenize span with the tokens found");
        Assert.That(_telemetry.SpansWith("|PrivateInference.TokenVault|TokenVault.AuditRecord|"), Is.Positive, "a span around a Tokenize's audit record");
        Assert.That(_telemetry.SpansWith("|PrivateInference.TokenVault|TokenVault.AuditRecord|", "|tag:"), Is.Zero, "which carries no tag at all");
        Assert.That(_telemetry.SpansWith("|PrivateInference.Rehydrator|Rehydrator.Rehydrate|", "tag:pi.tenant=ft-hospital", "tag:pi.purpose=payment", "PAN:mask=", "tag:pi.unresolved="), Is.Positive, "a Rehydrate span with tenant, purpose and counts per type and action");
        Assert.That(_telemetry.SpansWith("|PrivateInference.Rehydrator|Rehydrator.RehydrateStream|", "tag:pi.chunks.in=2", "tag:pi.purpose=operations"), Is.Positive, "a RehydrateStream span with its chunks");
        Assert.That(_telemetry.SpansWith("|PrivateInference.Rehydrator|Rehydrator.Rehydrate|", "status=Error:Unauthenticated", "tag:rpc.grpc.status_code=16"), Is.Positive, "a refused call's span carries the status code, not a message");
        Assert.That(new[] { "Microsoft.AspNetCore", "System.Net.Http", "Grpc.Net.Client" }.All(_telemetry.SawSource), Is.True, "ASP.NET Core's server spans and the gRPC clients' spans are captured too");
        Assert.That(new[] { "PrivateInference.Redactor|pi.redactor.calls", "PrivateInference.Redactor|pi.redactor.entities", "PrivateInference.TokenVault|pi.vault.values", "PrivateInference.TokenVault|pi.vault.call.duration", "PrivateInference.Rehydrator|pi.rehydrator.entities", "PrivateInference.Rehydrator|pi.rehydrator.stream.chunks" }.All(_telemetry.SawMeasurement), Is.True, "each service's meter records");
    }

    [Test]
    public void The_sanitized_notes_carry_none_of_the_values()
    {
        Assert.That(_canaries.FoundIn(_clinicalSanitized), Is.Empty);
        Assert.That(_canaries.FoundIn(_paymentsSanitized), Is.Empty);
        Assert.That(ContainsAll(_clinicalSanitized, "[PERSON_", "[PAN_", "[SSN_", "[MRN_"), Is.True, "the clinical note carries PERSON, PAN, SSN and MRN tokens");
    }

    [Test]
    public void A_card_written_two_ways_shares_one_id_each_spelling_its_own_mark()
    {
        var clinical = PanToken().Match(_clinicalSanitized);
        var payments = PanToken().Match(_paymentsSanitized);

        Assert.That(clinical.Success && payments.Success, Is.True);
        Assert.That(payments.Groups["id"].Value, Is.EqualTo(clinical.Groups["id"].Value), "one ID per card");
        Assert.That(payments.Value, Is.Not.EqualTo(clinical.Value), "the later spelling carries a mark");
    }

    [Test]
    public async Task Privacy_officer_for_operations_gets_each_original_text_back_exactly()
    {
        var clinical = await RehydrateAsync(_clinicalSanitized, "privacy-officer", "operations");
        var payments = await RehydrateAsync(_paymentsSanitized, "privacy-officer", "operations");

        Assert.That(clinical.Text == _canaries.ClinicalNote, Is.True, "the clinical note came back exactly as written (the card with spaces)");
        Assert.That(payments.Text == _canaries.PaymentsNote, Is.True, "the payments note came back exactly as written (the card with dashes)");
        Assert.That(clinical.Summary.Unresolved, Is.Zero);
    }

    [Test]
    public async Task Clinician_for_treatment_sees_names_but_not_the_card_or_the_ssn()
    {
        var response = await RehydrateAsync(_clinicalSanitized, "clinician", "treatment");

        Assert.That(ContainsAll(response.Text, _canaries.Patient, _canaries.Mrn), Is.True, "the patient's name and MRN are revealed");
        Assert.That(ContainsAny(response.Text, _canaries.PanSpaced, _canaries.Ssn), Is.False, "neither the card nor the SSN is shown");
        Assert.That(ContainsAll(response.Text, "[PAN_", "[SSN_"), Is.True, "withheld tokens stay as written");
    }

    [Test]
    public async Task Payments_agent_for_payment_sees_the_card_masked_to_its_last_four()
    {
        var response = await RehydrateAsync(_paymentsSanitized, "payments-agent", "payment");

        Assert.That(ContainsAll(response.Text, $"****-****-****-{_canaries.Pan[^4..]}"), Is.True, "the card is masked to its last four, dashes kept");
        Assert.That(ContainsAny(response.Text, _canaries.PanDashed), Is.False, "the full card is not shown");
        Assert.That(ContainsAll(response.Text, _canaries.Patient), Is.True, "the cardholder's name is revealed");
        Assert.That(ContainsAny(response.Text, _canaries.Ssn), Is.False, "the SSN is withheld");
    }

    [Test]
    public async Task Payments_supervisor_sees_the_card_masked_and_in_full_only_under_a_break_glass_grant()
    {
        var plain = await RehydrateAsync(_paymentsSanitized, "payments-supervisor", "payment");
        var claims = AgentIdp.Claims(Tenant, "payments-supervisor", "sup-bob");
        claims["pi_break_glass"] = AgentIdp.Grant("sup-alice", TimeSpan.FromMinutes(5));
        var granted = await _pipeline.Rehydrator.RehydrateAsync(
            new RehydrateRequest { Purpose = "payment", Text = _paymentsSanitized },
            AgentIdp.Bearer(_pipeline.Idp.Sign(claims)));

        Assert.That(ContainsAll(plain.Text, $"****-****-****-{_canaries.Pan[^4..]}") && !ContainsAny(plain.Text, _canaries.PanDashed), Is.True, "without a grant the card is masked to its last four");
        Assert.That(ContainsAll(granted.Text, _canaries.PanDashed), Is.True, "under the grant the card is revealed as written");
        Assert.That(granted.Summary.BreakGlassGrant, Is.EqualTo("bg-2026-0042"));
        Assert.That((await _pipeline.AuditRowsAsync(Tenant)).Any(r => r.Contains("bg-2026-0042", StringComparison.Ordinal)), Is.True, "the grant is on the audit chain");
    }

    [Test]
    public async Task A_stream_in_random_chunks_equals_the_unary_answer()
    {
        var text = _clinicalSanitized + _paymentsSanitized;
        var unary = await RehydrateAsync(text, "privacy-officer", "operations");

        for (var round = 0; round < 12; round++)
        {
            var (output, chunks) = await RehydrateInRandomChunksAsync(text, "privacy-officer", "operations");

            Assert.That(output == unary.Text, Is.True, $"round {round}: the stream of {chunks} chunks differs from the unary answer");
        }
    }

    [Test]
    public void Cvv_is_destroyed_and_never_reaches_the_vault()
    {
        var note = $"Cardholder {_canaries.Patient} read out card {_canaries.PanDashed}, CVV {_canaries.Cvv}.";

        var response = RedactAsync(Tenant, note).GetAwaiter().GetResult();

        Assert.That(ContainsAll(response.Text, "[CVV_REDACTED]") && !ContainsAny(response.Text, _canaries.Cvv), Is.True, "the CVV is replaced by [CVV_REDACTED]");
        Assert.That(response.Entities.Single(e => e.Type == Contracts.Redactor.V1.EntityType.Cvv).Action, Is.EqualTo(RedactionAction.Masked));
    }

    [Test]
    public async Task The_same_value_gets_the_same_token_in_a_tenant_and_an_unrelated_one_in_another()
    {
        var again = (await RedactAsync(Tenant, _canaries.ClinicalNote)).Text;
        var other = (await RedactAsync(OtherTenant, _canaries.ClinicalNote)).Text;

        Assert.That(again == _clinicalSanitized, Is.True, "the same note redacts to the same text in the same tenant");
        Assert.That(PanToken().Match(other).Groups["id"].Value, Is.Not.EqualTo(PanToken().Match(_clinicalSanitized).Groups["id"].Value));
    }

    [Test, Order(int.MaxValue)]
    public async Task No_canary_is_in_any_audit_row_or_database_column()
    {
        var dump = await _pipeline.DumpDatabaseAsync();

        // Booleans only: a failing constraint would print the dump.
        Assert.That(dump.Contains("audit_events|", StringComparison.Ordinal) && dump.Contains("tokens|", StringComparison.Ordinal), Is.True, "the dump holds the token rows and the audit chain");
        Assert.That(_canaries.FoundIn(dump), Is.Empty);
    }

    public static IEnumerable<TestCaseData> BadAgentTokens()
    {
        yield return new TestCaseData("forged", StatusCode.Unauthenticated);
        yield return new TestCaseData("expired", StatusCode.Unauthenticated);
        yield return new TestCaseData("wrong audience", StatusCode.Unauthenticated);
        yield return new TestCaseData("other tenant", StatusCode.PermissionDenied);
        yield return new TestCaseData("missing", StatusCode.Unauthenticated);
    }

    [TestCaseSource(nameof(BadAgentTokens))]
    public async Task A_bad_agent_token_is_refused_reveals_nothing_and_is_audited(string kind, StatusCode expected)
    {
        var before = await RefusalsAsync();
        var claims = AgentIdp.Claims(Tenant, "privacy-officer");
        var request = new RehydrateRequest { Purpose = "operations", Text = _clinicalSanitized };
        Metadata headers;
        switch (kind)
        {
            case "forged":
                headers = AgentIdp.Bearer(_pipeline.Idp.Forged(claims));
                break;
            case "expired":
                headers = AgentIdp.Bearer(_pipeline.Idp.Sign(AgentIdp.Claims(Tenant, "privacy-officer", now: DateTimeOffset.UtcNow.AddHours(-2))));
                break;
            case "wrong audience":
                claims["aud"] = "someone-else";
                headers = AgentIdp.Bearer(_pipeline.Idp.Sign(claims));
                break;
            case "other tenant":
                headers = _pipeline.Idp.As(OtherTenant, "privacy-officer");
                request.TenantId = Tenant;
                break;
            default:
                headers = [];
                break;
        }

        var ex = Refused(() => _pipeline.Rehydrator.RehydrateAsync(request, headers).ResponseAsync);

        Assert.That(ex.StatusCode, Is.EqualTo(expected));
        Assert.That(await RefusalsAsync(), Is.GreaterThan(before), "the refusal is on an audit chain (the tenant's, the agent's, or _system without one)");
    }

    private async Task<int> RefusalsAsync()
    {
        var count = 0;
        foreach (var chain in new[] { Tenant, OtherTenant, "_system" })
        {
            count += (await _pipeline.AuditRowsAsync(chain)).Count(r => r.Contains("|refused:", StringComparison.Ordinal));
        }

        return count;
    }

    [TestCase("")]
    [TestCase("marketing")]
    public void A_missing_or_unknown_purpose_is_invalid(string purpose)
    {
        var ex = Refused(() => _pipeline.Rehydrator.RehydrateAsync(new RehydrateRequest { Purpose = purpose, Text = _clinicalSanitized }, _pipeline.Idp.As(Tenant, "privacy-officer")).ResponseAsync);

        Assert.That(ex.StatusCode, Is.EqualTo(StatusCode.InvalidArgument));
    }

    [Test]
    public async Task Another_tenants_and_unknown_tokens_are_left_as_written_and_counted()
    {
        var foreign = (await RedactAsync(OtherTenant, _canaries.PaymentsNote)).Text;
        var text = foreign + " and [PERSON_0000000000].";

        var response = await _pipeline.Rehydrator.RehydrateAsync(new RehydrateRequest { Purpose = "operations", Text = text }, _pipeline.Idp.As(Tenant, "privacy-officer"));

        Assert.That(response.Text == text, Is.True, "nothing resolved");
        Assert.That(response.Summary.Unresolved, Is.GreaterThanOrEqualTo(4));
    }

    [Test]
    public void Text_over_the_limit_is_invalid_at_both_services()
    {
        var text = new string('a', ServicePipeline.MaxTextLength + 1);

        var redact = Refused(() => _pipeline.Redactor.RedactAsync(new RedactRequest { TenantId = Tenant, Text = text }).ResponseAsync);
        var rehydrate = Refused(() => _pipeline.Rehydrator.RehydrateAsync(new RehydrateRequest { Purpose = "operations", Text = text }, _pipeline.Idp.As(Tenant, "privacy-officer")).ResponseAsync);

        Assert.That((redact.StatusCode, rehydrate.StatusCode), Is.EqualTo((StatusCode.InvalidArgument, StatusCode.InvalidArgument)));
    }

    [Test]
    public async Task A_stream_ending_mid_token_flushes_the_fragment_as_written_and_counts_it()
    {
        var cut = _clinicalSanitized[.._clinicalSanitized.IndexOf("[PAN_", StringComparison.Ordinal)] + "[PAN_7QH2";
        using var call = _pipeline.Rehydrator.RehydrateStream(_pipeline.Idp.As(Tenant, "privacy-officer"));
        var output = new StringBuilder();
        RehydrationSummary? summary = null;
        var reading = Task.Run(async () =>
        {
            await foreach (var message in call.ResponseStream.ReadAllAsync())
            {
                output.Append(message.Text);
                summary = message.Summary ?? summary;
            }
        });
        await call.RequestStream.WriteAsync(new RehydrateStreamRequest { Purpose = "operations", Text = cut });
        await call.RequestStream.CompleteAsync();
        await reading;

        Assert.That(output.ToString().EndsWith("[PAN_7QH2", StringComparison.Ordinal), Is.True);
        Assert.That(summary!.Unresolved, Is.EqualTo(1));
    }

    private static bool ContainsAll(string text, params string[] parts) => parts.All(p => text.Contains(p, StringComparison.Ordinal));

    private static bool ContainsAny(string text, params string[] parts) => parts.Any(p => text.Contains(p, StringComparison.Ordinal));

    [GeneratedRegex(@"\[PAN_(?<id>[0-9A-HJKMNP-TV-Z]{10})(-[0-9A-HJKMNP-TV-Z]{2})?\]")]
    private static partial Regex PanToken();

    private static List<string> RandomChunks(string text)
    {
        var chunks = new List<string>();
        var at = 0;
        var max = RandomNumberGenerator.GetInt32(1, 40);
        while (at < text.Length)
        {
            var length = Math.Min(text.Length - at, RandomNumberGenerator.GetInt32(1, max + 1));
            if (char.IsHighSurrogate(text[at + length - 1]) && at + length < text.Length)
            {
                length++;
            }

            chunks.Add(text.Substring(at, length));
            at += length;
        }

        return chunks;
    }

    private async Task<RedactResponse> RedactAsync(string tenant, string text) =>
        await _pipeline.Redactor.RedactAsync(new RedactRequest { TenantId = tenant, Text = text });

    /// <summary>Sends <paramref name="text"/> through RehydrateStream in random chunks; returns the output and the chunk count.</summary>
    private async Task<(string Text, int Chunks)> RehydrateInRandomChunksAsync(string text, string role, string purpose)
    {
        var chunks = RandomChunks(text);
        using var call = _pipeline.Rehydrator.RehydrateStream(_pipeline.Idp.As(Tenant, role));
        var output = new StringBuilder();
        var reading = Task.Run(async () =>
        {
            await foreach (var message in call.ResponseStream.ReadAllAsync())
            {
                output.Append(message.Text);
            }
        });
        for (var i = 0; i < chunks.Count; i++)
        {
            await call.RequestStream.WriteAsync(new RehydrateStreamRequest { Purpose = i == 0 ? purpose : string.Empty, Text = chunks[i] });
        }

        await call.RequestStream.CompleteAsync();
        await reading;
        return (output.ToString(), chunks.Count);
    }

    private async Task<RehydrateResponse> RehydrateAsync(string text, string role, string purpose) =>
        await _pipeline.Rehydrator.RehydrateAsync(new RehydrateRequest { Purpose = purpose, Text = text }, _pipeline.Idp.As(Tenant, role));

    /// <summary>Runs a call that must be refused; its status detail is kept for the leak check.</summary>
    private RpcException Refused(Func<Task> call)
    {
        var ex = Assert.ThrowsAsync<RpcException>(async () => await call())!;
        _statusDetails.Add(ex.Status.Detail);
        return ex;
    }
}

using System.Security.Cryptography;
using Grpc.Core;
using PrivateInference.Contracts.Rehydrator.V1;
using PrivateInference.Rehydrator.Tests.Support;

namespace PrivateInference.Rehydrator.Tests.Grpc;

/// <summary>The Rehydrator's gRPC contract through a real generated client over the in-process server and a fake vault.</summary>
public sealed class RehydratorServiceTests
{
    private const int Limit = 4096;
    private static readonly DateTimeOffset Now = new(2026, 11, 26, 9, 0, 0, TimeSpan.Zero);
    private AgentTokens _idp = null!;
    private ManualClock _clock = null!;
    private InProcessRehydrator _server = null!;
    private string _name = null!;
    private string _pan = null!;
    private string _person = null!;
    private string _card = null!;

    [OneTimeSetUp]
    public void CreateIdentityProvider() => _idp = new AgentTokens();

    [OneTimeTearDown]
    public void RemoveIdentityProvider() => _idp.Dispose();

    [SetUp]
    public async Task StartServer()
    {
        _clock = new ManualClock(Now);
        _server = await InProcessRehydrator.StartAsync(_idp, _clock, Limit, revealsPerMinute: 20);
        _name = "Zq" + string.Concat(Enumerable.Range(0, 8).Select(_ => (char)('a' + RandomNumberGenerator.GetInt32(26)))) + " Roe";
        _pan = "4111 " + string.Concat(Enumerable.Range(0, 4).Select(_ => (char)('0' + RandomNumberGenerator.GetInt32(10)))) + " 1111 1111";
        _person = _server.Vault.Add("acme", "PERSON", _name);
        _card = _server.Vault.Add("acme", "PAN", _pan);
    }

    [TearDown]
    public async Task StopServer() => await _server.DisposeAsync();

    [Test]
    public async Task Rehydrate_reveals_and_masks_per_role_and_returns_the_summary()
    {
        var response = await _server.Client.RehydrateAsync(
            new RehydrateRequest { Purpose = "payment", Text = $"{_person} paid with {_card}." },
            InProcessRehydrator.Bearer(Token("payments-agent")));

        Assert.That(response.Text, Is.EqualTo($"{_name} paid with **** **** **** 1111."));
        Assert.That(response.Summary.Actions.Select(a => $"{a.EntityType}:{a.Action}:{a.Count}"), Is.EqualTo(new[] { "PAN:Mask:1", "PERSON:Reveal:1" }));
        Assert.That(response.Summary.Unresolved, Is.Zero);
        Assert.That(response.Summary.BreakGlassGrant, Is.Empty);
    }

    [Test]
    public async Task Rehydrate_with_a_break_glass_grant_reveals_the_card_and_names_the_grant()
    {
        var claims = AgentTokens.Claims(Now, subject: "sup-bob", roles: new[] { "payments-supervisor" });
        claims["pi_break_glass"] = AgentTokens.BreakGlass("bg-7", "sup-alice", Now + TimeSpan.FromMinutes(5));

        var response = await _server.Client.RehydrateAsync(new RehydrateRequest { TenantId = "acme", Purpose = "payment", Text = _card }, InProcessRehydrator.Bearer(_idp.Es256(claims)));

        Assert.That(response.Text, Is.EqualTo(_pan));
        Assert.That(response.Summary.BreakGlassGrant, Is.EqualTo("bg-7"));
        Assert.That(_server.Vault.Detokenized.Single().Context.BreakGlassGrant, Is.EqualTo("bg-7"));
    }

    [Test]
    public void No_token_is_unauthenticated_and_the_refusal_is_recorded_under_the_requests_tenant()
    {
        var error = Call(new RehydrateRequest { TenantId = "acme", Purpose = "treatment", Text = _person }, []);

        Assert.That(error.StatusCode, Is.EqualTo(StatusCode.Unauthenticated));
        var record = _server.Vault.Recorded.Single();
        Assert.That(record.TenantId, Is.EqualTo("acme"));
        Assert.That(record.RefusalReason, Is.EqualTo("missing_token"));
        Assert.That(record.Context.Agent, Is.EqualTo("anonymous"));
        Assert.That(_server.Vault.Detokenized, Is.Empty);
    }

    [Test]
    public void A_forged_token_is_unauthenticated_and_recorded_under_its_claimed_tenant()
    {
        var error = Call(new RehydrateRequest { Purpose = "treatment", Text = _person }, InProcessRehydrator.Bearer(_idp.Forged(AgentTokens.Claims(Now))));

        Assert.That(error.StatusCode, Is.EqualTo(StatusCode.Unauthenticated));
        Assert.That(_server.Vault.Recorded.Single().TenantId, Is.EqualTo("acme"));
        Assert.That(_server.Vault.Recorded.Single().RefusalReason, Is.EqualTo("invalid_signature"));
    }

    [TestCase("expired")]
    [TestCase("audience")]
    [TestCase("issuer")]
    [TestCase("none")]
    public void A_bad_token_is_unauthenticated(string kind)
    {
        var claims = AgentTokens.Claims(Now);
        var token = kind switch
        {
            "expired" => _idp.Es256(AgentTokens.Claims(Now - TimeSpan.FromHours(1))),
            "audience" => _idp.Es256(new Dictionary<string, object?>(claims) { ["aud"] = "privateinference-vault" }),
            "issuer" => _idp.Es256(new Dictionary<string, object?>(claims) { ["iss"] = "https://other.example.test" }),
            _ => AgentTokens.Unsigned(claims),
        };

        var error = Call(new RehydrateRequest { Purpose = "treatment", Text = _person }, InProcessRehydrator.Bearer(token));

        Assert.That(error.StatusCode, Is.EqualTo(StatusCode.Unauthenticated));
        Assert.That(error.Status.Detail, Does.Not.Contain(token));
    }

    [Test]
    public void Another_tenant_is_permission_denied()
    {
        var error = Call(new RehydrateRequest { TenantId = "globex", Purpose = "treatment", Text = _person });

        Assert.That(error.StatusCode, Is.EqualTo(StatusCode.PermissionDenied));
        Assert.That(error.Status.Detail, Does.Contain("tenant_id"));
    }

    [Test]
    public void A_token_of_another_tenant_is_not_resolved_for_this_one()
    {
        var foreign = _server.Vault.Add("globex", "PERSON", "John Doe");

        var response = _server.Client.Rehydrate(new RehydrateRequest { Purpose = "treatment", Text = foreign }, InProcessRehydrator.Bearer(Token("clinician")));

        Assert.That(response.Text, Is.EqualTo(foreign));
        Assert.That(response.Summary.Unresolved, Is.EqualTo(1));
    }

    [TestCase("", "purpose is required")]
    [TestCase("research", "not one of the policy's purposes")]
    public void A_missing_or_unknown_purpose_is_invalid(string purpose, string detail)
    {
        var error = Call(new RehydrateRequest { Purpose = purpose, Text = _person });

        Assert.That(error.StatusCode, Is.EqualTo(StatusCode.InvalidArgument));
        Assert.That(error.Status.Detail, Does.Contain(detail));
    }

    [Test]
    public void A_role_without_a_grant_for_the_purpose_is_permission_denied()
    {
        var error = Call(new RehydrateRequest { Purpose = "payment", Text = _person }, InProcessRehydrator.Bearer(Token("clinician")));

        Assert.That(error.StatusCode, Is.EqualTo(StatusCode.PermissionDenied));
    }

    [Test]
    public void A_text_over_the_limit_is_invalid_and_names_the_limit()
    {
        var error = Call(new RehydrateRequest { Purpose = "treatment", Text = new string('x', Limit + 1) });

        Assert.That(error.StatusCode, Is.EqualTo(StatusCode.InvalidArgument));
        Assert.That(error.Status.Detail, Does.Contain(Limit.ToString(System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Test]
    public void A_vault_failure_is_unavailable_with_nothing_revealed()
    {
        _server.Vault.Failure = new RpcException(new Status(StatusCode.Unavailable, "down: " + _name));

        var error = Call(new RehydrateRequest { Purpose = "treatment", Text = _person });

        Assert.That(error.StatusCode, Is.EqualTo(StatusCode.Unavailable));
        Assert.That(error.Status.Detail, Does.Not.Contain(_name));
    }

    [Test]
    public void Over_the_rate_limit_is_resource_exhausted()
    {
        var many = string.Join(' ', Enumerable.Range(0, 21).Select(i => _server.Vault.Add("acme", "PERSON", "Person " + i)));

        var error = Call(new RehydrateRequest { Purpose = "treatment", Text = many });

        Assert.That(error.StatusCode, Is.EqualTo(StatusCode.ResourceExhausted));
        Assert.That(_server.Vault.Recorded.Single().RefusalReason, Is.EqualTo("rate_limited"));
    }

    [Test]
    public async Task RehydrateStream_forwards_chunks_and_ends_with_the_summary()
    {
        var text = $"Dear {_person}, your card {_card} was charged. Thanks, {_person}.";
        var unary = await _server.Client.RehydrateAsync(new RehydrateRequest { Purpose = "payment", Text = text }, InProcessRehydrator.Bearer(Token("payments-agent")));

        var responses = await Stream("payment", Chunks(text, 3), Token("payments-agent"));

        Assert.That(string.Concat(responses.Select(r => r.Text)), Is.EqualTo(unary.Text));
        Assert.That(responses.Take(responses.Count - 1).Select(r => r.Summary), Is.All.Null);
        Assert.That(responses[^1].Summary, Is.EqualTo(unary.Summary));
    }

    [Test]
    public async Task A_stream_that_ends_mid_token_returns_the_partial_token_as_written()
    {
        var responses = await Stream("treatment", ["Hello ", _person[..10]], Token("clinician"));

        Assert.That(string.Concat(responses.Select(r => r.Text)), Is.EqualTo("Hello " + _person[..10]));
        Assert.That(responses[^1].Summary.Unresolved, Is.EqualTo(1));
    }

    [Test]
    public void A_stream_whose_purpose_changes_is_invalid()
    {
        var error = Assert.ThrowsAsync<RpcException>(() => Stream("treatment", ["a ", "b "], Token("clinician"), laterPurpose: "payment"));

        Assert.That(error!.StatusCode, Is.EqualTo(StatusCode.InvalidArgument));
        Assert.That(_server.Vault.Recorded.Last().RefusalReason, Is.EqualTo("stream_context_changed"));
    }

    [Test]
    public void An_empty_stream_without_a_purpose_is_invalid()
    {
        var error = Assert.ThrowsAsync<RpcException>(() => Stream(null, [], Token("clinician")));

        Assert.That(error!.StatusCode, Is.EqualTo(StatusCode.InvalidArgument));
    }

    [Test]
    public void A_stream_without_a_token_is_unauthenticated()
    {
        var error = Assert.ThrowsAsync<RpcException>(() => Stream("treatment", [_person], token: null));

        Assert.That(error!.StatusCode, Is.EqualTo(StatusCode.Unauthenticated));
    }

    [Test]
    public async Task No_value_or_token_reaches_a_log_record_or_a_status()
    {
        var token = Token("payments-agent");
        var details = new List<string>();
        await _server.Client.RehydrateAsync(new RehydrateRequest { Purpose = "payment", Text = $"{_person} {_card}" }, InProcessRehydrator.Bearer(token));
        await Stream("payment", Chunks($"{_person} {_card}", 2), token);
        details.Add(Call(new RehydrateRequest { Purpose = "operations", Text = _person }, InProcessRehydrator.Bearer(token)).Status.Detail);
        details.Add(Call(new RehydrateRequest { Purpose = _name.ToLowerInvariant(), Text = _person }, InProcessRehydrator.Bearer(token)).Status.Detail);
        _server.Vault.Failure = new InvalidOperationException("adapter says " + _name + " " + _pan);
        details.Add(Call(new RehydrateRequest { Purpose = "payment", Text = _person }, InProcessRehydrator.Bearer(token)).Status.Detail);

        foreach (var canary in new[] { _name, _name.ToLowerInvariant(), _pan, _pan.Replace(" ", string.Empty, StringComparison.Ordinal), token })
        {
            Assert.That(_server.Logs.All.Contains(canary, StringComparison.Ordinal), Is.False, "a canary in the log records");
            Assert.That(details.Any(d => d.Contains(canary, StringComparison.Ordinal)), Is.False, "a canary in a status detail");
        }

        Assert.That(_server.Logs.Lines, Is.Not.Empty);
    }

    [Test]
    public void A_host_with_a_broken_policy_does_not_start()
    {
        var policy = Path.Combine(_idp.Directory, "broken-policy.json");
        File.WriteAllText(policy, """{"version":1,"purposes":["treatment"],"roles":{"clinician":{"treatment":{"PAM":"reveal"}}}}""");

        Assert.That(async () => await InProcessRehydrator.StartAsync(_idp, _clock, policyFile: policy),
            Throws.TypeOf<Rehydrator.Policy.RehydrationPolicyException>().With.Message.Contains("PAM"));
    }

    private string Token(string role) => _idp.Es256(AgentTokens.Claims(Now, roles: new[] { role }));

    private RpcException Call(RehydrateRequest request) => Call(request, InProcessRehydrator.Bearer(Token("clinician")));

    private RpcException Call(RehydrateRequest request, Metadata headers) =>
        Assert.Throws<RpcException>(() => _server.Client.Rehydrate(request, headers))!;

    private static List<string> Chunks(string text, int size) =>
        Enumerable.Range(0, (text.Length + size - 1) / size).Select(i => text.Substring(i * size, Math.Min(size, text.Length - (i * size)))).ToList();

    private async Task<List<RehydrateStreamResponse>> Stream(string? purpose, List<string> chunks, string? token, string? laterPurpose = null)
    {
        using var call = _server.Client.RehydrateStream(token is null ? [] : InProcessRehydrator.Bearer(token));
        var reading = Task.Run(async () =>
        {
            var responses = new List<RehydrateStreamResponse>();
            await foreach (var response in call.ResponseStream.ReadAllAsync())
            {
                responses.Add(response);
            }

            return responses;
        });
        for (var i = 0; i < chunks.Count; i++)
        {
            var message = new RehydrateStreamRequest { Text = chunks[i] };
            if (i == 0 && purpose is not null)
            {
                message.Purpose = purpose;
            }
            else if (i > 0 && laterPurpose is not null)
            {
                message.Purpose = laterPurpose;
            }

            try
            {
                await call.RequestStream.WriteAsync(message);
            }
            catch (RpcException)
            {
                break;
            }
            catch (InvalidOperationException)
            {
                break;
            }
        }

        if (chunks.Count == 0 && purpose is not null)
        {
            await call.RequestStream.WriteAsync(new RehydrateStreamRequest { Purpose = purpose });
        }

        try
        {
            await call.RequestStream.CompleteAsync();
        }
        catch (InvalidOperationException)
        {
            // The server ended the call already; its status comes with the responses.
        }

        return await reading;
    }
}

using PrivateInference.Rehydrator.Authorization;
using PrivateInference.Rehydrator.Tests.Support;

namespace PrivateInference.Rehydrator.Tests.Authorization;

/// <summary>Agents' JWTs: what passes, and every way a token is refused.</summary>
public sealed class AgentAuthenticatorTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 26, 9, 0, 0, TimeSpan.Zero);
    private AgentTokens _idp = null!;
    private ManualClock _clock = null!;
    private AgentAuthenticator _authenticator = null!;

    [OneTimeSetUp]
    public void CreateIdentityProvider() => _idp = new AgentTokens();

    [OneTimeTearDown]
    public void RemoveIdentityProvider() => _idp.Dispose();

    [SetUp]
    public void CreateAuthenticator()
    {
        _clock = new ManualClock(Now);
        _authenticator = new AgentAuthenticator(_idp.Options(), _clock);
    }

    [Test]
    public async Task A_valid_ES256_token_names_the_agent_tenant_roles_and_expiry()
    {
        var agent = await _authenticator.AuthenticateAsync(_idp.Es256(AgentTokens.Claims(Now, roles: new[] { "clinician", "Domain Users" })));

        Assert.That(agent.Subject, Is.EqualTo("agent-alice"));
        Assert.That(agent.TenantId, Is.EqualTo("acme"));
        Assert.That(agent.Roles, Is.EqualTo(new[] { "clinician", "Domain Users" }));
        Assert.That(agent.ExpiresAt, Is.EqualTo(Now + TimeSpan.FromMinutes(10)));
        Assert.That(agent.BreakGlass, Is.Null);
    }

    [Test]
    public async Task A_valid_RS256_token_passes()
    {
        var agent = await _authenticator.AuthenticateAsync(_idp.Rs256(AgentTokens.Claims(Now)));

        Assert.That(agent.Subject, Is.EqualTo("agent-alice"));
    }

    [Test]
    public async Task Roles_may_be_one_string_or_absent()
    {
        var one = AgentTokens.Claims(Now, roles: "payments-agent");
        var none = AgentTokens.Claims(Now);
        none.Remove("roles");

        Assert.That((await _authenticator.AuthenticateAsync(_idp.Es256(one))).Roles, Is.EqualTo(new[] { "payments-agent" }));
        Assert.That((await _authenticator.AuthenticateAsync(_idp.Es256(none))).Roles, Is.Empty);
    }

    [Test]
    public async Task Claim_names_are_configurable()
    {
        var options = _idp.Options();
        options.TenantClaim = "org";
        options.RolesClaim = "groups";
        var claims = AgentTokens.Claims(Now);
        claims.Remove("pi_tenant");
        claims.Remove("roles");
        claims["org"] = "globex";
        claims["groups"] = new[] { "privacy-officer" };

        var agent = await new AgentAuthenticator(options, _clock).AuthenticateAsync(_idp.Es256(claims));

        Assert.That(agent.TenantId, Is.EqualTo("globex"));
        Assert.That(agent.Roles, Is.EqualTo(new[] { "privacy-officer" }));
    }

    [Test]
    public async Task A_token_is_accepted_within_the_clock_skew_of_its_expiry_and_not_after()
    {
        var token = _idp.Es256(AgentTokens.Claims(Now, lifetime: TimeSpan.FromMinutes(1)));
        _clock.Advance(TimeSpan.FromMinutes(1) + TimeSpan.FromSeconds(20));

        Assert.That((await _authenticator.AuthenticateAsync(token)).Subject, Is.EqualTo("agent-alice"));

        _clock.Advance(TimeSpan.FromSeconds(15));
        await AssertRefused(token, "token_expired");
    }

    [Test]
    public async Task A_token_not_yet_valid_is_refused()
    {
        var claims = AgentTokens.Claims(Now);
        claims["nbf"] = (Now + TimeSpan.FromMinutes(2)).ToUnixTimeSeconds();

        await AssertRefused(_idp.Es256(claims), "token_not_yet_valid");
    }

    [Test]
    public async Task A_token_without_expiry_is_refused()
    {
        var claims = AgentTokens.Claims(Now);
        claims.Remove("exp");

        await AssertRefused(_idp.Es256(claims), "invalid_token");
    }

    [Test]
    public async Task A_token_signed_by_another_key_under_the_real_key_ID_is_refused()
    {
        await AssertRefused(_idp.Forged(AgentTokens.Claims(Now)), "invalid_signature");
    }

    [Test]
    public async Task A_token_whose_payload_was_changed_after_signing_is_refused()
    {
        var claims = AgentTokens.Claims(Now);
        var widened = AgentTokens.Claims(Now, roles: new[] { "privacy-officer" });

        await AssertRefused(_idp.Tampered(claims, widened), "invalid_signature");
    }

    [Test]
    public async Task An_unsigned_alg_none_token_is_refused()
    {
        await AssertRefused(AgentTokens.Unsigned(AgentTokens.Claims(Now)), null);
    }

    [Test]
    public async Task An_HS256_token_keyed_with_the_public_key_is_refused()
    {
        await AssertRefused(_idp.Hs256(AgentTokens.Claims(Now)), null);
    }

    [Test]
    public async Task A_token_signed_with_the_right_key_but_an_algorithm_not_allowed_is_refused()
    {
        await AssertRefused(_idp.Rs512(AgentTokens.Claims(Now)), "invalid_signature");
    }

    [Test]
    public async Task A_token_for_another_audience_is_refused()
    {
        var claims = AgentTokens.Claims(Now);
        claims["aud"] = "privateinference-vault";

        await AssertRefused(_idp.Es256(claims), "invalid_audience");
    }

    [Test]
    public async Task A_token_from_another_issuer_is_refused()
    {
        var claims = AgentTokens.Claims(Now);
        claims["iss"] = "https://evil.example.test";

        await AssertRefused(_idp.Es256(claims), "invalid_issuer");
    }

    [TestCase(null, "missing_token")]
    [TestCase("", "missing_token")]
    [TestCase("   ", "missing_token")]
    [TestCase("not-a-jwt", "invalid_token")]
    [TestCase("a.b.c", "invalid_token")]
    public async Task A_missing_or_malformed_token_is_refused(string? token, string reason)
    {
        await AssertRefused(token, reason);
    }

    [Test]
    public async Task A_huge_token_is_refused_before_parsing()
    {
        await AssertRefused(new string('a', AgentAuthenticator.MaxTokenLength + 1), "invalid_token");
    }

    [TestCase("sub", null, "invalid_subject")]
    [TestCase("sub", "", "invalid_subject")]
    [TestCase("sub", "agent\nalice", "invalid_subject")]
    [TestCase("pi_tenant", null, "invalid_tenant_claim")]
    [TestCase("pi_tenant", "Acme", "invalid_tenant_claim")]
    [TestCase("pi_tenant", "acme\n", "invalid_tenant_claim")]
    [TestCase("pi_tenant", "_system", "invalid_tenant_claim")]
    public async Task A_token_without_a_valid_subject_or_tenant_is_refused(string claim, string? value, string reason)
    {
        var claims = AgentTokens.Claims(Now);
        if (value is null)
        {
            claims.Remove(claim);
        }
        else
        {
            claims[claim] = value;
        }

        await AssertRefused(_idp.Es256(claims), reason);
    }

    [Test]
    public void Refusals_never_carry_the_token_or_a_claim()
    {
        var canary = "canary-" + Guid.NewGuid().ToString("N");
        var claims = AgentTokens.Claims(Now, subject: canary);
        claims["aud"] = "other";
        var token = _idp.Es256(claims);

        var refusal = Assert.ThrowsAsync<RehydrationException>(() => _authenticator.AuthenticateAsync(token))!;

        Assert.That(refusal.ToString().Contains(canary, StringComparison.Ordinal) || refusal.ToString().Contains(token, StringComparison.Ordinal), Is.False, "the refusal names neither the subject nor the token");
    }

    [Test]
    public void A_JWKS_with_a_symmetric_key_is_refused_at_construction()
    {
        var file = Path.Combine(_idp.Directory, "oct.json");
        File.WriteAllText(file, """{"keys":[{"kty":"oct","kid":"k","k":"c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXNlY3JldA"}]}""");
        var options = _idp.Options();
        options.JwksFile = file;

        Assert.That(() => new AgentAuthenticator(options), Throws.InvalidOperationException.With.Message.Contains("neither EC nor RSA"));
    }

    [Test]
    public void Missing_settings_are_refused_at_construction()
    {
        var noFile = _idp.Options();
        noFile.JwksFile = Path.Combine(_idp.Directory, "missing.json");
        var noIssuer = _idp.Options();
        noIssuer.Issuer = null;
        var noAudience = _idp.Options();
        noAudience.Audience = " ";

        Assert.That(() => new AgentAuthenticator(noFile), Throws.InvalidOperationException);
        Assert.That(() => new AgentAuthenticator(noIssuer), Throws.InvalidOperationException);
        Assert.That(() => new AgentAuthenticator(noAudience), Throws.InvalidOperationException);
    }

    [Test]
    public async Task A_break_glass_claim_is_read_with_the_agent()
    {
        var claims = AgentTokens.Claims(Now, subject: "sup-bob", roles: new[] { "payments-supervisor" });
        claims["pi_break_glass"] = AgentTokens.BreakGlass("bg-2026-0042", "sup-alice", Now + TimeSpan.FromMinutes(5));

        var agent = await _authenticator.AuthenticateAsync(_idp.Es256(claims));

        Assert.That(agent.BreakGlass, Is.EqualTo(new BreakGlassGrant("bg-2026-0042", "sup-alice", Now + TimeSpan.FromMinutes(5), "chargeback_dispute")));
        Assert.That(() => agent.BreakGlass!.Check(agent, Now), Throws.Nothing);
    }

    [Test]
    public void Bearer_tokens_are_read_from_the_authorization_header()
    {
        Assert.Multiple(() =>
        {
            Assert.That(AgentAuthenticator.BearerToken("Bearer abc.def.ghi"), Is.EqualTo("abc.def.ghi"));
            Assert.That(AgentAuthenticator.BearerToken("bearer  abc "), Is.EqualTo("abc"));
            Assert.That(AgentAuthenticator.BearerToken("Basic abc"), Is.Null);
            Assert.That(AgentAuthenticator.BearerToken(null), Is.Null);
        });
    }

    [Test]
    public void The_unverified_tenant_is_read_only_when_it_has_a_tenant_shape()
    {
        var claims = AgentTokens.Claims(Now, tenant: "globex");
        var bad = AgentTokens.Claims(Now);
        bad["pi_tenant"] = "Not A Tenant";

        Assert.Multiple(() =>
        {
            Assert.That(_authenticator.UnverifiedTenant(_idp.Forged(claims)), Is.EqualTo("globex"));
            Assert.That(_authenticator.UnverifiedTenant(_idp.Forged(bad)), Is.Null);
            Assert.That(_authenticator.UnverifiedTenant("garbage"), Is.Null);
            Assert.That(_authenticator.UnverifiedTenant(null), Is.Null);
        });
    }

    [Test]
    public async Task A_token_presented_again_is_answered_from_the_cache_with_the_same_agent()
    {
        var token = _idp.Es256(AgentTokens.Claims(Now));

        var first = await _authenticator.AuthenticateAsync(token);
        var second = await _authenticator.AuthenticateAsync(token);

        Assert.That((ReferenceEquals(second, first), _authenticator.CachedCount), Is.EqualTo((true, 1)));
    }

    [Test]
    public async Task A_cached_token_past_its_expiry_is_refused_as_an_uncached_one_is()
    {
        var token = _idp.Es256(AgentTokens.Claims(Now, lifetime: TimeSpan.FromMinutes(1)));
        await _authenticator.AuthenticateAsync(token);

        _clock.Now = Now + TimeSpan.FromMinutes(1) + TimeSpan.FromSeconds(29);
        var withinSkew = await _authenticator.AuthenticateAsync(token);
        _clock.Now = Now + TimeSpan.FromMinutes(1) + TimeSpan.FromSeconds(30);

        Assert.That(withinSkew.Subject, Is.EqualTo("agent-alice"));
        await AssertRefused(token, "token_expired");
        Assert.That(RefusalReason(new AgentAuthenticator(_idp.Options(), _clock), token), Is.EqualTo("token_expired"), "uncached: the same");
    }

    [Test]
    public async Task A_cached_token_is_refused_before_its_not_before_as_an_uncached_one_is()
    {
        var token = _idp.Es256(AgentTokens.Claims(Now));
        await _authenticator.AuthenticateAsync(token);

        // The clock is set back while the entry is live: nbf is checked on the cached answer too.
        _clock.Now = Now - TimeSpan.FromMinutes(5);

        await AssertRefused(token, "token_not_yet_valid");
        Assert.That(RefusalReason(new AgentAuthenticator(_idp.Options(), _clock), token), Is.EqualTo("token_not_yet_valid"), "uncached: the same");
        Assert.That(_authenticator.CachedCount, Is.EqualTo(1), "the refusal came from the cached entry");
    }

    [Test]
    public async Task A_cached_tokens_signature_on_a_changed_payload_never_hits()
    {
        var token = _idp.Es256(AgentTokens.Claims(Now));
        await _authenticator.AuthenticateAsync(token);
        var parts = token.Split('.');
        var widened = parts[0] + "." + Microsoft.IdentityModel.Tokens.Base64UrlEncoder.Encode(System.Text.Json.JsonSerializer.Serialize(AgentTokens.Claims(Now, roles: new[] { "privacy-officer" }))) + "." + parts[2];

        await AssertRefused(widened, "invalid_signature");
        Assert.That(_authenticator.CachedCount, Is.EqualTo(1), "the refusal was not remembered");
    }

    [Test]
    public async Task Changing_the_options_after_construction_changes_neither_the_rules_nor_what_was_cached()
    {
        var options = _idp.Options();
        var authenticator = new AgentAuthenticator(options, _clock);
        var token = _idp.Es256(AgentTokens.Claims(Now, lifetime: TimeSpan.FromMinutes(1)));
        await authenticator.AuthenticateAsync(token);

        options.TenantClaim = "org";
        options.ClockSkew = TimeSpan.FromHours(1);
        var cached = await authenticator.AuthenticateAsync(token);
        var fresh = await authenticator.AuthenticateAsync(_idp.Es256(AgentTokens.Claims(Now, tenant: "globex")));
        _clock.Now = Now + TimeSpan.FromMinutes(1) + TimeSpan.FromSeconds(30);

        Assert.That((cached.TenantId, fresh.TenantId), Is.EqualTo(("acme", "globex")), "the tenant claim named at construction");
        Assert.That(RefusalReason(authenticator, token), Is.EqualTo("token_expired"), "the skew given at construction");
    }

    /// <summary>The reason <paramref name="authenticator"/> refuses <paramref name="token"/> with (the test fails if it accepts it).</summary>
    private static string RefusalReason(AgentAuthenticator authenticator, string token)
    {
        var refusal = Assert.ThrowsAsync<RehydrationException>(() => authenticator.AuthenticateAsync(token));
        Assert.That(refusal!.Kind, Is.EqualTo(RehydrationErrorKind.Unauthenticated));
        return refusal.Reason;
    }

    private async Task AssertRefused(string? token, string? reason)
    {
        try
        {
            await _authenticator.AuthenticateAsync(token);
            Assert.Fail("The token was accepted.");
        }
        catch (RehydrationException refusal)
        {
            Assert.That(refusal.Kind, Is.EqualTo(RehydrationErrorKind.Unauthenticated));
            if (reason is not null)
            {
                Assert.That(refusal.Reason, Is.EqualTo(reason));
            }
        }
    }
}

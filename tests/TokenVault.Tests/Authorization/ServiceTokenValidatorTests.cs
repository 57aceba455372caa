using System.Security.Cryptography;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using NUnit.Framework;
using PrivateInference.TokenVault.Authorization;
using PrivateInference.TokenVault.Tests.Keys;

namespace PrivateInference.TokenVault.Tests.Authorization;

/// <summary>The service token check and its cache of verified tokens: a token is verified once and then answered from
/// the cache, while its expiry and not-before are checked on every call against the validator's clock; altered and
/// refused tokens are never answered from the cache.</summary>
public sealed class ServiceTokenValidatorTests
{
    private KeyDirectory _folder = null!;
    private string _issuer = null!;
    private ServiceIdentityOptions _options = null!;

    [SetUp]
    public void SetUp()
    {
        _folder = new KeyDirectory();
        _issuer = Path.Combine(_folder.Location, "issuer");
        ServiceTokens.InitializeSigningKey(_issuer);
        _options = new ServiceIdentityOptions { JwksFile = Path.Combine(_issuer, "jwks.json") };
    }

    [TearDown]
    public void TearDown() => _folder.Dispose();

    [Test]
    public async Task A_token_presented_again_is_answered_from_the_cache_with_the_same_caller()
    {
        var validator = new ServiceTokenValidator(_options);
        var token = ServiceTokens.Issue(_issuer, "svc:redactor", VaultRoles.Tokenizer, TimeSpan.FromHours(1));

        var first = await validator.ValidateAsync(token);
        var second = await validator.ValidateAsync(token);

        Assert.Multiple(() =>
        {
            Assert.That(first, Is.EqualTo(new Caller("svc:redactor", VaultRoles.Tokenizer)));
            Assert.That(ReferenceEquals(second, first), Is.True, "the remembered answer");
            Assert.That(validator.CachedCount, Is.EqualTo(1));
        });
    }

    [Test]
    public async Task A_cached_token_past_its_expiry_is_refused_as_an_uncached_one_is()
    {
        var clock = new ManualClock();
        var validator = new ServiceTokenValidator(_options, clock);
        var token = ServiceTokens.Issue(_issuer, "svc:redactor", VaultRoles.Tokenizer, TimeSpan.FromMinutes(1));
        var expires = new DateTimeOffset(new JsonWebToken(token).ValidTo, TimeSpan.Zero);
        await validator.ValidateAsync(token);

        clock.Now = expires + ServiceTokenValidator.ClockSkew - TimeSpan.FromSeconds(1);
        var withinSkew = await validator.ValidateAsync(token);
        clock.Now = expires + ServiceTokenValidator.ClockSkew;
        var cached = Assert.ThrowsAsync<VaultException>(() => validator.ValidateAsync(token));
        var uncached = Assert.ThrowsAsync<VaultException>(() => new ServiceTokenValidator(_options, clock).ValidateAsync(token));

        Assert.Multiple(() =>
        {
            Assert.That(withinSkew.Subject, Is.EqualTo("svc:redactor"), "accepted up to the clock skew past exp");
            Assert.That((cached!.Kind, cached.Reason, cached.Message), Is.EqualTo((uncached!.Kind, uncached.Reason, uncached.Message)));
            Assert.That(cached.Kind, Is.EqualTo(VaultErrorKind.Unauthenticated));
        });
    }

    [Test]
    public async Task A_cached_token_is_refused_before_its_not_before_as_an_uncached_one_is()
    {
        var clock = new ManualClock();
        var validator = new ServiceTokenValidator(_options, clock);
        var token = ServiceTokens.Issue(_issuer, "svc:rehydrator", VaultRoles.Detokenizer, TimeSpan.FromHours(1));
        await validator.ValidateAsync(token);

        // The clock is set back (the cache entry is live): not-before is checked on the cached answer too.
        clock.Now -= TimeSpan.FromMinutes(10);
        var cached = Assert.ThrowsAsync<VaultException>(() => validator.ValidateAsync(token));
        var uncached = Assert.ThrowsAsync<VaultException>(() => new ServiceTokenValidator(_options, clock).ValidateAsync(token));

        Assert.Multiple(() =>
        {
            Assert.That((cached!.Kind, cached.Reason, cached.Message), Is.EqualTo((uncached!.Kind, uncached.Reason, uncached.Message)));
            Assert.That(validator.CachedCount, Is.EqualTo(1), "the refusal came from the cached entry");
        });
    }

    [Test]
    public void A_token_without_expiry_is_refused()
    {
        var validator = new ServiceTokenValidator(_options);
        using var key = ECDsa.Create();
        key.ImportFromPem(File.ReadAllText(Path.Combine(_issuer, "signing-key.pem")));
        var signingKey = new ECDsaSecurityKey(key) { KeyId = Convert.ToHexStringLower(SHA256.HashData(key.ExportSubjectPublicKeyInfo()))[..16] };
        signingKey.CryptoProviderFactory = new CryptoProviderFactory { CacheSignatureProviders = false };
        var token = new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = ServiceTokens.DefaultIssuer,
            Audience = ServiceTokens.DefaultAudience,
            Claims = new Dictionary<string, object> { ["sub"] = "svc:redactor", [ServiceTokens.RolesClaim] = new[] { "tokenizer" } },
            SigningCredentials = new SigningCredentials(signingKey, SecurityAlgorithms.EcdsaSha256),
        });

        var refusal = Assert.ThrowsAsync<VaultException>(() => validator.ValidateAsync(token));

        Assert.That((refusal!.Kind, validator.CachedCount), Is.EqualTo((VaultErrorKind.Unauthenticated, 0)));
    }

    [Test]
    public async Task An_altered_token_is_refused_although_the_original_is_remembered()
    {
        var validator = new ServiceTokenValidator(_options);
        var token = ServiceTokens.Issue(_issuer, "svc:redactor", VaultRoles.Tokenizer, TimeSpan.FromHours(1));
        await validator.ValidateAsync(token);
        var altered = token[..^2] + (token[^2] == 'A' ? 'B' : 'A') + token[^1];

        var refusal = Assert.ThrowsAsync<VaultException>(() => validator.ValidateAsync(altered));

        Assert.Multiple(() =>
        {
            Assert.That(refusal!.Kind, Is.EqualTo(VaultErrorKind.Unauthenticated));
            Assert.That(validator.CachedCount, Is.EqualTo(1));
        });
    }

    [Test]
    public void A_refused_token_is_refused_every_time_and_never_remembered()
    {
        var validator = new ServiceTokenValidator(_options);
        var otherIssuer = Path.Combine(_folder.Location, "other-issuer");
        ServiceTokens.InitializeSigningKey(otherIssuer);
        var foreign = ServiceTokens.Issue(otherIssuer, "svc:redactor", VaultRoles.Tokenizer, TimeSpan.FromHours(1));

        Assert.ThrowsAsync<VaultException>(() => validator.ValidateAsync(foreign));
        Assert.ThrowsAsync<VaultException>(() => validator.ValidateAsync(foreign));
        Assert.That(validator.CachedCount, Is.Zero);
    }

    [Test]
    public async Task Changing_the_options_after_construction_changes_nothing()
    {
        var validator = new ServiceTokenValidator(_options);
        var token = ServiceTokens.Issue(_issuer, "svc:redactor", VaultRoles.Tokenizer, TimeSpan.FromHours(1));
        await validator.ValidateAsync(token);

        _options.Issuer = "someone-else";
        _options.Audience = "something-else";
        var cached = await validator.ValidateAsync(token);
        var fresh = await validator.ValidateAsync(ServiceTokens.Issue(_issuer, "svc:rehydrator", VaultRoles.Detokenizer, TimeSpan.FromHours(1)));

        Assert.That((cached.Subject, fresh.Subject, validator.CachedCount), Is.EqualTo(("svc:redactor", "svc:rehydrator", 2)));
    }
}

using System.Collections.ObjectModel;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using PrivateInference.Cryptography;

namespace PrivateInference.Rehydrator.Authorization;

/// <summary>Turns an agent's JWT from the enterprise identity provider into an <see cref="AuthenticatedAgent"/>, or refuses it.</summary>
/// <remarks>
/// <para>Checks: signature against the keys of a JWKS file (EC or RSA only), algorithm ES256 or RS256 only (so
/// <c>alg: none</c>, HS256 and key-confusion tokens never pass), issuer, audience, <c>exp</c> (required) and <c>nbf</c>
/// with a small clock skew; then <c>sub</c> (1-256 printable characters), the tenant claim (a vault tenant ID), the roles
/// claim (a string or an array of strings; absent means none) and, if present, the break-glass claim, which is read here
/// and authorized by the engine.</para>
/// <para>Refusals are <see cref="RehydrationException"/>s of kind UNAUTHENTICATED with fixed messages: never the token,
/// never a claim's content.</para>
/// <para>A token that passed is remembered (<see cref="VerifiedTokenCache{T}"/>, one per authenticator: keyed by the
/// token's SHA-256, until its expiry plus the clock skew, at most 5 minutes), so an agent that presents the same token on
/// every request pays the signature check once. <c>exp</c> and <c>nbf</c> are checked on every call against the injected
/// clock, cached or not, so a cached token is refused exactly as an uncached one; refusals are never cached. The options
/// are copied at construction: changing the options object later changes neither the rules nor what was cached.</para>
/// </remarks>
public sealed partial class AgentAuthenticator
{
    /// <summary>Longest token accepted, in characters: bigger ones are refused before any parsing.</summary>
    public const int MaxTokenLength = 16 * 1024;

    private const int MaxRoles = 256;

    private readonly JsonWebTokenHandler _handler = new() { MapInboundClaims = false };
    private readonly TokenValidationParameters _parameters;
    private readonly string _tenantClaim;
    private readonly string _rolesClaim;
    private readonly string _breakGlassClaim;
    private readonly TimeSpan _clockSkew;
    private readonly TimeProvider _time;
    private readonly VerifiedTokenCache<AuthenticatedAgent> _verified;

    /// <summary>Loads the identity provider's keys and fixes the rules.</summary>
    /// <exception cref="InvalidOperationException">The options name no JWKS file, issuer or audience, or the JWKS file cannot
    /// be read, holds no key, or holds a symmetric key.</exception>
    public AgentAuthenticator(AgentIdentityOptions options, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrWhiteSpace(options.Issuer) || string.IsNullOrWhiteSpace(options.Audience))
        {
            throw new InvalidOperationException("The agent identity options need an issuer and an audience.");
        }

        if (string.IsNullOrWhiteSpace(options.TenantClaim) || string.IsNullOrWhiteSpace(options.RolesClaim) || string.IsNullOrWhiteSpace(options.BreakGlassClaim))
        {
            throw new InvalidOperationException("The agent identity options need the names of the tenant, roles and break-glass claims.");
        }

        (_tenantClaim, _rolesClaim, _breakGlassClaim, _clockSkew) = (options.TenantClaim, options.RolesClaim, options.BreakGlassClaim, options.ClockSkew);
        _parameters = new TokenValidationParameters
        {
            ValidIssuer = options.Issuer,
            ValidAudience = options.Audience,
            IssuerSigningKeys = LoadKeys(options.JwksFile),
            ValidAlgorithms = [SecurityAlgorithms.EcdsaSha256, SecurityAlgorithms.RsaSha256],
            RequireSignedTokens = true,
            ValidateIssuer = true,
            ValidateAudience = true,
            // Lifetime is checked below, against the injected clock (IdentityModel reads the system clock).
            ValidateLifetime = false,
        };
        _time = timeProvider ?? TimeProvider.System;
        _verified = new VerifiedTokenCache<AuthenticatedAgent>(_time, _clockSkew);
    }

    /// <summary>How many verified tokens are remembered (tests).</summary>
    internal int CachedCount => _verified.Count;

    /// <summary>The token of an <c>authorization</c> header value <c>Bearer …</c>, or null.</summary>
    public static string? BearerToken(string? authorizationHeader) =>
        authorizationHeader is not null && authorizationHeader.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
            ? authorizationHeader[7..].Trim()
            : null;

    /// <summary>Verifies <paramref name="token"/> (the JWT itself, without "Bearer ").</summary>
    /// <exception cref="RehydrationException">UNAUTHENTICATED: missing, malformed, forged (unknown key, wrong algorithm,
    /// unsigned), expired, not yet valid, wrong issuer or audience, or without a valid subject or tenant.</exception>
    public async Task<AuthenticatedAgent> AuthenticateAsync(string? token)
    {
        if (string.IsNullOrWhiteSpace(token))
        {
            throw Refused("An agent token is required (authorization: Bearer …).", "missing_token");
        }

        if (token.Length > MaxTokenLength)
        {
            throw Refused("The agent token is not valid.", "invalid_token");
        }

        if (_verified.TryGet(token, out var known, out var knownLifetime))
        {
            CheckLifetime(knownLifetime);
            return known;
        }

        var result = await _handler.ValidateTokenAsync(token, _parameters).ConfigureAwait(false);
        if (!result.IsValid)
        {
            throw result.Exception switch
            {
                SecurityTokenInvalidAudienceException => Refused("The agent token is for another audience.", "invalid_audience"),
                SecurityTokenInvalidIssuerException => Refused("The agent token is from another issuer.", "invalid_issuer"),
                SecurityTokenInvalidSignatureException or SecurityTokenSignatureKeyNotFoundException or SecurityTokenInvalidAlgorithmException
                    => Refused("The agent token's signature is not valid.", "invalid_signature"),
                _ => Refused("The agent token is not valid.", "invalid_token"),
            };
        }

        var jwt = (JsonWebToken)result.SecurityToken;
        if (!jwt.TryGetPayloadValue<long>("exp", out _))
        {
            throw Refused("The agent token has no expiry (exp).", "invalid_token");
        }

        var lifetime = new TokenLifetime(jwt.TryGetPayloadValue<long>("nbf", out _) ? new DateTimeOffset(jwt.ValidFrom, TimeSpan.Zero) : null, new DateTimeOffset(jwt.ValidTo, TimeSpan.Zero));
        CheckLifetime(lifetime);
        using var payload = JsonDocument.Parse(Base64UrlEncoder.DecodeBytes(jwt.EncodedPayload));
        var claims = payload.RootElement;
        var subject = StringClaim(claims, "sub");
        if (subject is null || !BreakGlassGrant.IsPrintableName(subject))
        {
            throw Refused("The agent token has no valid subject (sub).", "invalid_subject");
        }

        var tenant = StringClaim(claims, _tenantClaim);
        if (tenant is null || !TenantIdPattern().IsMatch(tenant))
        {
            throw Refused("The agent token has no valid tenant claim.", "invalid_tenant_claim");
        }

        BreakGlassGrant? grant = claims.TryGetProperty(_breakGlassClaim, out var breakGlass) ? BreakGlassGrant.Read(breakGlass) : null;
        var agent = new AuthenticatedAgent(subject, tenant, Roles(claims), lifetime.Expires, grant);
        _verified.Add(token, agent, lifetime);
        return agent;
    }

    /// <summary>The tenant claim of a token whose signature was NOT checked, if it has a tenant ID's shape: only to route
    /// the audit record of a refused request to a tenant's chain (the vault puts a tenant it does not know on its system
    /// chain). Never for any decision.</summary>
    public string? UnverifiedTenant(string? token)
    {
        if (string.IsNullOrWhiteSpace(token) || token.Length > MaxTokenLength)
        {
            return null;
        }

        try
        {
            var jwt = new JsonWebToken(token);
            using var payload = JsonDocument.Parse(Base64UrlEncoder.DecodeBytes(jwt.EncodedPayload));
            var tenant = StringClaim(payload.RootElement, _tenantClaim);
            return tenant is not null && TenantIdPattern().IsMatch(tenant) ? tenant : null;
        }
        catch (Exception ex) when (ex is ArgumentException or JsonException or FormatException or SecurityTokenException)
        {
            return null;
        }
    }

    /// <summary>Whether <paramref name="tenantId"/> has the vault's tenant ID shape.</summary>
    public static bool IsValidTenantId(string? tenantId) => tenantId is not null && TenantIdPattern().IsMatch(tenantId);

    private void CheckLifetime(TokenLifetime lifetime)
    {
        switch (lifetime.At(_time.GetUtcNow(), _clockSkew))
        {
            case TokenLifetimeCheck.Expired:
                throw Refused("The agent token has expired.", "token_expired");
            case TokenLifetimeCheck.NotYetValid:
                throw Refused("The agent token is not valid yet.", "token_not_yet_valid");
        }
    }

    /// <summary>The roles claim's strings, read-only: the agent may be answered from the cache to every later call.</summary>
    private ReadOnlyCollection<string> Roles(JsonElement claims)
    {
        if (!claims.TryGetProperty(_rolesClaim, out var roles))
        {
            return ReadOnlyCollection<string>.Empty;
        }

        if (roles.ValueKind == JsonValueKind.String)
        {
            return new[] { roles.GetString()! }.AsReadOnly();
        }

        if (roles.ValueKind != JsonValueKind.Array)
        {
            return ReadOnlyCollection<string>.Empty;
        }

        var names = new List<string>();
        foreach (var role in roles.EnumerateArray())
        {
            if (role.ValueKind == JsonValueKind.String && names.Count < MaxRoles)
            {
                names.Add(role.GetString()!);
            }
        }

        return names.AsReadOnly();
    }

    private static string? StringClaim(JsonElement claims, string name) =>
        claims.ValueKind == JsonValueKind.Object && claims.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static List<SecurityKey> LoadKeys(string? jwksFile)
    {
        if (string.IsNullOrWhiteSpace(jwksFile) || !File.Exists(jwksFile))
        {
            throw new InvalidOperationException("The agent identity options must name the identity provider's JWKS file, and it must exist.");
        }

        JsonWebKeySet set;
        try
        {
            set = new JsonWebKeySet(File.ReadAllText(jwksFile));
        }
        catch (Exception ex) when (ex is ArgumentException or IOException or UnauthorizedAccessException or JsonException)
        {
            throw new InvalidOperationException($"The JWKS file {jwksFile} cannot be read as a JSON Web Key Set.", ex);
        }

        if (set.Keys.Any(k => k.Kty is not (JsonWebAlgorithmsKeyTypes.EllipticCurve or JsonWebAlgorithmsKeyTypes.RSA)))
        {
            throw new InvalidOperationException($"The JWKS file {jwksFile} holds a key that is neither EC nor RSA: agents' tokens are verified with public keys only.");
        }

        var keys = set.GetSigningKeys().ToList();
        if (keys.Count == 0)
        {
            throw new InvalidOperationException($"The JWKS file {jwksFile} holds no signing key.");
        }

        return keys;
    }

    private static RehydrationException Refused(string message, string reason) => new(RehydrationErrorKind.Unauthenticated, message, reason);

    [GeneratedRegex(@"^[a-z0-9][a-z0-9-]{0,62}\z", RegexOptions.CultureInvariant)]
    private static partial Regex TenantIdPattern();
}

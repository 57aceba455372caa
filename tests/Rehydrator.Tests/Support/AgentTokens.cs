using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using PrivateInference.Rehydrator.Authorization;

namespace PrivateInference.Rehydrator.Tests.Support;

/// <summary>A stand-in enterprise identity provider: an ES256 and an RS256 key in a JWKS file, and tokens of any shape.</summary>
internal sealed class AgentTokens : IDisposable
{
    public const string Issuer = "https://idp.example.test";
    public const string Audience = "privateinference-rehydrator";

    private readonly ECDsa _ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly RSA _rsa = RSA.Create(2048);
    private readonly ECDsa _forger = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly string _directory = System.IO.Directory.CreateTempSubdirectory("pi-idp-").FullName;

    public AgentTokens()
    {
        var ecJwk = JsonWebKeyConverter.ConvertFromECDsaSecurityKey(new ECDsaSecurityKey(ECDsa.Create(_ec.ExportParameters(false))) { KeyId = "ec-1" });
        var rsaJwk = JsonWebKeyConverter.ConvertFromRSASecurityKey(new RsaSecurityKey(_rsa.ExportParameters(false)) { KeyId = "rsa-1" });
        JwksFile = Path.Combine(_directory, "jwks.json");
        File.WriteAllText(JwksFile, JsonSerializer.Serialize(new
        {
            keys = new object[]
            {
                new { kty = ecJwk.Kty, use = "sig", kid = ecJwk.Kid, crv = ecJwk.Crv, x = ecJwk.X, y = ecJwk.Y },
                new { kty = rsaJwk.Kty, use = "sig", kid = rsaJwk.Kid, n = rsaJwk.N, e = rsaJwk.E },
            },
        }));
    }

    public string JwksFile { get; }

    public string Directory => _directory;

    public AgentIdentityOptions Options() => new() { JwksFile = JwksFile, Issuer = Issuer, Audience = Audience };

    /// <summary>Claims of a valid agent token at <paramref name="now"/>; change them before signing.</summary>
    public static Dictionary<string, object?> Claims(DateTimeOffset now, string subject = "agent-alice", string tenant = "acme", object? roles = null, TimeSpan? lifetime = null) => new()
    {
        ["iss"] = Issuer,
        ["aud"] = Audience,
        ["sub"] = subject,
        ["pi_tenant"] = tenant,
        ["roles"] = roles ?? new[] { "clinician" },
        ["iat"] = now.ToUnixTimeSeconds(),
        ["nbf"] = now.ToUnixTimeSeconds(),
        ["exp"] = (now + (lifetime ?? TimeSpan.FromMinutes(10))).ToUnixTimeSeconds(),
    };

    public static Dictionary<string, object?> BreakGlass(string id, string approver, DateTimeOffset expires, string reason = "chargeback_dispute") => new()
    {
        ["id"] = id,
        ["approver"] = approver,
        ["exp"] = expires.ToUnixTimeSeconds(),
        ["reason"] = reason,
    };

    public string Es256(IDictionary<string, object?> claims) => Sign(claims, Uncached(new ECDsaSecurityKey(_ec) { KeyId = "ec-1" }), SecurityAlgorithms.EcdsaSha256);

    public string Rs256(IDictionary<string, object?> claims) => Sign(claims, Uncached(new RsaSecurityKey(_rsa) { KeyId = "rsa-1" }), SecurityAlgorithms.RsaSha256);

    /// <summary>Signed with the right key but an algorithm the Rehydrator does not accept.</summary>
    public string Rs512(IDictionary<string, object?> claims) => Sign(claims, Uncached(new RsaSecurityKey(_rsa) { KeyId = "rsa-1" }), SecurityAlgorithms.RsaSha512);

    /// <summary>Signed by another key under the real key's ID.</summary>
    public string Forged(IDictionary<string, object?> claims) => Sign(claims, Uncached(new ECDsaSecurityKey(_forger) { KeyId = "ec-1" }), SecurityAlgorithms.EcdsaSha256);

    /// <summary>An unsigned token ("alg": "none").</summary>
    public static string Unsigned(IDictionary<string, object?> claims) =>
        Base64UrlEncoder.Encode("""{"alg":"none","typ":"JWT"}""") + "." + Base64UrlEncoder.Encode(JsonSerializer.Serialize(claims)) + ".";

    /// <summary>HS256 keyed with the EC public key's bytes: the classic key-confusion forgery.</summary>
    public string Hs256(IDictionary<string, object?> claims)
    {
        var header = Base64UrlEncoder.Encode("""{"alg":"HS256","typ":"JWT","kid":"ec-1"}""");
        var body = Base64UrlEncoder.Encode(JsonSerializer.Serialize(claims));
        var mac = HMACSHA256.HashData(_ec.ExportSubjectPublicKeyInfo(), Encoding.ASCII.GetBytes(header + "." + body));
        return header + "." + body + "." + Base64UrlEncoder.Encode(mac);
    }

    /// <summary>A valid token whose payload was then changed.</summary>
    public string Tampered(IDictionary<string, object?> claims, IDictionary<string, object?> changed)
    {
        var parts = Es256(claims).Split('.');
        return parts[0] + "." + Base64UrlEncoder.Encode(JsonSerializer.Serialize(changed)) + "." + parts[2];
    }

    public void Dispose()
    {
        _ec.Dispose();
        _rsa.Dispose();
        _forger.Dispose();
        System.IO.Directory.Delete(_directory, recursive: true);
    }

    private static string Sign(IDictionary<string, object?> claims, SecurityKey key, string algorithm) =>
        new JsonWebTokenHandler().CreateToken(JsonSerializer.Serialize(claims), new SigningCredentials(key, algorithm));

    /// <summary>IdentityModel caches signature providers by key: a test key must not be served another's provider.</summary>
    private static T Uncached<T>(T key)
        where T : AsymmetricSecurityKey
    {
        key.CryptoProviderFactory = new CryptoProviderFactory { CacheSignatureProviders = false };
        return key;
    }
}

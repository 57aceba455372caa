using System.Security.Cryptography;
using System.Text.Json;
using Grpc.Core;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace PrivateInference.Pipeline.FunctionalTests.Support;

/// <summary>A stand-in enterprise identity provider: an ES256 key in a JWKS file, and agents' JWTs of any shape.</summary>
internal sealed class AgentIdp : IDisposable
{
    public const string Issuer = "https://idp.pipeline.test";
    public const string Audience = "privateinference-rehydrator";

    private readonly ECDsa _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly ECDsa _forger = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    public AgentIdp(string directory)
    {
        var jwk = JsonWebKeyConverter.ConvertFromECDsaSecurityKey(new ECDsaSecurityKey(ECDsa.Create(_key.ExportParameters(false))) { KeyId = "idp-1" });
        JwksFile = Path.Combine(directory, "agent-jwks.json");
        File.WriteAllText(JwksFile, JsonSerializer.Serialize(new { keys = new object[] { new { kty = jwk.Kty, use = "sig", kid = jwk.Kid, crv = jwk.Crv, x = jwk.X, y = jwk.Y } } }));
    }

    public string JwksFile { get; }

    public static Dictionary<string, object?> Claims(string tenant, string role, string subject = "agent-alice", TimeSpan? lifetime = null, DateTimeOffset? now = null)
    {
        var at = now ?? DateTimeOffset.UtcNow;
        return new()
        {
            ["iss"] = Issuer,
            ["aud"] = Audience,
            ["sub"] = subject,
            ["pi_tenant"] = tenant,
            ["roles"] = new[] { role },
            ["iat"] = at.ToUnixTimeSeconds(),
            ["nbf"] = at.ToUnixTimeSeconds(),
            ["exp"] = (at + (lifetime ?? TimeSpan.FromMinutes(10))).ToUnixTimeSeconds(),
        };
    }

    public static Dictionary<string, object?> Grant(string approver, TimeSpan lifetime) => new()
    {
        ["id"] = "bg-2026-0042",
        ["approver"] = approver,
        ["exp"] = (DateTimeOffset.UtcNow + lifetime).ToUnixTimeSeconds(),
        ["reason"] = "chargeback_dispute",
    };

    public string Sign(IDictionary<string, object?> claims) => Sign(claims, _key);

    /// <summary>Signed by another key under the real key's ID.</summary>
    public string Forged(IDictionary<string, object?> claims) => Sign(claims, _forger);

    public static Metadata Bearer(string jwt) => new() { { "authorization", "Bearer " + jwt } };

    public Metadata As(string tenant, string role, string subject = "agent-alice") => Bearer(Sign(Claims(tenant, role, subject)));

    public void Dispose()
    {
        _key.Dispose();
        _forger.Dispose();
    }

    private static string Sign(IDictionary<string, object?> claims, ECDsa key) =>
        new JsonWebTokenHandler().CreateToken(
            JsonSerializer.Serialize(claims),
            new SigningCredentials(new ECDsaSecurityKey(key) { KeyId = "idp-1", CryptoProviderFactory = new CryptoProviderFactory { CacheSignatureProviders = false } }, SecurityAlgorithms.EcdsaSha256));
}

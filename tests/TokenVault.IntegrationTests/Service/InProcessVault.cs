using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using PrivateInference.Redactor.Tests.Grpc;
using PrivateInference.TokenVault.Authorization;
using PrivateInference.TokenVault.Hosting;
using PrivateInference.TokenVault.Storage;

namespace PrivateInference.TokenVault.IntegrationTests.Service;

/// <summary>The vault's real gRPC host (services, interceptor, service-token validation) on an in-memory test server,
/// over a store of the fixture's backend, with every log record captured.</summary>
internal sealed class InProcessVault : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly IVaultStore _store;

    private InProcessVault(WebApplication app, IVaultStore store, GrpcChannel channel, LogCapture logs)
    {
        _app = app;
        _store = store;
        Channel = channel;
        Logs = logs;
    }

    public GrpcChannel Channel { get; }

    public LogCapture Logs { get; }

    public static async Task<InProcessVault> StartAsync(VaultBackend backend, ServiceIdentities identities)
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        builder.Configuration["Vault:Identity:JwksFile"] = identities.JwksFile;
        var logs = new LogCapture();
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Trace);
        builder.Logging.AddProvider(logs);
        var store = backend.CreateStore();
        builder.Services.AddTokenVaultServices(builder.Configuration, services =>
            VaultRuntime.OpenAsync(store, backend.Kek, services.GetRequiredService<VaultOptions>(), ownsDependencies: false).GetAwaiter().GetResult());
        var app = builder.Build();
        app.MapTokenVault();
        await app.StartAsync();
        var channel = GrpcChannel.ForAddress("http://localhost", new GrpcChannelOptions { HttpHandler = app.GetTestServer().CreateHandler() });
        return new InProcessVault(app, store, channel, logs);
    }

    public async ValueTask DisposeAsync()
    {
        Channel.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        await _store.DisposeAsync();
    }
}

/// <summary>Development service identities in a temporary folder: the vault's JWKS, tokens it accepts, and tokens it
/// must refuse (another issuer's key, expired, another audience, unsigned).</summary>
internal sealed class ServiceIdentities : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("pi-vault-identity-").FullName;
    private readonly string _strangerFolder;

    public ServiceIdentities()
    {
        ServiceTokens.InitializeSigningKey(_folder);
        _strangerFolder = Path.Combine(_folder, "stranger");
        ServiceTokens.InitializeSigningKey(_strangerFolder);
    }

    public string JwksFile => Path.Combine(_folder, "jwks.json");

    public string Folder => _folder;

    public Metadata For(string subject, VaultRoles roles) => Bearer(ServiceTokens.Issue(_folder, subject, roles, TimeSpan.FromMinutes(5)));

    /// <summary>Signed by a key the vault does not know, otherwise perfect.</summary>
    public Metadata Forged(VaultRoles roles) => Bearer(ServiceTokens.Issue(_strangerFolder, "svc:forger", roles, TimeSpan.FromMinutes(5)));

    public Metadata WrongAudience(VaultRoles roles) => Bearer(ServiceTokens.Issue(_folder, "svc:elsewhere", roles, TimeSpan.FromMinutes(5), audience: "privateinference-rehydrator"));

    public Metadata WrongIssuer(VaultRoles roles) => Bearer(ServiceTokens.Issue(_folder, "svc:elsewhere", roles, TimeSpan.FromMinutes(5), issuer: "someone-else"));

    /// <summary>Signed with the vault's issuer key, but expired five minutes ago (beyond the 30 s clock skew).</summary>
    public Metadata Expired(VaultRoles roles)
    {
        using var ecdsa = ECDsa.Create();
        ecdsa.ImportFromPem(File.ReadAllText(Path.Combine(_folder, "signing-key.pem")));
        var keyId = JsonDocument.Parse(File.ReadAllText(JwksFile)).RootElement.GetProperty("keys")[0].GetProperty("kid").GetString();
        var now = DateTime.UtcNow;
        var token = new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = ServiceTokens.DefaultIssuer,
            Audience = ServiceTokens.DefaultAudience,
            IssuedAt = now.AddMinutes(-15),
            NotBefore = now.AddMinutes(-15),
            Expires = now.AddMinutes(-5),
            Claims = new Dictionary<string, object> { ["sub"] = "svc:late", [ServiceTokens.RolesClaim] = new[] { ServiceTokens.RoleName(roles) } },
            SigningCredentials = new SigningCredentials(ServiceTokens.Uncached(new ECDsaSecurityKey(ecdsa) { KeyId = keyId }), SecurityAlgorithms.EcdsaSha256),
        });
        return Bearer(token);
    }

    /// <summary>"alg": "none", no signature.</summary>
    public static Metadata Unsigned(VaultRoles roles)
    {
        static string Part(string json) => Base64UrlEncoder.Encode(Encoding.UTF8.GetBytes(json));
        var payload = $$"""{"sub":"svc:nobody","iss":"{{ServiceTokens.DefaultIssuer}}","aud":"{{ServiceTokens.DefaultAudience}}","exp":{{DateTimeOffset.UtcNow.AddMinutes(5).ToUnixTimeSeconds()}},"{{ServiceTokens.RolesClaim}}":["{{ServiceTokens.RoleName(roles)}}"]}""";
        return Bearer($"{Part("""{"alg":"none","typ":"JWT"}""")}.{Part(payload)}.");
    }

    public static Metadata Bearer(string token) => new() { { "authorization", "Bearer " + token } };

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}

using Microsoft.Extensions.Configuration.Memory;
using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using PrivateInference.Bench.Vault;
using PrivateInference.Redactor.Hosting;
using PrivateInference.Rehydrator.Hosting;
using PrivateInference.TokenVault;
using PrivateInference.TokenVault.Authorization;
using PrivateInference.TokenVault.Hosting;
using PrivateInference.TokenVault.Keys;
using PrivateInference.TokenVault.Storage;

namespace PrivateInference.Bench.Pipeline;

/// <summary>
/// The TokenVault, the Redactor and the Rehydrator as real Kestrel gRPC services on loopback ports of their own (HTTP/2
/// without TLS, as inside the compose network), in this process, configured the way their hosts are
/// (<see cref="VaultHosting"/>, <see cref="RedactorHosting"/>, <see cref="RehydratorHosting"/>) except for the store,
/// which the benchmark opens so it can time its calls.
/// </summary>
/// <remarks>
/// Development identities in a temporary folder: the vault's service-token issuer (the Redactor's tokenizer token, the
/// Rehydrator's detokenizer token and the benchmark's own key-admin and tokenizer tokens) and a stand-in enterprise identity provider for agent JWTs.
/// Logging below Warning is off in every host (ASP.NET Core's per-request Information lines to a console would
/// measure the terminal); the figures say so.
/// </remarks>
internal sealed class PipelineServices(DirectoryInfo folder, WebApplication vault, WebApplication redactor, WebApplication rehydrator, TimedVaultStore store, IKekProvider kek) : IAsyncDisposable
{
    public const string AgentIssuer = "https://idp.bench.example.test";
    public const string AgentAudience = "privateinference-rehydrator";

    public string VaultUrl { get; } = vault.Urls.First();

    public string RedactorUrl { get; } = redactor.Urls.First();

    public string RehydratorUrl { get; } = rehydrator.Urls.First();

    public TimedVaultStore Store => store;

    public IKekProvider Kek => kek;

    public string VaultJwks => Path.Combine(VaultIdentity, "jwks.json");

    public string AgentJwks => Path.Combine(AgentIdentity, "jwks.json");

    private string VaultIdentity => Path.Combine(folder.FullName, "vault-identity");

    private string AgentIdentity => Path.Combine(folder.FullName, "agent-idp");

    /// <summary>Starts the three services over <paramref name="store"/> (disposed with them); <paramref name="revealsPerMinute"/>
    /// is the Rehydrator's per-caller rate limit.</summary>
    public static async Task<PipelineServices> StartAsync(IVaultStore store, int revealsPerMinute)
    {
        var folder = Directory.CreateTempSubdirectory("pi-bench-pipeline-");
        var timed = new TimedVaultStore(store);
        var kek = KekProviderFactory.Create(Path.Combine(folder.FullName, "keys"));
        ServiceTokens.InitializeSigningKey(Path.Combine(folder.FullName, "vault-identity"));
        ServiceTokens.InitializeSigningKey(Path.Combine(folder.FullName, "agent-idp"));

        var vaultBuilder = WebApplication.CreateBuilder();
        Quiet(vaultBuilder);
        // VaultHosting.AddTokenVault without its store from the environment: HTTP/2 only, the same services.
        vaultBuilder.WebHost.UseUrls("http://127.0.0.1:0");
        vaultBuilder.WebHost.ConfigureKestrel(kestrel => kestrel.ConfigureEndpointDefaults(listen => listen.Protocols = HttpProtocols.Http2));
        vaultBuilder.Configuration.Sources.Insert(0, new MemoryConfigurationSource { InitialData = [new("Logging:LogLevel:Microsoft.AspNetCore", "Warning")] });
        vaultBuilder.Configuration[ServiceIdentityOptions.SectionName + ":JwksFile"] = Path.Combine(folder.FullName, "vault-identity", "jwks.json");
        vaultBuilder.Services.AddTokenVaultServices(vaultBuilder.Configuration, services =>
            VaultRuntime.OpenAsync(timed, kek, services.GetRequiredService<VaultOptions>()).GetAwaiter().GetResult());
        var vault = vaultBuilder.Build();
        vault.MapTokenVault();
        await vault.StartAsync().ConfigureAwait(false);

        // The Redactor as its host configures it (RedactorHosting.AddRedactor): every type, every one tokenized.
        var redactorBuilder = WebApplication.CreateBuilder();
        Quiet(redactorBuilder);
        redactorBuilder.WebHost.UseUrls("http://127.0.0.1:0");
        redactorBuilder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Redactor:VaultUrl"] = vault.Urls.First(),
            ["Redactor:VaultToken"] = ServiceTokens.Issue(Path.Combine(folder.FullName, "vault-identity"), "svc:redactor", VaultRoles.Tokenizer, TimeSpan.FromHours(2)),
        });
        redactorBuilder.AddRedactor();
        var redactor = redactorBuilder.Build();
        redactor.MapRedactor();
        await redactor.StartAsync().ConfigureAwait(false);

        var rehydratorToken = ServiceTokens.Issue(Path.Combine(folder.FullName, "vault-identity"), "svc:rehydrator", VaultRoles.Detokenizer, TimeSpan.FromHours(2));
        var rehydratorBuilder = WebApplication.CreateBuilder();
        Quiet(rehydratorBuilder);
        rehydratorBuilder.WebHost.UseUrls("http://127.0.0.1:0");
        var settings = new Dictionary<string, string?>
        {
            ["Rehydrator:PolicyFile"] = Path.Combine(AppContext.BaseDirectory, "rehydration-policy.json"),
            ["Rehydrator:Identity:JwksFile"] = Path.Combine(folder.FullName, "agent-idp", "jwks.json"),
            ["Rehydrator:Identity:Issuer"] = AgentIssuer,
            ["Rehydrator:Identity:Audience"] = AgentAudience,
            ["Rehydrator:RevealsPerMinute"] = revealsPerMinute.ToString(CultureInfo.InvariantCulture),
            ["Rehydrator:VaultUrl"] = vault.Urls.First(),
            ["Rehydrator:VaultToken"] = rehydratorToken,
        };
        rehydratorBuilder.Configuration.AddInMemoryCollection(settings);
        rehydratorBuilder.AddRehydrator();
        var rehydrator = rehydratorBuilder.Build();
        rehydrator.MapRehydrator();
        await rehydrator.StartAsync().ConfigureAwait(false);
        return new PipelineServices(folder, vault, redactor, rehydrator, timed, kek);
    }

    /// <summary>A service token of the vault's issuer (key-admin, tokenizer, auditor for the benchmark itself).</summary>
    public string ServiceToken(string subject, VaultRoles roles) => ServiceTokens.Issue(VaultIdentity, subject, roles, TimeSpan.FromHours(2));

    /// <summary>An agent JWT of the stand-in identity provider.</summary>
    public string AgentToken(string subject, string tenantId, params string[] roles) =>
        ServiceTokens.IssueJwt(AgentIdentity, AgentIssuer, AgentAudience, TimeSpan.FromHours(2), new Dictionary<string, object>
        {
            ["sub"] = subject,
            ["pi_tenant"] = tenantId,
            ["roles"] = roles,
        });

    public async ValueTask DisposeAsync()
    {
        await rehydrator.StopAsync().ConfigureAwait(false);
        await rehydrator.DisposeAsync().ConfigureAwait(false);
        await redactor.StopAsync().ConfigureAwait(false);
        await redactor.DisposeAsync().ConfigureAwait(false);
        await vault.StopAsync().ConfigureAwait(false);
        await vault.DisposeAsync().ConfigureAwait(false);
        folder.Delete(recursive: true);
    }

    private static void Quiet(WebApplicationBuilder builder)
    {
        builder.Logging.ClearProviders();
        builder.Logging.AddConsole();
        // PI_BENCH_LOG_LEVEL=Information measures what a host's default logging costs (the console output goes to stdout).
        builder.Logging.SetMinimumLevel(Enum.TryParse<LogLevel>(Environment.GetEnvironmentVariable("PI_BENCH_LOG_LEVEL"), out var level) ? level : LogLevel.Warning);
    }
}

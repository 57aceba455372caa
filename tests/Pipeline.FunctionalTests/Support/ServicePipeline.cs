using System.Net;
using System.Security.Cryptography;
using System.Text;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using PrivateInference.Contracts.Redactor.V1;
using PrivateInference.Contracts.Rehydrator.V1;
using PrivateInference.Contracts.Vault.V1;
using PrivateInference.Redactor.Hosting;
using PrivateInference.Redactor.Tests.Grpc;
using PrivateInference.Rehydrator.Hosting;
using PrivateInference.TokenVault;
using PrivateInference.TokenVault.Authorization;
using PrivateInference.TokenVault.Hosting;
using PrivateInference.TokenVault.Keys;
using PrivateInference.TokenVault.Storage;

namespace PrivateInference.Pipeline.FunctionalTests.Support;

/// <summary>
/// TokenVault (PostgreSQL schema of its own, KEKs in SoftHSM2), Redactor and Rehydrator as three gRPC hosts on Kestrel,
/// 127.0.0.1, port 0: each reaches the others only over gRPC, with development service tokens (redactor = tokenizer,
/// rehydrator = detokenizer). Every log record of each host is captured.
/// </summary>
internal sealed class ServicePipeline : IAsyncDisposable
{
    private readonly List<WebApplication> _apps = [];
    private readonly List<GrpcChannel> _channels = [];
    private readonly string _folder = Directory.CreateTempSubdirectory("pi-pipeline-").FullName;
    private Pkcs11KekProvider? _kek;

    private ServicePipeline()
    {
        Schema = $"ft_{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))}";
        Idp = new AgentIdp(_folder);
    }

    public string Schema { get; }

    public AgentIdp Idp { get; }

    public LogCapture VaultLogs { get; } = new();

    public LogCapture RedactorLogs { get; } = new();

    public LogCapture RehydratorLogs { get; } = new();

    public RedactorService.RedactorServiceClient Redactor { get; private set; } = null!;

    public RehydratorService.RehydratorServiceClient Rehydrator { get; private set; } = null!;

    public KeyAdminService.KeyAdminServiceClient KeyAdmin { get; private set; } = null!;

    /// <summary>The vault's data plane, for tests that check what it holds (with <see cref="DetokenizerToken"/>).</summary>
    public TokenVaultService.TokenVaultServiceClient Vault { get; private set; } = null!;

    /// <summary>The Rehydrator's identity towards the vault (the detokenizer role).</summary>
    public Metadata DetokenizerToken => Bearer(ServiceTokens.Issue(ServiceKeys, "svc:rehydrator", VaultRoles.Detokenizer, TimeSpan.FromMinutes(30)));

    public Metadata AdminToken => Bearer(ServiceTokens.Issue(ServiceKeys, "admin:alice", VaultRoles.KeyAdmin, TimeSpan.FromMinutes(30)));

    public string AllLogs => string.Join('\n', VaultLogs.Records.Concat(RedactorLogs.Records).Concat(RehydratorLogs.Records));

    private string ServiceKeys => Path.Combine(_folder, "service-identity");

    public static async Task<ServicePipeline> StartAsync()
    {
        var pipeline = new ServicePipeline();
        try
        {
            await pipeline.StartServicesAsync();
            return pipeline;
        }
        catch
        {
            await pipeline.DisposeAsync();
            throw;
        }
    }

    public async Task CreateTenantAsync(string tenantId) =>
        await KeyAdmin.CreateTenantAsync(new CreateTenantRequest { TenantId = tenantId }, AdminToken);

    /// <summary>Every row of every table of the vault's schema as text (bytea as hex), for leak checks.</summary>
    public async Task<string> DumpDatabaseAsync()
    {
        await using var connection = new NpgsqlConnection(PipelineEnvironment.Postgres);
        await connection.OpenAsync();
        var tables = new List<string>();
        await using (var list = new NpgsqlCommand("SELECT table_name FROM information_schema.tables WHERE table_schema = @schema AND table_type = 'BASE TABLE'", connection))
        {
            list.Parameters.AddWithValue("schema", Schema);
            await using var reader = await list.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                tables.Add(reader.GetString(0));
            }
        }

        Assert.That(tables, Does.Contain("tokens").And.Contain("audit_events"), "the vault's schema was found");
        var dump = new StringBuilder();
        foreach (var table in tables)
        {
            await using var select = new NpgsqlCommand($"SELECT t::text FROM \"{Schema}\".\"{table}\" t", connection);
            await using var reader = await select.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                dump.Append(table).Append('|').AppendLine(reader.GetString(0));
            }
        }

        return dump.ToString();
    }

    /// <summary>The audit rows (actor, action, outcome, detail) of one tenant's chain, oldest first.</summary>
    public async Task<IReadOnlyList<string>> AuditRowsAsync(string tenantId)
    {
        await using var connection = new NpgsqlConnection(PipelineEnvironment.Postgres);
        await connection.OpenAsync();
        await using var select = new NpgsqlCommand($"SELECT actor || '|' || action || '|' || outcome || '|' || detail::text FROM \"{Schema}\".audit_events WHERE tenant_id = @tenant ORDER BY seq", connection);
        select.Parameters.AddWithValue("tenant", tenantId);
        await using var reader = await select.ExecuteReaderAsync();
        var rows = new List<string>();
        while (await reader.ReadAsync())
        {
            rows.Add(reader.GetString(0));
        }

        return rows;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var channel in _channels)
        {
            channel.Dispose();
        }

        foreach (var app in Enumerable.Reverse(_apps))
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }

        _kek?.Dispose();
        Idp.Dispose();
        VaultLogs.Dispose();
        RedactorLogs.Dispose();
        RehydratorLogs.Dispose();
        try
        {
            await using var connection = new NpgsqlConnection(PipelineEnvironment.Postgres);
            await connection.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP SCHEMA IF EXISTS \"{Schema}\" CASCADE", connection);
            await drop.ExecuteNonQueryAsync();
        }
        finally
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    private static Metadata Bearer(string token) => new() { { "authorization", "Bearer " + token } };

    private static WebApplicationBuilder Builder(LogCapture logs)
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, l => l.Protocols = HttpProtocols.Http2));
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Trace);
        builder.Logging.AddProvider(logs);
        return builder;
    }

    private async Task<string> RunAsync(WebApplication app)
    {
        _apps.Add(app);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return address.Replace("[::1]", "127.0.0.1", StringComparison.Ordinal);
    }

    private GrpcChannel Channel(string address)
    {
        var channel = GrpcChannel.ForAddress(address, new GrpcChannelOptions { MaxSendMessageSize = null });
        _channels.Add(channel);
        return channel;
    }

    private async Task StartServicesAsync()
    {
        ServiceTokens.InitializeSigningKey(ServiceKeys);
        var redactorToken = Path.Combine(_folder, "redactor.token");
        var rehydratorToken = Path.Combine(_folder, "rehydrator.token");
        await File.WriteAllTextAsync(redactorToken, ServiceTokens.Issue(ServiceKeys, "svc:redactor", VaultRoles.Tokenizer, TimeSpan.FromHours(1)));
        await File.WriteAllTextAsync(rehydratorToken, ServiceTokens.Issue(ServiceKeys, "svc:rehydrator", VaultRoles.Detokenizer, TimeSpan.FromHours(1)));

        // ② TokenVault: PostgreSQL (a schema of this fixture's own) and the SoftHSM2 token.
        _kek = new Pkcs11KekProvider(new Pkcs11KekProviderOptions
        {
            ModulePath = PipelineEnvironment.Pkcs11Module,
            TokenLabel = PipelineEnvironment.Pkcs11Token,
            Pin = PipelineEnvironment.Pkcs11Pin,
        });
        var vaultBuilder = Builder(VaultLogs);
        vaultBuilder.Configuration["Vault:Identity:JwksFile"] = Path.Combine(ServiceKeys, "jwks.json");
        var kek = _kek;
        var schema = Schema;
        vaultBuilder.Services.AddTokenVaultServices(vaultBuilder.Configuration, services =>
            VaultRuntime.OpenAsync(new PostgresVaultStore(PipelineEnvironment.Postgres, schema), kek, services.GetRequiredService<VaultOptions>(), ownsDependencies: false).GetAwaiter().GetResult());
        var vault = vaultBuilder.Build();
        vault.MapTokenVault();
        var vaultUrl = await RunAsync(vault);
        KeyAdmin = new KeyAdminService.KeyAdminServiceClient(Channel(vaultUrl));
        Vault = new TokenVaultService.TokenVaultServiceClient(Channel(vaultUrl));

        // ① Redactor: tokenizer identity only.
        var redactorBuilder = Builder(RedactorLogs);
        redactorBuilder.Configuration["Redactor:MaxTextLength"] = MaxTextLength.ToString(System.Globalization.CultureInfo.InvariantCulture);
        redactorBuilder.Configuration["Redactor:VaultUrl"] = vaultUrl;
        redactorBuilder.Configuration["Redactor:VaultTokenFile"] = redactorToken;
        redactorBuilder.Services.AddRedactorServices(redactorBuilder.Configuration);
        var redactor = redactorBuilder.Build();
        redactor.MapRedactor();
        Redactor = new RedactorService.RedactorServiceClient(Channel(await RunAsync(redactor)));

        // ④ Rehydrator: detokenizer identity only, agents' JWTs from the stand-in IdP, the shipped policy.
        var rehydratorBuilder = Builder(RehydratorLogs);
        rehydratorBuilder.Configuration["Rehydrator:PolicyFile"] = Path.Combine(AppContext.BaseDirectory, "config", "rehydration-policy.json");
        rehydratorBuilder.Configuration["Rehydrator:MaxTextLength"] = MaxTextLength.ToString(System.Globalization.CultureInfo.InvariantCulture);
        rehydratorBuilder.Configuration["Rehydrator:Identity:JwksFile"] = Idp.JwksFile;
        rehydratorBuilder.Configuration["Rehydrator:Identity:Issuer"] = AgentIdp.Issuer;
        rehydratorBuilder.Configuration["Rehydrator:Identity:Audience"] = AgentIdp.Audience;
        rehydratorBuilder.Configuration["Rehydrator:VaultUrl"] = vaultUrl;
        rehydratorBuilder.Configuration["Rehydrator:VaultTokenFile"] = rehydratorToken;
        rehydratorBuilder.Services.AddRehydratorServices(rehydratorBuilder.Configuration);
        var rehydrator = rehydratorBuilder.Build();
        rehydrator.MapRehydrator();
        Rehydrator = new RehydratorService.RehydratorServiceClient(Channel(await RunAsync(rehydrator)));
    }

    /// <summary>The text limit of the Redactor and the Rehydrator in these tests (UTF-16 code units).</summary>
    public const int MaxTextLength = 64 * 1024;
}

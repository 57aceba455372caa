using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration.Memory;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using PrivateInference.Contracts.Vault.V1;
using PrivateInference.VaultClient;
using PrivateInference.Redactor.Detection;
using PrivateInference.Redactor.Grpc;
using PrivateInference.Redactor.Redaction;
using PrivateInference.Telemetry;

namespace PrivateInference.Redactor.Hosting;

/// <summary>Registers and maps the Redactor's gRPC service, health checks and reflection.</summary>
public static class RedactorHosting
{
    /// <summary>Adds the Redactor's services; gRPC over HTTP/2 only, detailed errors off.</summary>
    public static WebApplicationBuilder AddRedactor(this WebApplicationBuilder builder)
    {
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.ConfigureEndpointDefaults(listen => listen.Protocols = HttpProtocols.Http2));
        // A default that configuration overrides (appsettings, Logging__LogLevel__Microsoft.AspNetCore): ASP.NET Core's
        // four Information lines per request (request starting/finished, endpoint executing/executed) stay off the hot path.
        builder.Configuration.Sources.Insert(0, new MemoryConfigurationSource { InitialData = [new("Logging:LogLevel:Microsoft.AspNetCore", "Warning")] });
        builder.Configuration.AddInMemoryCollection(RedactorEnvironment.Read());
        builder.Services.AddRedactorServices(builder.Configuration);
        return builder;
    }

    /// <summary>Adds the Redactor's services to a container (used by the service host and test hosts).
    /// <paramref name="vaultFactory"/> replaces the gRPC vault client (test hosts).</summary>
    public static IServiceCollection AddRedactorServices(this IServiceCollection services, IConfiguration configuration, Func<IServiceProvider, IRedactionVault>? vaultFactory = null)
    {
        services.AddOptions<RedactorOptions>()
            .Bind(configuration.GetSection(RedactorOptions.SectionName))
            .Validate(o => o.MaxTextLength > 0, "Redactor:MaxTextLength must be positive")
            .Validate(o => string.IsNullOrWhiteSpace(o.VaultUrl) || Uri.TryCreate(o.VaultUrl, UriKind.Absolute, out _), "Redactor:VaultUrl (PI_VAULT_URL) must be an absolute address")
            .Validate(o => string.IsNullOrWhiteSpace(o.VaultUrl) || !string.IsNullOrWhiteSpace(o.VaultToken) || !string.IsNullOrWhiteSpace(o.VaultTokenFile), "PI_VAULT_TOKEN or PI_VAULT_TOKEN_FILE must hold the Redactor's service token for the vault")
            .ValidateOnStart();
        services.AddSingleton(vaultFactory ?? GrpcVault);
        // Resolves the vault at start-up, so a Redactor without one says so once when it starts, not at the first call.
        services.AddHostedService<VaultAtStartUp>();
        services.AddSingleton(sp => new RedactionEngine(
            sp.GetRequiredService<DetectionEngine>(),
            sp.GetRequiredService<IRedactionVault>(),
            sp.GetRequiredService<IOptions<RedactorOptions>>().Value.MaxTextLength,
            sp.GetRequiredService<ILogger<RedactionEngine>>()));
        services.AddSingleton(DetectionEngine.Default);
        services.AddSingleton(sp =>
        {
            // A policy that cannot be read stops the service at start-up rather than scanning with a guess.
            var file = sp.GetRequiredService<IOptions<RedactorOptions>>().Value.PolicyFile;
            return string.IsNullOrWhiteSpace(file) ? Policy.DetectionPolicy.Everything : Policy.DetectionPolicy.Load(file);
        });
        services.AddSingleton<ExceptionMappingInterceptor>();
        services.AddGrpc(grpc =>
        {
            // Telemetry outermost: it records the status the exception mapping gives the caller.
            grpc.Interceptors.Add<TelemetryInterceptor>(RedactorTelemetry.Service);
            grpc.Interceptors.Add<ExceptionMappingInterceptor>();
        });
        services.AddSingleton<IConfigureOptions<global::Grpc.AspNetCore.Server.GrpcServiceOptions>, ReceiveLimitSetup>();
        services.AddGrpcHealthChecks().AddCheck("redactor", () => HealthCheckResult.Healthy());
        services.AddGrpcReflection();
        return services;
    }

    /// <summary>Maps the Redactor's gRPC endpoints.</summary>
    public static IEndpointRouteBuilder MapRedactor(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGrpcService<RedactorGrpcService>();
        endpoints.MapGrpcHealthChecksService();
        endpoints.MapGrpcReflectionService();
        return endpoints;
    }

    private static IRedactionVault GrpcVault(IServiceProvider services)
    {
        var options = services.GetRequiredService<IOptions<RedactorOptions>>().Value;
        if (string.IsNullOrWhiteSpace(options.VaultUrl))
        {
            RedactorLog.NoVault(services.GetRequiredService<ILogger<RedactionEngine>>());
            return new UnconfiguredVault();
        }

        var channel = VaultChannel.Create(options.VaultUrl);
        return new GrpcRedactionVault(new TokenVaultService.TokenVaultServiceClient(channel), VaultCallCredentials.Create(options.VaultToken, options.VaultTokenFile, options.VaultTimeout));
    }

    /// <summary>Creates the vault client (or <see cref="UnconfiguredVault"/>, logged) when the host starts.</summary>
    private sealed class VaultAtStartUp(IServiceProvider services) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            services.GetRequiredService<IRedactionVault>();
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }

    /// <summary>Lets messages a little over the text limit through gRPC so the service itself can refuse
    /// them with a status that names the limit (UTF-8 may take 3 bytes per UTF-16 code unit).</summary>
    private sealed class ReceiveLimitSetup(IOptions<RedactorOptions> redactor) : IConfigureOptions<global::Grpc.AspNetCore.Server.GrpcServiceOptions>
    {
        public void Configure(global::Grpc.AspNetCore.Server.GrpcServiceOptions options) =>
            options.MaxReceiveMessageSize = (int)Math.Min(int.MaxValue, ((long)redactor.Value.MaxTextLength * 3) + (64 * 1024));
    }
}

using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration.Memory;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using PrivateInference.Contracts.Vault.V1;
using PrivateInference.VaultClient;
using PrivateInference.Rehydrator.Authorization;
using PrivateInference.Rehydrator.Grpc;
using PrivateInference.Rehydrator.Policy;
using PrivateInference.Rehydrator.Rehydration;
using PrivateInference.Telemetry;

namespace PrivateInference.Rehydrator.Hosting;

/// <summary>Registers and maps the Rehydrator's gRPC service and health checks.</summary>
/// <remarks>A policy, JWKS or vault setting that is missing or broken stops the host at start-up: the service never
/// runs with a guessed policy or without agent authentication. Detailed errors stay off; nothing logs payloads.</remarks>
public static class RehydratorHosting
{
    /// <summary>Adds the Rehydrator's services configured from the <c>PI_*</c> environment variables and the
    /// <c>Rehydrator</c> section; gRPC over HTTP/2 only.</summary>
    public static WebApplicationBuilder AddRehydrator(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.ConfigureEndpointDefaults(listen => listen.Protocols = HttpProtocols.Http2));
        // A default that configuration overrides (appsettings, Logging__LogLevel__Microsoft.AspNetCore), as in the Redactor
        // and the vault: ASP.NET Core's four Information lines per request stay off the hot path.
        builder.Configuration.Sources.Insert(0, new MemoryConfigurationSource { InitialData = [new("Logging:LogLevel:Microsoft.AspNetCore", "Warning")] });
        builder.Configuration.AddInMemoryCollection(RehydratorEnvironment.Read());
        builder.Services.AddRehydratorServices(builder.Configuration);
        return builder;
    }

    /// <summary>Adds the Rehydrator's services to a container. <paramref name="vaultFactory"/> replaces the gRPC vault
    /// client (test hosts); <paramref name="timeProvider"/> the clock.</summary>
    public static IServiceCollection AddRehydratorServices(this IServiceCollection services, IConfiguration configuration, Func<IServiceProvider, IRehydrationVault>? vaultFactory = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<RehydratorOptions>()
            .Bind(configuration.GetSection(RehydratorOptions.SectionName))
            .Validate(o => !string.IsNullOrWhiteSpace(o.PolicyFile), "Rehydrator:PolicyFile (PI_REHYDRATOR_POLICY) must name the rehydration policy")
            .Validate(o => o.MaxTextLength > 0 && o.RevealsPerMinute > 0, "Rehydrator:MaxTextLength and Rehydrator:RevealsPerMinute must be positive")
            .Validate(o => vaultFactory is not null || Uri.TryCreate(o.VaultUrl, UriKind.Absolute, out _), "Rehydrator:VaultUrl (PI_VAULT_URL) must be the vault's address")
            .Validate(o => vaultFactory is not null || !string.IsNullOrWhiteSpace(o.VaultToken) || !string.IsNullOrWhiteSpace(o.VaultTokenFile), "PI_VAULT_TOKEN or PI_VAULT_TOKEN_FILE must hold the Rehydrator's service token for the vault")
            .ValidateOnStart();
        var clock = timeProvider ?? TimeProvider.System;
        services.AddSingleton(sp => RehydrationPolicy.Load(Options(sp).PolicyFile!));
        services.AddSingleton(sp => new AgentAuthenticator(Options(sp).Identity, clock));
        services.AddSingleton(vaultFactory ?? GrpcVault);
        services.AddSingleton(sp =>
        {
            var options = Options(sp);
            return new RehydrationEngine(
                sp.GetRequiredService<RehydrationPolicy>(),
                sp.GetRequiredService<IRehydrationVault>(),
                new RehydrationOptions { MaxTextLength = options.MaxTextLength, RevealsPerMinute = options.RevealsPerMinute, ClockSkew = options.Identity.ClockSkew },
                sp.GetRequiredService<ILogger<RehydrationEngine>>(),
                clock);
        });
        services.AddHostedService<StartupCheck>();
        services.AddSingleton<ExceptionMappingInterceptor>();
        services.AddGrpc(grpc =>
        {
            // Telemetry outermost: it records the status the exception mapping gives the caller.
            grpc.Interceptors.Add<TelemetryInterceptor>(RehydratorTelemetry.Service);
            grpc.Interceptors.Add<ExceptionMappingInterceptor>();
        });
        services.AddSingleton<IConfigureOptions<global::Grpc.AspNetCore.Server.GrpcServiceOptions>, ReceiveLimitSetup>();
        services.AddGrpcHealthChecks().AddCheck("rehydrator", () => HealthCheckResult.Healthy());
        return services;
    }

    /// <summary>Maps the Rehydrator's gRPC endpoints.</summary>
    public static IEndpointRouteBuilder MapRehydrator(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGrpcService<RehydratorGrpcService>();
        endpoints.MapGrpcHealthChecksService();
        return endpoints;
    }

    private static RehydratorOptions Options(IServiceProvider services) => services.GetRequiredService<IOptions<RehydratorOptions>>().Value;

    private static GrpcRehydrationVault GrpcVault(IServiceProvider services)
    {
        var options = Options(services);
        var channel = VaultChannel.Create(options.VaultUrl!);
        return new GrpcRehydrationVault(new TokenVaultService.TokenVaultServiceClient(channel), VaultCallCredentials.Create(options.VaultToken, options.VaultTokenFile, options.VaultTimeout));
    }

    /// <summary>Builds the policy, the authenticator and the engine when the host starts, so a broken setting stops it
    /// then rather than failing the first request.</summary>
    private sealed class StartupCheck(IServiceProvider services) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            services.GetRequiredService<AgentAuthenticator>();
            services.GetRequiredService<RehydrationEngine>();
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }

    /// <summary>Lets messages a little over the text limit through gRPC so the service itself refuses them with a status
    /// that names the limit (UTF-8 may take 3 bytes per UTF-16 code unit).</summary>
    private sealed class ReceiveLimitSetup(IOptions<RehydratorOptions> rehydrator) : IConfigureOptions<global::Grpc.AspNetCore.Server.GrpcServiceOptions>
    {
        public void Configure(global::Grpc.AspNetCore.Server.GrpcServiceOptions options) =>
            options.MaxReceiveMessageSize = (int)Math.Min(int.MaxValue, ((long)rehydrator.Value.MaxTextLength * 3) + (64 * 1024));
    }
}

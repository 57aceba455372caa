using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration.Memory;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using PrivateInference.TokenVault.Audit;
using PrivateInference.TokenVault.Authorization;
using PrivateInference.TokenVault.Grpc;
using PrivateInference.TokenVault.Keys;
using PrivateInference.Telemetry;
using PrivateInference.TokenVault.Storage;

namespace PrivateInference.TokenVault.Hosting;

/// <summary>Registers and maps the TokenVault's gRPC services on one replica.</summary>
/// <remarks>
/// Storage: <c>PI_VAULT_POSTGRES</c> (PostgreSQL) or <c>$PI_HOME/vault.db</c>. Keys: PKCS#11 when
/// <c>PI_PKCS11_MODULE</c> is set, else the local development provider in <c>Vault:LocalKeyDirectory</c>
/// (<c>$PI_HOME/keys</c>), loudly logged. Identity: service tokens verified with <c>Vault:Identity:JwksFile</c>;
/// without one the service does not start. Signed audit checkpoints on a schedule: <c>PI_AUDIT_CHECKPOINT_INTERVAL</c>
/// (e.g. <c>15m</c>; unset is off).
/// </remarks>
public static class VaultHosting
{
    public static WebApplicationBuilder AddTokenVault(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.ConfigureEndpointDefaults(listen => listen.Protocols = HttpProtocols.Http2));
        // A default that configuration overrides (appsettings, Logging__LogLevel__Microsoft.AspNetCore): ASP.NET Core's
        // four Information lines per request (request starting/finished, endpoint executing/executed) stay off the hot path.
        builder.Configuration.Sources.Insert(0, new MemoryConfigurationSource { InitialData = [new("Logging:LogLevel:Microsoft.AspNetCore", "Warning")] });
        builder.Services.AddTokenVaultServices(builder.Configuration);
        return builder;
    }

    /// <summary>Adds the vault's services; the store and KEK provider come from <paramref name="runtimeFactory"/> when
    /// given (tests), else from the environment.</summary>
    public static IServiceCollection AddTokenVaultServices(this IServiceCollection services, IConfiguration configuration, Func<IServiceProvider, VaultRuntime>? runtimeFactory = null)
    {
        var options = configuration.GetSection("Vault").Get<VaultOptions>() ?? new VaultOptions();
        options.AuditCheckpointInterval ??= ScheduledCheckpoints.ParseInterval(configuration["PI_AUDIT_CHECKPOINT_INTERVAL"]);
        var identity = configuration.GetSection(ServiceIdentityOptions.SectionName).Get<ServiceIdentityOptions>() ?? new ServiceIdentityOptions();
        services.AddSingleton(options);
        services.AddSingleton(new ServiceTokenValidator(identity));
        services.AddSingleton(runtimeFactory ?? (sp => OpenFromEnvironment(sp, options, configuration)));
        services.AddSingleton(sp => sp.GetRequiredService<VaultRuntime>().Pseudonyms);
        services.AddSingleton(sp => sp.GetRequiredService<VaultRuntime>().Keys);
        services.AddSingleton(sp => sp.GetRequiredService<VaultRuntime>().Audit);
        services.AddSingleton(sp => sp.GetRequiredService<VaultRuntime>().Trail);
        services.AddHostedService(sp => new RuntimeLifetime(sp.GetRequiredService<VaultRuntime>()));
        services.AddSingleton<VaultInterceptor>();
        services.AddGrpc(grpc =>
        {
            // Telemetry outermost: it records the status the vault's interceptor gives the caller.
            grpc.Interceptors.Add<TelemetryInterceptor>(VaultTelemetry.Service);
            grpc.Interceptors.Add<VaultInterceptor>();
        });
        services.AddGrpcHealthChecks().AddCheck("vault", () => HealthCheckResult.Healthy());
        return services;
    }

    public static IEndpointRouteBuilder MapTokenVault(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGrpcService<TokenVaultGrpcService>();
        endpoints.MapGrpcService<KeyAdminGrpcService>();
        endpoints.MapGrpcService<AuditGrpcService>();
        endpoints.MapGrpcHealthChecksService();
        return endpoints;
    }

    private static VaultRuntime OpenFromEnvironment(IServiceProvider services, VaultOptions options, IConfiguration configuration)
    {
        var keyDirectory = configuration["Vault:LocalKeyDirectory"] ?? Path.Combine(VaultStoreOptions.Home(), "keys");
        var kek = KekProviderFactory.Create(keyDirectory);
        if (kek.IsDevelopmentOnly)
        {
            VaultLog.DevelopmentKeyProvider(services.GetRequiredService<ILogger<VaultRuntime>>());
        }

        var store = VaultStoreFactory.Create(VaultStoreOptions.FromEnvironment());

        // Start-up only: the host cannot serve before the schema is current.
        return VaultRuntime.OpenAsync(store, kek, options, loggers: services.GetRequiredService<ILoggerFactory>()).GetAwaiter().GetResult();
    }

    /// <summary>Starts the replica's background work with the host and disposes the runtime after it.</summary>
    private sealed class RuntimeLifetime(VaultRuntime runtime) : IHostedService, IAsyncDisposable
    {
        public Task StartAsync(CancellationToken cancellationToken) => runtime.StartBackgroundAsync(cancellationToken);

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public ValueTask DisposeAsync() => runtime.DisposeAsync();
    }
}

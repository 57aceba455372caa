using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using PrivateInference.Redactor.Detection;
using PrivateInference.Redactor.Grpc;

namespace PrivateInference.Redactor.Hosting;

/// <summary>Registers and maps the Redactor's gRPC service, health checks and reflection.</summary>
public static class RedactorHosting
{
    /// <summary>Adds the Redactor's services; gRPC over HTTP/2 only, detailed errors off.</summary>
    public static WebApplicationBuilder AddRedactor(this WebApplicationBuilder builder)
    {
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.ConfigureEndpointDefaults(listen => listen.Protocols = HttpProtocols.Http2));
        builder.Services.AddRedactorServices(builder.Configuration);
        return builder;
    }

    /// <summary>Adds the Redactor's services to a container (used by the service host and test hosts).</summary>
    public static IServiceCollection AddRedactorServices(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<RedactorOptions>()
            .Bind(configuration.GetSection(RedactorOptions.SectionName))
            .Validate(o => o.MaxTextLength > 0, "Redactor:MaxTextLength must be positive")
            .ValidateOnStart();
        services.AddSingleton(DetectionEngine.Default);
        services.AddSingleton(sp =>
        {
            // A policy that cannot be read stops the service at start-up rather than scanning with a guess.
            var file = sp.GetRequiredService<IOptions<RedactorOptions>>().Value.PolicyFile;
            return string.IsNullOrWhiteSpace(file) ? Policy.DetectionPolicy.Everything : Policy.DetectionPolicy.Load(file);
        });
        services.AddSingleton<ExceptionMappingInterceptor>();
        services.AddGrpc(grpc => grpc.Interceptors.Add<ExceptionMappingInterceptor>());
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

    /// <summary>Lets messages a little over the text limit through gRPC so the service itself can refuse
    /// them with a status that names the limit (UTF-8 may take 3 bytes per UTF-16 code unit).</summary>
    private sealed class ReceiveLimitSetup(IOptions<RedactorOptions> redactor) : IConfigureOptions<global::Grpc.AspNetCore.Server.GrpcServiceOptions>
    {
        public void Configure(global::Grpc.AspNetCore.Server.GrpcServiceOptions options) =>
            options.MaxReceiveMessageSize = (int)Math.Min(int.MaxValue, ((long)redactor.Value.MaxTextLength * 3) + (64 * 1024));
    }
}

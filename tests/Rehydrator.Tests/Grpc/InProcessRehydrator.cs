using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Logging;
using PrivateInference.Contracts.Rehydrator.V1;
using PrivateInference.Rehydrator.Hosting;
using PrivateInference.Rehydrator.Tests.Support;

namespace PrivateInference.Rehydrator.Tests.Grpc;

/// <summary>The Rehydrator's real gRPC pipeline on an in-memory test server, over a fake vault, with every log record captured.</summary>
internal sealed class InProcessRehydrator : IAsyncDisposable
{
    private readonly WebApplication _app;

    private InProcessRehydrator(WebApplication app, GrpcChannel channel, FakeVault vault, LogRecords logs)
    {
        _app = app;
        Channel = channel;
        Vault = vault;
        Logs = logs;
        Client = new RehydratorService.RehydratorServiceClient(channel);
    }

    public GrpcChannel Channel { get; }

    public RehydratorService.RehydratorServiceClient Client { get; }

    public LogRecords Logs { get; }

    public FakeVault Vault { get; }

    public static async Task<InProcessRehydrator> StartAsync(AgentTokens idp, TimeProvider clock, int maxTextLength = 4096, int revealsPerMinute = 600, string? policyFile = null)
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        builder.Configuration["Rehydrator:PolicyFile"] = policyFile ?? Path.Combine(AppContext.BaseDirectory, "config", "rehydration-policy.json");
        builder.Configuration["Rehydrator:Identity:JwksFile"] = idp.JwksFile;
        builder.Configuration["Rehydrator:Identity:Issuer"] = AgentTokens.Issuer;
        builder.Configuration["Rehydrator:Identity:Audience"] = AgentTokens.Audience;
        builder.Configuration["Rehydrator:MaxTextLength"] = maxTextLength.ToString(System.Globalization.CultureInfo.InvariantCulture);
        builder.Configuration["Rehydrator:RevealsPerMinute"] = revealsPerMinute.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var vault = new FakeVault();
        var logs = new LogRecords();
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Trace);
        builder.Logging.AddProvider(logs);
        builder.Services.AddRehydratorServices(builder.Configuration, _ => vault, clock);
        var app = builder.Build();
        app.MapRehydrator();
        await app.StartAsync();
        var channel = GrpcChannel.ForAddress("http://localhost", new GrpcChannelOptions { HttpHandler = app.GetTestServer().CreateHandler(), MaxSendMessageSize = null });
        return new InProcessRehydrator(app, channel, vault, logs);
    }

    public static Metadata Bearer(string token) => new() { { "authorization", "Bearer " + token } };

    public async ValueTask DisposeAsync()
    {
        Channel.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Logging;
using PrivateInference.Redactor.Hosting;

namespace PrivateInference.Redactor.Tests.Grpc;

/// <summary>The Redactor's real gRPC pipeline on an in-memory test server, with every log record captured.</summary>
internal sealed class InProcessRedactor : IAsyncDisposable
{
    private readonly WebApplication _app;

    private InProcessRedactor(WebApplication app, GrpcChannel channel, LogCapture logs)
    {
        _app = app;
        Channel = channel;
        Logs = logs;
    }

    public GrpcChannel Channel { get; }

    public LogCapture Logs { get; }

    public static async Task<InProcessRedactor> StartAsync(int maxTextLength, string? policyFile = null, PrivateInference.Redactor.Redaction.IRedactionVault? vault = null)
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        builder.Configuration["Redactor:MaxTextLength"] = maxTextLength.ToString(System.Globalization.CultureInfo.InvariantCulture);
        builder.Configuration["Redactor:PolicyFile"] = policyFile;
        var logs = new LogCapture();
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Trace);
        builder.Logging.AddProvider(logs);
        builder.Services.AddRedactorServices(builder.Configuration, vault is null ? null : _ => vault);
        var app = builder.Build();
        app.MapRedactor();
        await app.StartAsync();
        var channel = GrpcChannel.ForAddress("http://localhost", new GrpcChannelOptions
        {
            HttpHandler = app.GetTestServer().CreateHandler(),
            MaxSendMessageSize = null,
        });
        return new InProcessRedactor(app, channel, logs);
    }

    public async ValueTask DisposeAsync()
    {
        Channel.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

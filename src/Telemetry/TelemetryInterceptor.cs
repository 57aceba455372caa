using System.Collections.Concurrent;
using System.Diagnostics;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Core.Interceptors;

namespace PrivateInference.Telemetry;

/// <summary>Times every call of the service's own RPCs: a span named <c>Service.Method</c> (a child of ASP.NET Core's
/// request span) tagged with the method, the request's tenant ID and the status code, and the service's call counter
/// and duration histogram. Health checks and reflection are not traced.</summary>
/// <remarks>Register it first, so that the service's exception mapping runs inside it and the status it records is the
/// one the caller gets. It reads no field of a request but <c>tenant_id</c>, and tags that only in the vault's tenant ID
/// grammar.</remarks>
public sealed class TelemetryInterceptor(ServiceTelemetry telemetry) : Interceptor
{
    private const string OwnServices = "/privateinference.";

    // "/privateinference.redactor.v1.RedactorService/Redact" → "Redact", once per method rather than once per call.
    private static readonly ConcurrentDictionary<string, string> MethodNames = new(StringComparer.Ordinal);

    /// <inheritdoc />
    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(continuation);
        if (!Traced(context, out var method))
        {
            return await continuation(request, context).ConfigureAwait(false);
        }

        var (activity, started) = Begin(context, method, request);
        try
        {
            var response = await continuation(request, context).ConfigureAwait(false);
            telemetry.EndCall(activity, method, StatusCode.OK, started);
            return response;
        }
        catch (Exception ex)
        {
            telemetry.EndCall(activity, method, StatusOf(ex), started);
            throw;
        }
    }

    /// <inheritdoc />
    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(continuation);
        if (!Traced(context, out var method))
        {
            await continuation(request, responseStream, context).ConfigureAwait(false);
            return;
        }

        var (activity, started) = Begin(context, method, request);
        await RunAsync(activity, method, started, () => continuation(request, responseStream, context)).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public override async Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(continuation);
        if (!Traced(context, out var method))
        {
            return await continuation(requestStream, context).ConfigureAwait(false);
        }

        var (activity, started) = Begin(context, method, request: null);
        TResponse response = default!;
        await RunAsync(activity, method, started, async () => response = await continuation(requestStream, context).ConfigureAwait(false)).ConfigureAwait(false);
        return response;
    }

    /// <inheritdoc />
    public override async Task DuplexStreamingServerHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(continuation);
        if (!Traced(context, out var method))
        {
            await continuation(requestStream, responseStream, context).ConfigureAwait(false);
            return;
        }

        var (activity, started) = Begin(context, method, request: null);
        await RunAsync(activity, method, started, () => continuation(requestStream, responseStream, context)).ConfigureAwait(false);
    }

    /// <summary>The status a caller sees for an exception that left the service's own interceptors.</summary>
    internal static StatusCode StatusOf(Exception ex) => ex switch
    {
        RpcException rpc => rpc.StatusCode,
        OperationCanceledException => StatusCode.Cancelled,
        _ => StatusCode.Unknown,
    };

    private static bool Traced(ServerCallContext context, out string method)
    {
        // Only methods the host registered reach an interceptor, so the map stays as small as the services' contracts.
        var full = context.Method;
        method = MethodNames.GetOrAdd(full, static f => f.LastIndexOf('/') is var slash and >= 0 ? f[(slash + 1)..] : f);
        return full.StartsWith(OwnServices, StringComparison.Ordinal);
    }

    private (Activity? Activity, long Started) Begin(ServerCallContext context, string method, object? request)
    {
        var started = Stopwatch.GetTimestamp();
        var activity = telemetry.StartCall(context, method);
        if (activity is not null && request is IMessage message && message.Descriptor.FindFieldByName("tenant_id") is { } field
            && field.Accessor.GetValue(message) is string { Length: > 0 } tenant)
        {
            activity.SetTag(ServiceTelemetry.TenantTag, ServiceTelemetry.TenantOrInvalid(tenant));
        }

        return (activity, started);
    }

    private async Task RunAsync(Activity? activity, string method, long started, Func<Task> call)
    {
        try
        {
            await call().ConfigureAwait(false);
            telemetry.EndCall(activity, method, StatusCode.OK, started);
        }
        catch (Exception ex)
        {
            telemetry.EndCall(activity, method, StatusOf(ex), started);
            throw;
        }
    }
}

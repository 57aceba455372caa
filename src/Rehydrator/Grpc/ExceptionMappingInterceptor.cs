using Grpc.Core;
using Grpc.Core.Interceptors;

namespace PrivateInference.Rehydrator.Grpc;

/// <summary>Maps <see cref="RehydrationException"/> to gRPC statuses with its fixed, value-free message.</summary>
/// <remarks>Anything unexpected becomes <see cref="StatusCode.Internal"/> with a fixed message: exception text could
/// hold input, so it never reaches the wire or the log (only the exception's type name is logged).</remarks>
public sealed class ExceptionMappingInterceptor(ILogger<ExceptionMappingInterceptor> logger) : Interceptor
{
    /// <inheritdoc />
    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        ArgumentNullException.ThrowIfNull(continuation);
        ArgumentNullException.ThrowIfNull(context);
        try
        {
            return await continuation(request, context).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not RpcException and not OperationCanceledException)
        {
            throw Map(ex, context);
        }
    }

    /// <inheritdoc />
    public override async Task DuplexStreamingServerHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        ArgumentNullException.ThrowIfNull(continuation);
        ArgumentNullException.ThrowIfNull(context);
        try
        {
            await continuation(requestStream, responseStream, context).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not RpcException and not OperationCanceledException)
        {
            throw Map(ex, context);
        }
    }

    /// <summary>The status for a rehydration refusal or failure.</summary>
    public static StatusCode StatusOf(RehydrationErrorKind kind) => kind switch
    {
        RehydrationErrorKind.InvalidArgument => StatusCode.InvalidArgument,
        RehydrationErrorKind.Unauthenticated => StatusCode.Unauthenticated,
        RehydrationErrorKind.PermissionDenied => StatusCode.PermissionDenied,
        RehydrationErrorKind.ResourceExhausted => StatusCode.ResourceExhausted,
        RehydrationErrorKind.FailedPrecondition => StatusCode.FailedPrecondition,
        _ => StatusCode.Unavailable,
    };

    private RpcException Map(Exception ex, ServerCallContext context)
    {
        if (ex is RehydrationException refusal)
        {
            var status = StatusOf(refusal.Kind);
            RehydratorLog.RequestRejected(logger, context.Method, status, refusal.Reason);
            return new RpcException(new Status(status, refusal.Message));
        }

        RehydratorLog.RequestFailed(logger, context.Method, ex.GetType().Name);
        return new RpcException(new Status(StatusCode.Internal, "The request failed inside the Rehydrator."));
    }
}

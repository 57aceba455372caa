using Grpc.Core;
using Grpc.Core.Interceptors;
using PrivateInference.Redactor.Redaction;

namespace PrivateInference.Redactor.Grpc;

/// <summary>Maps the service's typed exceptions to gRPC statuses with fixed, value-free messages.</summary>
/// <remarks>Anything unexpected becomes <see cref="StatusCode.Internal"/> with a fixed message: exception
/// text can contain input, so it never reaches the wire or the log.</remarks>
public sealed class ExceptionMappingInterceptor(ILogger<ExceptionMappingInterceptor> logger) : Interceptor
{
    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request,
        ServerCallContext context,
        UnaryServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            return await continuation(request, context).ConfigureAwait(false);
        }
        catch (RequestValidationException ex)
        {
            RedactorLog.RequestRejected(logger, context.Method, StatusCode.InvalidArgument);
            throw new RpcException(new Status(StatusCode.InvalidArgument, ex.Message));
        }
        catch (RedactionException ex)
        {
            var status = ex.Kind switch
            {
                RedactionFailure.InvalidArgument => StatusCode.InvalidArgument,
                RedactionFailure.TenantNotFound => StatusCode.NotFound,
                RedactionFailure.KeyUnavailable => StatusCode.FailedPrecondition,
                _ => StatusCode.Unavailable,
            };
            RedactorLog.RequestRejected(logger, context.Method, status);
            throw new RpcException(new Status(status, ex.Message));
        }
        catch (Exception ex) when (ex is not RpcException and not OperationCanceledException)
        {
            RedactorLog.RequestFailed(logger, context.Method, ex.GetType().Name);
            throw new RpcException(new Status(StatusCode.Internal, "The request failed inside the service."));
        }
    }
}

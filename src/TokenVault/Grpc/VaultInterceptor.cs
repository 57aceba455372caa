using Grpc.Core;
using Grpc.Core.Interceptors;
using PrivateInference.TokenVault.Audit;
using PrivateInference.TokenVault.Authorization;

namespace PrivateInference.TokenVault.Grpc;

/// <summary>
/// Authenticates every call (bearer service token → <see cref="Caller"/>) and maps the vault's typed
/// exceptions to gRPC statuses with fixed, value-free messages.
/// </summary>
/// <remarks>
/// An unauthenticated call is refused before any handler runs and recorded on the system audit chain.
/// Anything unexpected becomes INTERNAL with a fixed message: exception text could hold input.
/// </remarks>
internal sealed class VaultInterceptor(ServiceTokenValidator validator, AuditTrail audit, ILogger<VaultInterceptor> logger) : Interceptor
{
    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            await AuthenticateAsync(context).ConfigureAwait(false);
            return await continuation(request, context).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not RpcException and not OperationCanceledException)
        {
            throw Map(ex, context);
        }
    }

    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            await AuthenticateAsync(context).ConfigureAwait(false);
            await continuation(request, responseStream, context).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not RpcException and not OperationCanceledException)
        {
            throw Map(ex, context);
        }
    }

    private async Task AuthenticateAsync(ServerCallContext context)
    {
        var header = context.RequestHeaders.GetValue("authorization");
        var token = header is not null && header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header[7..].Trim() : null;
        try
        {
            VaultCallContext.SetCaller(context, await validator.ValidateAsync(token).ConfigureAwait(false));
        }
        catch (VaultException refusal)
        {
            await audit.WriteRefusalAsync(null, new Caller("anonymous", VaultRoles.None), MethodName(context), refusal, new AuditDetail()).ConfigureAwait(false);
            throw;
        }
    }

    private RpcException Map(Exception ex, ServerCallContext context)
    {
        if (ex is VaultException vault)
        {
            var code = VaultWire.StatusOf(vault.Kind);
            VaultLog.RequestRefused(logger, context.Method, code, vault.Reason);
            return new RpcException(new Status(code, vault.Message));
        }

        VaultLog.RequestFailed(logger, context.Method, ex.GetType().Name);
        return new RpcException(new Status(StatusCode.Internal, "The request failed inside the vault."));
    }

    private static string MethodName(ServerCallContext context)
    {
        var slash = context.Method.LastIndexOf('/');
        return "rpc." + (slash >= 0 ? context.Method[(slash + 1)..] : context.Method);
    }
}

using Grpc.Core;
using PrivateInference.TokenVault.Authorization;

namespace PrivateInference.TokenVault.Grpc;

/// <summary>The authenticated caller of a gRPC call, set by <see cref="VaultInterceptor"/>.</summary>
internal static class VaultCallContext
{
    private const string CallerKey = "pi.caller";

    public static void SetCaller(ServerCallContext context, Caller caller) => context.UserState[CallerKey] = caller;

    public static Caller Caller(this ServerCallContext context) =>
        context.UserState.TryGetValue(CallerKey, out var caller) && caller is Caller c
            ? c
            : throw new VaultException(VaultErrorKind.Unauthenticated, "A service token is required.", "unauthenticated");
}

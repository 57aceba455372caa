using PrivateInference.Contracts.Vault.V1;

namespace PrivateInference.Rehydrator.Rehydration;

/// <summary>
/// The TokenVault as the Rehydrator uses it, in the generated contract's types: the service plugs in the gRPC client
/// (<see cref="GrpcRehydrationVault"/>), a development host an in-process vault.
/// </summary>
/// <remarks>
/// <para>Failures: throw <see cref="global::Grpc.Core.RpcException"/> with the vault's status code (the gRPC client does so by
/// itself; an in-process adapter maps the vault's error kinds as its interceptor does). <c>FAILED_PRECONDITION</c> (the
/// tenant's key disabled or destroyed) is reported to the agent as such; every other failure, and any other exception,
/// is <c>UNAVAILABLE</c>. Either way nothing of the request is revealed.</para>
/// <para>Implementations must not log requests or responses: a <see cref="DetokenizeResponse"/> holds raw values.</para>
/// </remarks>
public interface IRehydrationVault
{
    /// <summary>Resolves a batch of tokens and surrogate candidates (at most the vault's batch limit together), with the
    /// rehydration's context for the audit: one result per token in <c>results</c> and one per candidate in
    /// <c>surrogate_results</c>, in request order.</summary>
    Task<DetokenizeResponse> DetokenizeAsync(DetokenizeRequest request, CancellationToken cancellationToken);

    /// <summary>Records a rehydration that needed no Detokenize (all withheld, no tokens, or refused) on the audit chain.</summary>
    Task RecordRehydrationAsync(RecordRehydrationRequest request, CancellationToken cancellationToken);
}

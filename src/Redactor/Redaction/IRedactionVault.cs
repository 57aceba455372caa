using PrivateInference.Contracts.Vault.V1;

namespace PrivateInference.Redactor.Redaction;

/// <summary>
/// The TokenVault as the Redactor uses it, in the generated contract's types: the service plugs in the gRPC client
/// (<see cref="GrpcRedactionVault"/>), the CLI an in-process vault.
/// </summary>
/// <remarks>
/// <para>Failures: throw <see cref="global::Grpc.Core.RpcException"/> with the vault's status code (an in-process adapter
/// maps the vault's error kinds as the vault's interceptor does). <c>FAILED_PRECONDITION</c> (the tenant's key disabled or
/// destroyed) and <c>NOT_FOUND</c> (unknown tenant) reach the caller as such; every other failure, and any other exception,
/// is <c>UNAVAILABLE</c>. Either way nothing of the text is returned.</para>
/// <para>Implementations must not log requests: a <see cref="TokenizeRequest"/> holds raw values.</para>
/// </remarks>
public interface IRedactionVault
{
    /// <summary>Tokenizes one batch of at most the vault's batch limit of values; one token per item, in order.</summary>
    Task<TokenizeResponse> TokenizeAsync(TokenizeRequest request, CancellationToken cancellationToken);
}

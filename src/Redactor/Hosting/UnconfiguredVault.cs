using Grpc.Core;
using PrivateInference.Contracts.Vault.V1;
using PrivateInference.Redactor.Redaction;

namespace PrivateInference.Redactor.Hosting;

/// <summary>The vault of a Redactor started without <c>PI_VAULT_URL</c>: Redact is disabled and answers UNAVAILABLE
/// with <see cref="Message"/> (the gRPC service checks for it before redacting); Scan is unaffected.</summary>
internal sealed class UnconfiguredVault : IRedactionVault
{
    /// <summary>The status message of every Redact on a Redactor without a vault.</summary>
    public const string Message = "Redact is disabled: this Redactor has no vault configured (PI_VAULT_URL is not set). Scan is available.";

    /// <inheritdoc />
    public Task<TokenizeResponse> TokenizeAsync(TokenizeRequest request, CancellationToken cancellationToken) =>
        throw new RpcException(new Status(StatusCode.Unavailable, Message));
}

using Grpc.Core;
using PrivateInference.Contracts.Vault.V1;
using PrivateInference.Redactor.Redaction;
using PrivateInference.TokenVault;
using PrivateInference.TokenVault.Grpc;

namespace PrivateInference.Cli.Commands;

/// <summary>The vault in this process as the Redactor's redaction engine sees it: the same contract types and status
/// codes as over gRPC (<see cref="VaultWire"/>), so <c>pi redact</c> and the service run one redaction.</summary>
internal sealed class InProcessRedactionVault(VaultSession session) : IRedactionVault
{
    public async Task<TokenizeResponse> TokenizeAsync(TokenizeRequest request, CancellationToken cancellationToken)
    {
        try
        {
            return VaultWire.ToWire(await session.Runtime.Pseudonyms.TokenizeAsync(
                session.Caller,
                request.TenantId,
                VaultWire.FromWire(request),
                request.Surrogates,
                cancellationToken).ConfigureAwait(false));
        }
        catch (VaultException ex)
        {
            // As the vault's interceptor maps it; the message is the vault's fixed one.
            throw new RpcException(new Status(VaultWire.StatusOf(ex.Kind), ex.Message));
        }
    }
}

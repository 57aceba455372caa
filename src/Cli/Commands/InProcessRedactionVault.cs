using Grpc.Core;
using PrivateInference.Contracts.Vault.V1;
using PrivateInference.Redactor.Redaction;
using PrivateInference.TokenVault;
using PrivateInference.TokenVault.Pseudonymization;

namespace PrivateInference.Cli.Commands;

/// <summary>The vault in this process as the Redactor's redaction engine sees it: the same contract types and status
/// codes as over gRPC, so <c>pi redact</c> and the service run one redaction.</summary>
internal sealed class InProcessRedactionVault(VaultSession session) : IRedactionVault
{
    public async Task<TokenizeResponse> TokenizeAsync(TokenizeRequest request, CancellationToken cancellationToken)
    {
        IReadOnlyList<string> tokens;
        try
        {
            tokens = await session.Runtime.Pseudonyms.TokenizeAsync(
                session.Caller,
                request.TenantId,
                request.Items.Select(i => new TokenizeInput(i.EntityType, i.Value, i.SubjectRef.Length == 0 ? null : i.SubjectRef, i.Ttl?.ToTimeSpan())).ToArray(),
                cancellationToken).ConfigureAwait(false);
        }
        catch (VaultException ex)
        {
            // As the vault's interceptor maps it; the message is the vault's fixed one.
            throw new RpcException(new Status(
                ex.Kind switch
                {
                    VaultErrorKind.InvalidArgument => StatusCode.InvalidArgument,
                    VaultErrorKind.TenantNotFound => StatusCode.NotFound,
                    VaultErrorKind.PermissionDenied => StatusCode.PermissionDenied,
                    VaultErrorKind.Unauthenticated => StatusCode.Unauthenticated,
                    VaultErrorKind.FailedPrecondition => StatusCode.FailedPrecondition,
                    VaultErrorKind.AlreadyExists => StatusCode.AlreadyExists,
                    _ => StatusCode.Unavailable,
                },
                ex.Message));
        }

        var response = new TokenizeResponse();
        response.Tokens.AddRange(tokens);
        return response;
    }
}
